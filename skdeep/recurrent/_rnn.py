"""RNNClassifier and RNNRegressor: recurrent networks on sequences (many-to-one).

Sequences come as ``(n, T, F)``, ``(n, T)`` (one feature), a list of
``(T_i, F)`` arrays of different lengths, or 2-D ``(n, d)`` rows read through
``sequence_shape``; the 2-D path makes them ordinary scikit-learn estimators
that pass the generic estimator checks.

Variable-length sequences are validated one by one and stacked into one array
padded with NaN after each sequence's end (user data can never hold NaN: it is
rejected), so the validated ``X`` stays a plain array that the base class can
split and index; :meth:`_RNNMixin._training_inputs` turns the padding into
lengths for :func:`torch.nn.utils.rnn.pack_padded_sequence`.
"""

import math
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, validate_data

from .._docstrings import TRAINING_ATTRIBUTES, training_params_doc
from .._heads import ClassifierHead, RegressorHead
from ..base import BaseNeuralEstimator
from ._modules import CELLS, RNNModule

__all__ = ["RNNClassifier", "RNNRegressor"]

_FLOAT = (np.float64, np.float32)


def _shape_of(sequence_shape, n_features):
    """Resolve ``sequence_shape`` against the row width ``n_features`` -> (T, F)."""
    if sequence_shape is None:
        return (n_features, 1)
    shape = tuple(sequence_shape)
    if (
        len(shape) != 2
        or not all(isinstance(s, Integral) and (s > 0 or s == -1) for s in shape)
        or shape.count(-1) > 1
    ):
        raise ValueError(
            f"sequence_shape must be None or (T, F) with positive ints (at most one "
            f"-1), got {sequence_shape!r}."
        )
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if n_features % known:
            raise ValueError(
                f"sequence_shape={shape} cannot be filled from rows of {n_features} "
                f"features ({n_features} is not a multiple of {known})."
            )
        shape = tuple(n_features // known if s == -1 else s for s in shape)
    if math.prod(shape) != n_features:
        raise ValueError(
            f"sequence_shape={tuple(sequence_shape)} holds {math.prod(shape)} values per "
            f"sequence but X has {n_features} features per row; they must match."
        )
    return tuple(int(s) for s in shape)


def _as_sequence(seq, i):
    arr = np.asarray(seq)
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]
    if arr.ndim != 2:
        raise ValueError(
            f"Each sequence must be a (T_i, F) or (T_i,) array; sequence {i} has "
            f"{arr.ndim} dimensions."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"Sequence {i} is empty; every sequence needs at least one step.")
    return check_array(arr, dtype=_FLOAT, input_name=f"X[{i}]")


def _pad(sequences):
    """Stack ``(T_i, F)`` arrays into ``(n, max T_i, F)``, NaN after each end."""
    n_feat = {s.shape[1] for s in sequences}
    if len(n_feat) > 1:
        first = sequences[0].shape[1]
        i = next(i for i, s in enumerate(sequences) if s.shape[1] != first)
        raise ValueError(
            "All sequences must have the same number of features per step; sequence 0 "
            f"has {first} and sequence {i} has {sequences[i].shape[1]}."
        )
    dtype = np.result_type(*[s.dtype for s in sequences])
    out = np.full(
        (len(sequences), max(len(s) for s in sequences), n_feat.pop()), np.nan, dtype=dtype
    )
    for i, s in enumerate(sequences):
        out[i, : len(s)] = s
    return out


def _is_ragged(X):
    if not isinstance(X, (list, tuple)) or not X:
        return False
    shapes = {np.shape(s) for s in X}
    return len(shapes) > 1 and all(len(s) >= 1 for s in shapes)


