"""MLPClassifier and MLPRegressor: drop-ins for scikit-learn's, on torch."""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from .._dense import DENSE_ATTRIBUTES, DenseNetworkMixin
from .._docstrings import SHARED_PARAMS
from .._heads import ClassifierHead, RegressorHead
from ..base import BaseNeuralEstimator

__all__ = ["MLPClassifier", "MLPRegressor"]


class MLPClassifier(DenseNetworkMixin, ClassifierHead, BaseNeuralEstimator):
    pass


class MLPRegressor(DenseNetworkMixin, RegressorHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber", "poisson"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        huber_delta=1.0,
        dropout=0.0,
        batch_norm=False,
        l1=0.0,
        max_norm=None,
        input_noise=0.0,
        device="auto",
        callbacks=None,
        dtype=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            batch_norm=batch_norm,
            l1=l1,
            max_norm=max_norm,
            input_noise=input_noise,
            device=device,
            callbacks=callbacks,
            dtype=dtype,
        )
        self.loss = loss
        self.huber_delta = huber_delta


MLPClassifier.__doc__ = f"""Multi-layer perceptron classifier on torch, a drop-in for scikit-learn's.

    Same parameters, defaults, fitted attributes and behaviours as
    :class:`sklearn.neural_network.MLPClassifier` (binary, multiclass and
    multilabel targets, string labels, ``partial_fit`` with ``classes``,
    ``warm_start``, ``sample_weight``, sparse input, solvers ``sgd``, ``adam``,
    ``lbfgs``), trained by skorch on the CPU or a GPU, plus dropout, batch
    normalisation, an L1 penalty, max-norm constraints, input noise and the
    solvers ``adamw``, ``rmsprop`` and ``adagrad``.

    Binary and multilabel targets use one logistic output per label and the
    binary log-loss; multiclass targets a softmax output and the log-loss.

    Parameters
    ----------{SHARED_PARAMS}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
{DENSE_ATTRIBUTES}
    See Also
    --------
    MLPRegressor : The regression counterpart.
    sklearn.neural_network.MLPClassifier : The numpy original.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdeep import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(32,), max_iter=300,
    ...                     learning_rate_init=0.01, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    >>> round(clf.score(X, y), 1) >= 0.9
    True
    """

MLPRegressor.__doc__ = f"""Multi-layer perceptron regressor on torch, a drop-in for scikit-learn's.

    Same parameters, defaults, fitted attributes and behaviours as
    :class:`sklearn.neural_network.MLPRegressor` (single and multi-output
    targets, ``partial_fit``, ``warm_start``, ``sample_weight``, sparse input,
    the ``squared_error`` and ``poisson`` losses), plus the ``absolute_error``
    and ``huber`` losses and the extras listed in :class:`MLPClassifier`.

    Parameters
    ----------
    loss : {{'squared_error', 'absolute_error', 'huber', 'poisson'}}, \
default='squared_error'
        ``'squared_error'`` is half the squared error, ``'poisson'`` half the
        Poisson deviance with a log link (``y >= 0``), as in scikit-learn;
        ``'huber'`` switches from squared to absolute error at ``huber_delta``.
{SHARED_PARAMS}
    huber_delta : float, default=1.0
        Threshold of the Huber loss (only used with ``loss='huber'``).

    Attributes
    ----------{DENSE_ATTRIBUTES}
    See Also
    --------
    MLPClassifier : The classification counterpart.
    sklearn.neural_network.MLPRegressor : The numpy original.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = X @ [1.0, -2.0, 0.5]
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01,
    ...                    max_iter=300, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """
