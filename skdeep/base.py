"""The estimator base shared by every skdeep network family.

:class:`BaseNeuralEstimator` turns explicit constructor parameters into a torch
module, a loss, an optimizer and a skorch net (``net_``), all built inside
``fit`` from the parameters and the data's shape.  It owns seeding, the device,
the validation split, early stopping with best-weight restoring, the
scikit-learn history attributes (``loss_curve_``, ``validation_scores_``, ...),
``partial_fit`` and ``warm_start``.

A family subclasses it with a *head* (classification, regression, survival; see
:mod:`skdeep._heads`) on the left and implements :meth:`_build_module`; it may
override :meth:`_validate_X` and :meth:`_training_inputs` for inputs that are not
a 2-D feature matrix.
"""

import copy
import math
import sys
import time
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ._training import (
    DivergenceError,
    TrainingNet,
    as_tensor,
    resolve_device,
    resolve_dtype,
    seeded,
    thread_budget,
)

__all__ = ["BaseNeuralEstimator", "ACTIVATION_NAMES", "SOLVERS"]

ACTIVATION_NAMES = {"identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "gelu"}
SOLVERS = {"lbfgs", "sgd", "adam", "adamw", "rmsprop", "adagrad"}
_STOCHASTIC_SOLVERS = SOLVERS - {"lbfgs"}
# A loss this many times its first epoch's value has diverged even where the
# float type still holds it (float64 reaches 1e58 where float32 overflowed).
_BLOW_UP = 1e10

# The API pages sphinx-autosummary writes (docs/api.rst -> generated/<public path>.html).
DOCS_URL = "https://skdeep.readthedocs.io/en/latest/generated/{estimator_module}.{estimator_name}.html"


def _doc_link_params(estimator):
    """``{estimator_module, estimator_name}`` of the public path the API reference uses.

    Estimators exported by ``skdeep`` itself (``skdeep.MLPClassifier``) are
    documented there; the others under their sub-package
    (``skdeep.survival.DeepSurv``), never under a private module.
    """
    cls = type(estimator)
    parts = cls.__module__.split(".")
    public = []
    for part in parts:
        if part.startswith("_"):
            break
        public.append(part)
    top = sys.modules.get("skdeep")
    if top is not None and cls.__name__ in getattr(top, "__all__", ()):
        public = ["skdeep"]
    return {"estimator_module": ".".join(public), "estimator_name": cls.__name__}


class BaseNeuralEstimator(BaseEstimator):
    """Base class for skdeep estimators.  Not to be used directly.

    The parameters are those of :class:`sklearn.neural_network.MLPClassifier`
    (same names, defaults and meanings) plus ``dropout``, ``batch_norm``,
    ``l1``, ``max_norm``, ``input_noise``, ``device``, ``callbacks`` and
    ``dtype``; see
    :class:`skdeep.MLPClassifier` for their documentation.
    """

    # In a notebook, the HTML repr links each estimator to its API page and
    # shows each parameter's description as a tooltip, as scikit-learn's do.
    _doc_link_module = "skdeep"
    _doc_link_template = DOCS_URL
    _doc_link_url_param_generator = _doc_link_params

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(ACTIVATION_NAMES)],
        "solver": [StrOptions(SOLVERS)],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
        "l1": [Interval(Real, 0, None, closed="left")],
        "max_norm": [None, Interval(Real, 0, None, closed="neither")],
        "input_noise": [Interval(Real, 0, None, closed="left")],
        "device": [str, torch.device],
        "callbacks": [None, list, tuple],
        "dtype": [None, StrOptions({"float32", "float64"})],
    }

    def __init__(
        self,
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
        dropout=0.0,
        batch_norm=False,
        l1=0.0,
        max_norm=None,
        input_noise=0.0,
        device="auto",
        callbacks=None,
        dtype=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.l1 = l1
        self.max_norm = max_norm
        self.input_noise = input_noise
        self.device = device
        self.callbacks = callbacks
        self.dtype = dtype

    # ------------------------------------------------------------ family hooks
    def _build_module(self, X, y):
        """Return the ``torch.nn.Module`` for validated ``X`` and encoded ``y``."""
        raise NotImplementedError

    def _validate_X(self, X, reset):
        """Validate the input; the default takes a dense or sparse 2-D matrix."""
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=reset,
        )

    def _training_inputs(self, X):
        """What the module is called with, as arrays (a tuple for several inputs)."""
        return X

    def _after_fit(self, X, y, sample_weight):
        """Called once training has finished (survival models fit baselines here)."""

    def _work_per_sample(self, n_features):
        """Multiply-adds of one forward pass for one sample, or None if unknown.

        Sizes the thread budget (:func:`skdeep._training.thread_budget`): a
        family that returns None trains with the caller's torch threads.
        """
        return None

    def _thread_work(self, n_rows, n_features, training):
        per_sample = self._work_per_sample(n_features)
        if per_sample is None:
            return None
        if training and self.solver != "lbfgs":
            n_rows = min(200 if self.batch_size == "auto" else self.batch_size, n_rows)
        return per_sample * max(1, n_rows)

    # ------------------------------------------------------------ parameters
    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        if any(int(s) != s or s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be positive integers, got {sizes}.")
        return [int(s) for s in sizes]

    def _optimizer(self):
        """``(torch optimizer class, keyword arguments)`` for ``solver``."""
        lr = self.learning_rate_init
        betas = (self.beta_1, self.beta_2)
        if self.solver == "sgd":
            nesterov = self.nesterovs_momentum and self.momentum > 0
            return torch.optim.SGD, {"lr": lr, "momentum": self.momentum, "nesterov": nesterov}
        if self.solver == "adam":
            return torch.optim.Adam, {"lr": lr, "betas": betas, "eps": self.epsilon}
        if self.solver == "adamw":
            return torch.optim.AdamW, {
                "lr": lr,
                "betas": betas,
                "eps": self.epsilon,
                "weight_decay": self.alpha,
            }
        if self.solver == "rmsprop":
            return torch.optim.RMSprop, {"lr": lr, "eps": self.epsilon}
        if self.solver == "adagrad":
            return torch.optim.Adagrad, {"lr": lr, "eps": self.epsilon}
        # lbfgs: scipy drives the search; the torch optimizer is never stepped.
        return torch.optim.SGD, {"lr": lr}

    def _penalties(self):
        """``(l2, l1)`` added to the loss (AdamW applies ``alpha`` as weight decay)."""
        return (0.0 if self.solver == "adamw" else self.alpha), self.l1

    # ------------------------------------------------------------ fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        first_pass = not hasattr(self, "net_") or (not self.warm_start and not incremental)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        self._hidden_layer_sizes()
        X = self._validate_X(X, reset=first_pass)
        y = self._validate_y(y)
        check_consistent_length(X, y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
            if np.any(sample_weight < 0):
                raise ValueError(
                    f"Negative values in sample_weight (the smallest is "
                    f"{sample_weight.min():g}); sample weights must be >= 0. A weight of "
                    "0 drops a sample."
                )
            if np.all(sample_weight == 1):
                sample_weight = None  # exactly equivalent, and cheaper
        self._prepare_target(
            y,
            first_pass=first_pass,
            incremental=incremental,
            classes=classes,
            sample_weight=sample_weight,
        )
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        y_enc = self._encode_target(y)

        work = self._thread_work(_n_samples(X), _n_features(X), training=True)
        with seeded(seed, device), thread_budget(work if device.type == "cpu" else None):
            if first_pass:
                self._initialize(X, y_enc, device, self._model_dtype(X, device))
            elif not incremental:
                self._reset_optimizer()
            if self.solver == "lbfgs":
                self._fit_lbfgs(X, y_enc, sample_weight)
            else:
                self._fit_stochastic(X, y, y_enc, sample_weight, rng, incremental)

        if not self._parameters_finite():
            self._raise_non_finite_weights()
        self._after_fit(X, y, sample_weight)
        return self

    # Families whose X is not the float data the network reads (graphs: node ids
    # into float32 graph features) set a fixed torch dtype here.
    _fixed_dtype = None

    def _model_dtype(self, X, device):
        """The float dtype of a new module: ``dtype``, or the rule of :func:`resolve_dtype`."""
        if self._fixed_dtype is not None:
            return self._fixed_dtype
        return resolve_dtype(getattr(self, "dtype", None), X, device)

    def _initialize(self, X, y_enc, device, dtype=torch.float32):
        """Build the module (in float ``dtype``), loss, optimizer and skorch net."""
        module = self._build_module(X, y_enc).to(dtype)
        cls, kwargs = self._optimizer()
        callbacks = copy.deepcopy(list(self.callbacks)) if self.callbacks else None
        net = TrainingNet(
            module=module,
            criterion=self._build_criterion(),
            optimizer=cls,
            max_epochs=self.max_iter,
            train_split=None,
            callbacks=callbacks,
            device=str(device),
            verbose=int(self.verbose >= 2),
            torch_load_kwargs={"weights_only": False},
            **_prefixed("optimizer__", kwargs),
        )
        net.initialize()
        self.net_ = net
        self.n_iter_ = 0
        self.t_ = 0
        if self.solver in _STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self._no_improvement_count = 0
            self._best_state = None
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _reset_optimizer(self):
        """A fresh optimizer from the current parameters (a warm-started ``fit``)."""
        cls, kwargs = self._optimizer()
        self.net_.optimizer = cls
        for key, value in _prefixed("optimizer__", kwargs).items():
            setattr(self.net_, key, value)
        self.net_.initialize_optimizer()

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} "
                "training samples; it is clipped to the sample size."
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _split_validation(self, X, y, y_enc, sample_weight, rng):
        """Hold out ``validation_fraction`` of the data (stratified for classifiers)."""
        n = X.shape[0] if hasattr(X, "shape") else len(X)
        idx_train, idx_val = train_test_split(
            np.arange(n),
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=self._stratify(y),
        )
        if idx_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )

        def part(idx):
            return (
                _safe_indexing(X, idx),
                _safe_indexing(y, idx),
                _index_encoded(y_enc, idx),
                None if sample_weight is None else sample_weight[idx],
            )

        return part(idx_train), part(idx_val)

    def _fit_stochastic(self, X, y, y_enc, sample_weight, rng, incremental):
        net = self.net_
        device, dtype = torch.device(net.device), net.module_dtype()
        val = None
        if self.early_stopping:
            (X, y, y_enc, sample_weight), val = self._split_validation(
                X, y, y_enc, sample_weight, rng
            )
            self._check_validation_split(val[1])
            X_val_t = as_tensor(self._training_inputs(val[0]), device, dtype)
            y_val_t = as_tensor(val[2], device, dtype, name="y")
            w_val_t = as_tensor(val[3], device, dtype, name="sample_weight")
        X_t = as_tensor(self._training_inputs(X), device, dtype)
        y_t = as_tensor(y_enc, device, dtype, name="y")
        w_t = as_tensor(sample_weight, device, dtype, name="sample_weight")
        n_samples = _n_samples(X)
        self._check_batch_norm_rows(n_samples)
        batch_size = self._batch_size(n_samples)
        l2, l1 = self._penalties()
        if not incremental:
            self._no_improvement_count = 0
        self.n_iter_ = 0
        callback_kwargs = {"dataset_train": None, "dataset_valid": None}
        # skorch's epoch notifications (and its history rows as they happen) are
        # paid for only when someone listens: user callbacks or verbose >= 2.
        # Otherwise the rows are written in bulk once training ends.
        per_epoch = self._notifies_epochs()
        net.verbose = int(self.verbose >= 2)
        rows = []
        diverged = None
        net.notify("on_train_begin", X=X, y=y)
        try:
            first_loss = None
            for _epoch in range(self.max_iter):
                tic = time.perf_counter()
                if per_epoch:
                    net.notify("on_epoch_begin", **callback_kwargs)
                loss = net.run_epoch(
                    X_t,
                    y_t,
                    w_t,
                    batch_size=batch_size,
                    shuffle=self.shuffle,
                    l2=l2,
                    l1=l1,
                    max_norm=self.max_norm,
                    input_noise=self.input_noise,
                )
                first_loss = loss if first_loss is None else first_loss
                if _diverged(loss, first_loss):
                    if val is not None and self._best_state is not None:
                        diverged = loss
                        break
                    self._check_finite_loss(loss, first_loss)
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_ = loss
                self.loss_curve_.append(loss)
                row = {"train_loss": loss}
                if self.verbose and self.verbose < 2:
                    print(f"Iteration {self.n_iter_}, loss = {loss:.8f}")
                if val is not None:
                    output = net.forward_raw(X_val_t, to_cpu=False)
                    with torch.no_grad():  # a score, not a training step
                        row["valid_loss"] = float(net.criterion_(output, y_val_t, w_val_t))
                    score = row["valid_score"] = self._score_output(output.cpu(), val[1], val[3])
                if per_epoch:
                    for key, value in row.items():
                        net.history.record(key, value)
                self._update_no_improvement_count(score if val is not None else None)
                if self.solver == "sgd" and self.learning_rate == "invscaling":
                    self._set_lr(self.learning_rate_init / (self.t_ + 1) ** self.power_t)
                if per_epoch:
                    net.notify("on_epoch_end", **callback_kwargs)
                else:
                    row["dur"] = time.perf_counter() - tic
                    rows.append(row)
                if self._no_improvement_count > self.n_iter_no_change and self._trigger_stopping():
                    break
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            # skorch callbacks such as EarlyStopping stop training this way.
            pass
        finally:
            _record_epochs(net.history, rows)
        net.notify("on_train_end", X=X, y=y)
        if self.early_stopping and self._best_state is not None:
            net.module_.load_state_dict(self._best_state)
        if diverged is not None:
            warnings.warn(
                f"Training diverged: the loss became {diverged} at epoch "
                f"{self.n_iter_ + 1}; training stopped and the weights with the best "
                f"validation score ({self.best_validation_score_:.6f}) were restored. "
                f"Lower learning_rate_init (currently {self.learning_rate_init}) or "
                "scale the inputs (e.g. with StandardScaler).",
                ConvergenceWarning,
            )

    def _notifies_epochs(self):
        """Whether skorch callbacks hear about every epoch (user callbacks, verbose >= 2)."""
        return bool(self.callbacks) or self.verbose >= 2

    def _check_batch_norm_rows(self, n_samples):
        if self.batch_norm and n_samples < 2:
            raise ValueError(
                f"batch_norm=True needs at least 2 training samples per batch, but "
                f"{'the training split has' if self.early_stopping else 'got'} "
                f"{n_samples}; batch statistics of one row are undefined. Pass more "
                "samples or set batch_norm=False."
            )

    def _check_validation_split(self, y_val):
        """Hook: refuse validation sets the score cannot use (survival: no events)."""

    def _check_finite_loss(self, loss, first_loss=None):
        blown_up = first_loss is not None and math.isfinite(loss) and _diverged(loss, first_loss)
        if not math.isfinite(loss) or blown_up:
            if not self._parameters_finite():
                self._raise_non_finite_weights()
            what = f"became {loss}" if not blown_up else f"grew from {first_loss:.4g} to {loss:.4g}"
            raise DivergenceError(
                f"Training diverged: the loss {what} at epoch {self.n_iter_ + 1}. "
                f"Lower learning_rate_init (currently {self.learning_rate_init}), "
                "scale the inputs (e.g. with StandardScaler) or use a more robust "
                "solver such as 'adam'."
            )

    def _parameters_finite(self):
        return all(bool(torch.isfinite(p).all()) for p in self.net_.module_.parameters())

    def _raise_non_finite_weights(self):
        # scikit-learn's words first, so code matching on them keeps working.
        raise DivergenceError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed. Scale it (e.g. "
            "with StandardScaler) or lower learning_rate_init "
            f"(currently {self.learning_rate_init})."
        )

    def _update_no_improvement_count(self, val_score):
        if val_score is not None:
            self.validation_scores_.append(val_score)
            if self.verbose and self.verbose < 2:
                print(f"Validation score: {val_score:f}")
            if val_score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if val_score > self.best_validation_score_:
                self.best_validation_score_ = val_score
                self._best_state = {
                    k: v.detach().clone() for k, v in self.net_.module_.state_dict().items()
                }
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    def _trigger_stopping(self):
        """Stop, or for ``learning_rate='adaptive'`` SGD divide the step by 5."""
        what = "Validation score" if self.early_stopping else "Training loss"
        msg = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        lr = self.net_.optimizer_.param_groups[0]["lr"]
        if self.solver != "sgd" or self.learning_rate != "adaptive":
            if self.verbose:
                print(msg + " Stopping.")
            return True
        if lr <= 1e-6:
            if self.verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self._set_lr(lr / 5.0)
        self._no_improvement_count = 0
        if self.verbose:
            print(msg + f" Setting learning rate to {lr / 5.0:f}")
        return False

    def _set_lr(self, lr):
        for group in self.net_.optimizer_.param_groups:
            group["lr"] = lr

    def _fit_lbfgs(self, X, y_enc, sample_weight):
        device, dtype = torch.device(self.net_.device), self.net_.module_dtype()
        self._check_batch_norm_rows(_n_samples(X))
        l2, l1 = self._penalties()
        result = self.net_.fit_lbfgs(
            as_tensor(self._training_inputs(X), device, dtype),
            as_tensor(y_enc, device, dtype, name="y"),
            as_tensor(sample_weight, device, dtype, name="sample_weight"),
            l2=l2,
            l1=l1,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            verbose=self.verbose,
        )
        self._check_finite_loss(result.fun)
        self.n_iter_ = _check_optimize_result("lbfgs", result, self.max_iter)
        self.loss_ = float(result.fun)
        self.t_ += _n_samples(X)
        self.net_.history.new_epoch()
        self.net_.history.record("train_loss", self.loss_)

    # ------------------------------------------------------------ public API
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data ``X`` and target ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the loss is their weighted average.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def _check_partial_fit_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def _raw_output(self, X):
        """Validated ``X`` -> raw module output as a float64 array, and X's dtype."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        cpu = torch.device(self.net_.device).type == "cpu"
        work = self._thread_work(min(_n_samples(X), 4096), _n_features(X), training=False)
        with thread_budget(work if cpu else None):
            output = self.net_.forward_raw(self._training_inputs(X))
        dtype = getattr(X, "dtype", np.float64)
        dtype = dtype if dtype in (np.float32, np.float64) else np.float64
        return output.double().numpy(), dtype

    @property
    def history_(self):
        """The skorch :class:`~skorch.history.History` of the fit (one row an epoch)."""
        check_is_fitted(self)
        return self.net_.history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.device not in ("cpu",) and torch.cuda.is_available()
        return tags


def _diverged(loss, first_loss):
    """Whether an epoch's loss is non-finite or has blown up past its first epoch's."""
    return not math.isfinite(loss) or loss > _BLOW_UP * max(first_loss, 1e-12)


def _record_epochs(history, rows):
    """Append one skorch history row per epoch, as ``on_epoch_begin`` would."""
    for row in rows:
        history.append({"batches": [], "epoch": len(history) + 1, **row})
    rows.clear()


def _prefixed(prefix, kwargs):
    return {prefix + k: v for k, v in kwargs.items()}


def _index_encoded(y_enc, idx):
    if isinstance(y_enc, tuple):
        return tuple(y[idx] for y in y_enc)
    return y_enc[idx]


def _n_features(X):
    if isinstance(X, tuple):
        return _n_features(X[0])
    shape = getattr(X, "shape", None)
    return shape[1] if shape is not None and len(shape) > 1 else None


def _n_samples(X):
    if isinstance(X, tuple):
        return _n_samples(X[0])
    return X.shape[0] if hasattr(X, "shape") else len(X)