class _RNNMixin:
    """Sequence validation and module construction shared by both RNN estimators."""

    _rnn_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "sequence_shape": [None, tuple, list],
    }

    def _validate_X(self, X, reset):
        if _is_ragged(X):
            X = _pad([_as_sequence(s, i) for i, s in enumerate(X)])
            return self._check_sequences(X, reset, ragged=True)
        if not (sp.issparse(X) or hasattr(X, "iloc") or hasattr(X, "shape")):
            X = np.asarray(X)
        if sp.issparse(X) or hasattr(X, "iloc") or len(X.shape) <= 2:
            if not reset and self._fit_ndim == 3:  # rows of steps, for a sequence fit
                X = check_array(X, dtype=_FLOAT, input_name="X")
                return self._check_sequences(self._rows_as_steps(X), reset)
            X = validate_data(self, X, dtype=_FLOAT, reset=reset)
            if reset:
                self.sequence_shape_ = _shape_of(self.sequence_shape, X.shape[1])
                self._fit_ndim = 2
            return X.reshape((X.shape[0],) + self.sequence_shape_)
        X = check_array(X, allow_nd=True, dtype=_FLOAT, input_name="X")
        if X.ndim != 3:
            raise ValueError(
                f"X must be (n_samples, T, F), (n_samples, T), a list of (T_i, F) arrays, "
                f"or 2-D (n_samples, n_features) with sequence_shape; got {X.ndim} "
                "dimensions."
            )
        return self._check_sequences(X, reset)

    def _rows_as_steps(self, X):
        n_feat = self.sequence_shape_[1]
        if X.shape[1] % n_feat:
            raise ValueError(
                f"{type(self).__name__} was fitted on sequences of {n_feat} features per "
                f"step; rows of {X.shape[1]} features cannot be read as such steps."
            )
        return X.reshape(X.shape[0], -1, n_feat)

    def _check_sequences(self, X, reset, ragged=False):
        """Bookkeeping for 3-D (possibly NaN-padded) input: features per step."""
        n_feat = X.shape[2]
        if n_feat == 0 or X.shape[1] == 0:
            raise ValueError(
                f"X holds sequences of {X.shape[1]} steps with {n_feat} features per "
                f"step (shape {X.shape}); {type(self).__name__} needs at least one "
                "step and at least one feature per step."
            )
        if reset:
            self.sequence_shape_ = (None if ragged else X.shape[1], n_feat)
            self._fit_ndim = 3
            self.n_features_in_ = n_feat
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif n_feat != self.sequence_shape_[1]:
            raise ValueError(
                f"X has {n_feat} features per step, but {type(self).__name__} was "
                f"fitted on {self.sequence_shape_[1]}."
            )
        return X

    def _training_inputs(self, X):
        """``X`` itself, or for NaN-padded rows (see :func:`_pad`) the zero-filled
        array and each sequence's length, which the module packs."""
        missing = np.isnan(X[:, :, 0])
        if not missing.any():
            return X
        lengths = (~missing).sum(axis=1).astype(np.int64)
        return np.nan_to_num(X, nan=0.0), lengths

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    def _build_module(self, X, y):
        return RNNModule(
            X.shape[2],
            self.cell,
            self.hidden_size,
            self.num_layers,
            self.bidirectional,
            self._hidden_layer_sizes(),
            self.n_outputs_,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )


class RNNClassifier(_RNNMixin, ClassifierHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **_RNNMixin._rnn_constraints,
    }

    def __init__(
        self,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        hidden_layer_sizes=(),
        activation="relu",
        *,
        sequence_shape=None,
        solver="adam",
        alpha=0.0001,
        batch_size=32,
        learning_rate="constant",
        learning_rate_init=0.01,
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
        n_iter_no_change=5,
        max_fun=15000,
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
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.sequence_shape = sequence_shape

class RNNRegressor(_RNNMixin, RegressorHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **_RNNMixin._rnn_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber", "poisson"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        hidden_layer_sizes=(),
        activation="relu",
        *,
        loss="squared_error",
        huber_delta=1.0,
        sequence_shape=None,
        solver="adam",
        alpha=0.0001,
        batch_size=32,
        learning_rate="constant",
        learning_rate_init=0.01,
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
        n_iter_no_change=5,
        max_fun=15000,
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
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.sequence_shape = sequence_shape
        self.loss = loss
        self.huber_delta = huber_delta


_RNN_PARAMS = """
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
        The recurrent cell: long short-term memory, gated recurrent unit, or
        the plain Elman RNN with ``tanh``.

    hidden_size : int, default=64
        Width of the recurrent state.

    num_layers : int, default=1
        Number of stacked recurrent layers (``dropout`` applies between them).

    bidirectional : bool, default=False
        Also read every sequence backwards; the final forward and backward
        states are concatenated.

    hidden_layer_sizes : array-like of int, default=()
        Widths of dense layers between the final recurrent state and the
        output layer (empty: a linear read-out).

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \\
'gelu'}, default='relu'
        Activation of the dense layers (the cells keep their own).

    sequence_shape : tuple of int or None, default=None
        How to read rows of a 2-D ``X`` of shape ``(n_samples, d)``: as
        sequences of shape ``(T, F)`` (time-major: the first ``F`` values are
        step 1), with at most one entry ``-1`` inferred from ``d``. ``None``
        reads a row as ``d`` steps of one feature. Ignored for 3-D ``X`` and
        lists of sequences.
"""

_TRAINING_PARAMS = training_params_doc(
    batch_size="32", learning_rate_init="0.01", n_iter_no_change="5"
)

_RNN_ATTRIBUTES = (
    """
    sequence_shape_ : tuple
        ``(T, F)`` of the training sequences; ``T`` is ``None`` after a fit on
        variable-length sequences.

    n_features_in_ : int
        Number of features of a 2-D ``X`` seen during fit (``T * F``), or the
        number of features per step ``F`` for 3-D or list input.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` is a DataFrame with
        string column names.
"""
    + TRAINING_ATTRIBUTES
)

_INPUT_NOTE = """
    ``X`` may be ``(n_samples, T, F)``, ``(n_samples, T)`` (one feature per
    step), a list of ``(T_i, F)`` or ``(T_i,)`` arrays of different lengths
    (padded and packed internally, so each sequence is read to its own end),
    or 2-D ``(n_samples, d)`` rows read through ``sequence_shape``. After a fit
    on 3-D or list input, sequences of any length with the same ``F`` can be
    predicted."""

RNNClassifier.__doc__ = f"""Recurrent neural network classifier for sequences (many-to-one).

    An LSTM, GRU or plain RNN reads each sequence; its final hidden state goes
    through optional dense layers to a softmax (or, for binary and multilabel
    targets, logistic) output trained with the log-loss.
{_INPUT_NOTE} The training parameters are those of
    :class:`skdeep.MLPClassifier`; the defaults of ``batch_size``,
    ``learning_rate_init`` and ``n_iter_no_change`` suit small sequence sets.

    Parameters
    ----------{_RNN_PARAMS}
{_TRAINING_PARAMS}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
{_RNN_ATTRIBUTES}
    See Also
    --------
    RNNRegressor : The regression counterpart.
    skdeep.CNNClassifier : Convolutional networks for images.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> seqs = [rng.normal(size=(rng.randint(3, 10), 2)) for _ in range(200)]
    >>> y = [int(s[:, 0].sum() > 0) for s in seqs]  # sign of a running total
    >>> clf = RNNClassifier(hidden_size=16, random_state=0).fit(seqs, y)
    >>> clf.sequence_shape_
    (None, 2)
    >>> clf.score(seqs, y) > 0.8
    True
    """

RNNRegressor.__doc__ = f"""Recurrent neural network regressor for sequences (many-to-one).

    The network of :class:`RNNClassifier` with a linear output (or an
    exponential one for ``loss='poisson'``): it predicts one or several real
    values per sequence.
{_INPUT_NOTE}

    Parameters
    ----------{_RNN_PARAMS}
    loss : {{'squared_error', 'absolute_error', 'huber', 'poisson'}}, \\
default='squared_error'
        The regression loss, as in :class:`skdeep.MLPRegressor`.

    huber_delta : float, default=1.0
        Threshold of the Huber loss (only used with ``loss='huber'``).
{_TRAINING_PARAMS}
    Attributes
    ----------{_RNN_ATTRIBUTES}
    See Also
    --------
    RNNClassifier : The classification counterpart.
    skdeep.datasets.make_adding_problem : A long-range memory benchmark.

    Examples
    --------
    >>> from skdeep import RNNRegressor
    >>> from skdeep.datasets import make_adding_problem
    >>> X, y = make_adding_problem(n_samples=1000, sequence_length=20, random_state=0)
    >>> reg = RNNRegressor(hidden_size=32, max_iter=30, random_state=0)
    >>> reg.fit(X[:800], y[:800]).score(X[800:], y[800:]) > 0.9
    True
    """
