"""NetworkPruner: a meta-estimator that prunes any skdeep network."""

import copy
import pickle
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, MetaEstimatorMixin, TransformerMixin, clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._prunable import output_weight_names, prunable_weights
from .._training import as_tensor, n_rows
from ..base import BaseNeuralEstimator
from . import _admm
from ._enforce import MaskEnforcer, apply_masks
from ._lowrank import factorize
from ._schedule import magnitude_masks, schedule_targets
from ._storage import packed_weights, unpack_weights
from ._structured import group_masks, shrink, unit_groups, unit_masks

__all__ = ["NetworkPruner"]

#: ``fine_tune_learning_rate='auto'``: this multiple of the wrapped estimator's
#: ``learning_rate_init`` (5-fold digits, 90%: 1x lost 0.7 points, 3x 0.3-0.5;
#: 5x, cosine annealing and 60 epochs were no better).
AUTO_LR_FACTOR = 3.0
METHODS = {"magnitude", "structured", "low_rank", "admm", "proximal"}
_DELEGATED = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "predict_survival_function",
    "predict_cumulative_hazard_function",
    "predict_cumulative_incidence",
    "predict_hazard",
    "predict_pmf",
)


def _wrapped_has(name):
    def check(self):
        est = getattr(self, "estimator_", self.estimator)
        getattr(est, name)  # raises AttributeError, which available_if reports
        return True

    return check


def _delegate(name):
    def method(self, X, *args, **kwargs):
        check_is_fitted(self)
        return getattr(self.estimator_, name)(X, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = (
        f"``{name}`` of the pruned network (see the wrapped estimator's ``{name}``).\n\n"
        "        Parameters\n        ----------\n        X : array-like\n"
        "            Input data, as the wrapped estimator takes it.\n"
        "        *args, **kwargs\n            Passed on to the wrapped estimator.\n\n"
        "        Returns\n        -------\n        result\n"
        f"            What the wrapped estimator's ``{name}`` returns.\n"
    )
    return available_if(_wrapped_has(name))(method)


class NetworkPruner(TransformerMixin, MetaEstimatorMixin, BaseEstimator):
    r"""Prune a skdeep network: sparser, smaller and faster, with its accuracy kept.

    A meta-estimator around any skdeep network estimator (MLP, CNN, RNN,
    survival models, ...). ``fit`` trains a copy of ``estimator`` (or copies a
    fitted one with ``prefit=True``), prunes it step by step on ``schedule``
    and fine-tunes it after each step with the pruned weights held at zero.
    ``predict``, ``predict_proba``, ``score``, ``predict_survival_function``
    and the wrapped estimator's other prediction methods use the pruned
    network; :meth:`transform` returns its last hidden layer.

    Read more in the :ref:`User Guide <pruning>`.

    Parameters
    ----------
    estimator : skdeep estimator
        The network to prune (an instance of a
        :class:`~skdeep.base.BaseNeuralEstimator` subclass). It is never
        modified: the pruner works on a copy, ``estimator_``.

    method : {'magnitude', 'structured', 'low_rank', 'admm', 'proximal'}, \
default='magnitude'
        ``'magnitude'``: remove the individual weights of smallest
        :math:`|w|` (unstructured). ``'structured'``: remove whole hidden
        neurons and convolution channels, ranked by
        :math:`\lVert w_{\text{in}}\rVert_2 \lVert w_{\text{out}}\rVert_2`,
        and rebuild smaller dense layers. ``'low_rank'``: replace each
        hidden dense layer :math:`W` by its truncated SVD :math:`BA`.
        ``'admm'`` (Zhang et al., 2018) and ``'proximal'`` (L1
        soft-thresholding, or group lasso with ``granularity='unit'``):
        train towards a sparse network for the first half of
        ``fine_tune_epochs``, then prune hard and fine-tune for the rest.
        See :ref:`pruning` for the maths and when to use which.

    sparsity : float in [0, 1), default=0.9
        Fraction to remove: of the prunable weights (``'magnitude'``,
        ``'admm'``, ``'proximal'``), of the hidden units (``'structured'``
        and ``granularity='unit'``), or of the weights of the factorised
        layers (``'low_rank'`` when ``rank`` and ``energy`` are None).

    scope : {'global', 'layer'}, default='global'
        ``'global'`` ranks weights (units) of all layers together, so
        redundant layers lose more; ``'layer'`` removes ``sparsity`` from
        every layer. Either way no layer is pruned beyond 99% (units: never
        to zero), every output unit keeps an input, and the output layer is
        ranked on its own and pruned at most 50%.

    schedule : {'one_shot', 'iterative', 'cubic'}, default='cubic'
        Sparsity at pruning step :math:`t = 1..n`: ``'one_shot'`` reaches
        ``sparsity`` at once; ``'iterative'`` removes the same fraction of
        what remains at each step, :math:`s_t = 1 - (1 - s)^{t/n}`;
        ``'cubic'`` (Zhu & Gupta, 2017) :math:`s_t = s(1 - (1 - t/n)^3)`.
        ``'low_rank'`` factorises once.

    n_steps : int, default=10
        Number of pruning steps :math:`n` of the iterative and cubic schedules.

    fine_tune_epochs : int, default=40
        Fine-tuning epochs in all, shared evenly by the pruning steps (the
        remainder goes to the last). ``0`` prunes without fine-tuning.

    granularity : {'weight', 'unit'} or None, default=None
        For ``'admm'`` and ``'proximal'``: prune weights (default) or whole
        units (structured ADMM, group lasso). Other methods have a fixed
        granularity and accept only None or their own.

    rank : int or None, default=None
        ``'low_rank'`` only: the same rank for every factorised layer.

    energy : float in (0, 1] or None, default=None
        ``'low_rank'`` only: the smallest rank keeping this fraction of
        each layer's squared singular values :math:`\sum_{i \le r}
        \sigma_i^2 / \sum_i \sigma_i^2`.

    penalty : 'auto' or float, default='auto'
        ADMM's :math:`\rho` (``'auto'``: 0.05) or the proximal strength
        :math:`\lambda` (``'auto'``: 1.0; the threshold after each step is
        :math:`\eta\lambda` for learning rate :math:`\eta`).

    fine_tune_learning_rate : 'auto' or float, default='auto'
        Learning rate while fine-tuning; ``'auto'`` is 3 times the wrapped
        estimator's ``learning_rate_init`` (a pruned network must move
        further from its start than a converging one).

    prefit : bool, default=False
        Whether ``estimator`` is already fitted; then ``fit`` prunes a copy
        of it (on the data given to ``fit``) instead of training it first.

    Attributes
    ----------
    estimator_ : skdeep estimator
        The pruned, fine-tuned network (a fitted copy of ``estimator``).

    sparsity_ : float
        Sparsity achieved, in the unit ``sparsity`` counts.

    n_params_ : int
        Parameters of the network before pruning (biases included).

    n_nonzero_ : int
        Non-zero parameters of the pruned network (for ``'structured'`` and
        ``'low_rank'`` the parameters of the smaller network).

    masks_ : dict of str to ndarray of bool
        What was kept: for weight pruning, one mask per pruned weight
        (named as in ``estimator_.net_.module_.named_parameters()``); for
        unit pruning, one vector per layer of units (named after the layer
        that computes them); empty for ``'low_rank'``.

    ranks_ : dict of str to int
        ``'low_rank'`` only: the rank of each factorised layer.

    admm_residual_ : float
        ``'admm'`` only: :math:`\lVert W - Z\rVert / \lVert W\rVert` at the
        end of the ADMM phase (how close the weights came to the sparse set).

    pruning_history_ : list of dict
        One row per step (step 0 is the unpruned network): ``step``,
        ``sparsity``, ``n_nonzero``, ``score`` (the wrapped estimator's
        score on the data given to ``fit``) and, for estimators with
        ``early_stopping=True``, ``validation_score`` (on their held-out
        split). :class:`skdeep.plotting.PruningCurveDisplay` draws it.

    classes_ : ndarray
        Class labels (classifiers).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    torch.nn.utils.prune : Masks without a smaller or faster model.

    Notes
    -----
    Masks are enforced by forward pre-hooks on the pruned layers while the
    network fine-tunes, so the estimator's own training loop (``partial_fit`` one
    epoch at a time, or a warm-started ``fit``) runs unchanged and every
    loss, gradient and prediction sees the pruned network. A pickled pruner
    stores unstructured-pruned weights sparsely (a bitmap and the kept
    values), so its size shrinks with ``sparsity``; :meth:`to_dense` exports
    a plain skdeep estimator, physically smaller for ``'structured'`` and
    ``'low_rank'``.

    References
    ----------
    Han, Pool, Tran & Dally (2015), Learning both weights and connections
    for efficient neural networks. Zhu & Gupta (2017), To prune, or not to
    prune. Zhang et al. (2018), A systematic DNN weight pruning framework
    using ADMM. Li et al. (2017), Pruning filters for efficient ConvNets.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeep import MLPClassifier
    >>> from skdeep.pruning import NetworkPruner
    >>> X, y = load_digits(return_X_y=True)
    >>> mlp = MLPClassifier((64,), max_iter=30, random_state=0)
    >>> pruner = NetworkPruner(mlp, sparsity=0.8, fine_tune_epochs=10).fit(X / 16, y)
    >>> round(pruner.sparsity_, 2)
    0.8
    >>> pruner.n_nonzero_ < 0.3 * pruner.n_params_
    True
    >>> small = NetworkPruner(mlp, method="structured", sparsity=0.5,
    ...                       fine_tune_epochs=10).fit(X / 16, y).to_dense()
    >>> small.hidden_layer_sizes
    (32,)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "method": [StrOptions(METHODS)],
        "sparsity": [Interval(Real, 0, 1, closed="left")],
        "scope": [StrOptions({"global", "layer"})],
        "schedule": [StrOptions({"one_shot", "iterative", "cubic"})],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "fine_tune_epochs": [Interval(Integral, 0, None, closed="left")],
        "granularity": [None, StrOptions({"weight", "unit"})],
        "rank": [None, Interval(Integral, 1, None, closed="left")],
        "energy": [None, Interval(Real, 0, 1, closed="right")],
        "penalty": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "fine_tune_learning_rate": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "prefit": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        method="magnitude",
        sparsity=0.9,
        *,
        scope="global",
        schedule="cubic",
        n_steps=10,
        fine_tune_epochs=40,
        granularity=None,
        rank=None,
        energy=None,
        penalty="auto",
        fine_tune_learning_rate="auto",
        prefit=False,
    ):
        self.estimator = estimator
        self.method = method
        self.sparsity = sparsity
        self.scope = scope
        self.schedule = schedule
        self.n_steps = n_steps
        self.fine_tune_epochs = fine_tune_epochs
        self.granularity = granularity
        self.rank = rank
        self.energy = energy
        self.penalty = penalty
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.prefit = prefit

    # ------------------------------------------------------------ checks
    def _granularity(self):
        natural = {"magnitude": "weight", "structured": "unit", "low_rank": "rank"}
        if self.method in natural:
            if self.granularity not in (None, natural[self.method]):
                raise ValueError(
                    f"granularity={self.granularity!r} does not apply to "
                    f"method={self.method!r}, which prunes by {natural[self.method]}; "
                    "granularity chooses between the unstructured and structured "
                    "variants of method='admm' and method='proximal'."
                )
            return natural[self.method]
        return self.granularity or "weight"

    def _check_setup(self):
        """Every check that can run before any training."""
        est = self.estimator
        if not isinstance(est, BaseNeuralEstimator):
            raise TypeError(
                "NetworkPruner wraps skdeep network estimators (MLPClassifier, "
                "CNNClassifier, RNNClassifier, DeepSurv, ...); got "
                f"{type(est).__name__}, which is not one. Wrap a skdeep estimator."
            )
        granularity = self._granularity()
        name = type(est).__name__
        if self.method != "low_rank" and (self.rank is not None or self.energy is not None):
            raise ValueError(
                f"rank and energy only apply to method='low_rank', not {self.method!r}."
            )
        if self.rank is not None and self.energy is not None:
            raise ValueError("Give rank or energy for method='low_rank', not both.")
        params = est.get_params(deep=False)
        try:
            widths = est._hidden_layer_sizes()
        except (TypeError, ValueError):  # e.g. 'auto': known only once fitted
            widths = None
        has_conv = bool(params.get("conv_channels"))
        if granularity == "unit" and widths == [] and not has_conv:
            extra = (
                " (recurrent units are not removed: they are coupled across time "
                "steps and gates; method='magnitude' prunes recurrent weights)"
                if "cell" in params
                else ""
            )
            raise ValueError(
                f"method={self.method!r} with unit granularity removes hidden neurons "
                f"and convolution channels, but {name} with hidden_layer_sizes=() "
                f"has none{extra}. Add hidden layers or use method='magnitude'."
            )
        if self.method == "low_rank" and widths is not None:
            if not widths:
                raise ValueError(
                    f"method='low_rank' factorises hidden dense layers, but {name} with "
                    "hidden_layer_sizes=() has none. Add hidden layers or use "
                    "method='magnitude'."
                )
            if self.rank is not None and self.rank > min(widths):
                raise ValueError(
                    f"rank={self.rank} is larger than the hidden layer of width "
                    f"{min(widths)} it would factorise; choose rank < {min(widths)}."
                )
        if self.method in ("admm", "proximal") and params.get("solver") == "lbfgs":
            raise ValueError(
                f"method={self.method!r} updates the weights after every optimizer "
                f"step, which {name}(solver='lbfgs') does not take; use a stochastic "
                "solver such as 'adam', or method='magnitude'."
            )
        if self.prefit:
            try:
                check_is_fitted(est)
            except NotFittedError as exc:
                raise NotFittedError(
                    f"prefit=True but the {name} passed as estimator is not fitted; fit "
                    "it first, or leave prefit=False to let NetworkPruner fit it."
                ) from exc
        return granularity

    # ------------------------------------------------------------ fitting
    def fit(self, X, y=None, **fit_params):
        """Train the network (unless ``prefit``), prune it on the schedule and fine-tune.

        Parameters
        ----------
        X : array-like
            Training input, in any form the wrapped estimator accepts.
        y : array-like, default=None
            Target, as the wrapped estimator takes it (a structured array for
            survival models).
        **fit_params : dict
            Passed to the wrapped estimator's ``fit`` (e.g. ``sample_weight``).

        Returns
        -------
        self : object
            The fitted pruner.
        """
        self._validate_params()
        granularity = self._check_setup()
        if self.prefit:
            est = copy.deepcopy(self.estimator)
        else:
            est = clone(self.estimator).fit(X, y, **fit_params)
        for stale in ("masks_", "ranks_", "admm_residual_", "_sparse_storage"):
            self.__dict__.pop(stale, None)  # from an earlier fit with another method
        self._data = (X, y, fit_params)
        try:
            module = est.net_.module_
            self.n_params_ = _count(module.parameters())
            self.pruning_history_ = []
            self._record(est, 0, 0.0)
            if self.method == "low_rank":
                self._low_rank(est)
            elif self.method in ("admm", "proximal"):
                _admm.sparsity_training(self, est, granularity)
            elif granularity == "unit":
                self._prune_units(est, self.fine_tune_epochs)
            else:
                self._prune_weights(est, self.fine_tune_epochs)
        finally:
            del self._data
        # skorch keeps the module it was built with as ``module``; after a copy
        # that is a second, unpruned network; point it at the pruned one.
        est.net_.module = est.net_.module_
        self.estimator_ = est
        self.n_nonzero_ = _count(est.net_.module_.parameters(), nonzero=True)
        self.sparsity_ = self.pruning_history_[-1]["sparsity"]
        self.n_features_in_ = getattr(est, "n_features_in_", None)
        if self.n_features_in_ is None:
            del self.n_features_in_
        if hasattr(est, "feature_names_in_"):
            self.feature_names_in_ = est.feature_names_in_
        return self

    def _train(self, est, epochs):
        """``epochs`` more epochs of the estimator's own training.

        One ``partial_fit`` call per epoch where the estimator has it (the
        optimizer keeps its state across pruning steps), otherwise a
        warm-started ``fit`` of ``epochs`` iterations.
        """
        if epochs <= 0:
            return
        X, y, fit_params = self._data
        # A new training phase: forget the dense model's best loss / best weights.
        est._no_improvement_count = 0
        est._best_state = None
        if getattr(est, "best_loss_", None) is not None:
            est.best_loss_ = np.inf
        if getattr(est, "best_validation_score_", None) is not None:
            est.best_validation_score_ = -np.inf
        lr = self.fine_tune_learning_rate
        if lr == "auto":
            base = est.learning_rate_init
            if not isinstance(base, Real):  # e.g. 'auto': the rate the estimator resolved
                base = est.net_.optimizer_.param_groups[0]["lr"]
            lr = AUTO_LR_FACTOR * base
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if hasattr(est, "partial_fit") and not est.early_stopping:
                groups = est.net_.optimizer_.param_groups
                old_lrs = [g["lr"] for g in groups]
                try:
                    for _ in range(int(epochs)):
                        for g in groups:
                            g["lr"] = lr
                        est.partial_fit(X, y, **fit_params)
                finally:
                    for g, old_lr in zip(est.net_.optimizer_.param_groups, old_lrs):
                        g["lr"] = old_lr
                return
            old = est.get_params(deep=False)
            est.set_params(warm_start=True, max_iter=int(epochs), learning_rate_init=float(lr))
            try:
                est.fit(X, y, **fit_params)
            finally:
                est.set_params(**{k: old[k] for k in ("warm_start", "max_iter",
                                                      "learning_rate_init")})

    def _epochs(self, n_steps, total):
        """Fine-tuning epochs after each pruning step (the remainder goes to the last)."""
        base, extra = divmod(int(total), n_steps)
        return [base] * (n_steps - 1) + [base + extra]

    def _record(self, est, step, sparsity):
        X, y, _ = self._data
        row = {
            "step": step,
            "sparsity": float(sparsity),
            "n_nonzero": _count(est.net_.module_.parameters(), nonzero=True),
            "score": float(est.score(X, y)),
        }
        scores = getattr(est, "validation_scores_", None)
        if scores:
            row["validation_score"] = float(scores[-1])
        self.pruning_history_.append(row)

    def _weight_sparsity(self, masks):
        kept = sum(int(m.sum()) for m in masks.values())
        return 1.0 - kept / sum(m.numel() for m in masks.values())

    def _prune_weights(self, est, epochs, targets=None):
        module = est.net_.module_
        weights = prunable_weights(module)
        outputs = output_weight_names(module)
        targets = targets or schedule_targets(self.schedule, self.sparsity, self.n_steps)
        masks = {n: torch.ones_like(w, dtype=torch.bool) for n, w in weights.items()}
        with MaskEnforcer(module, masks) as enforcer:
            for step, (target, n_epochs) in enumerate(
                zip(targets, self._epochs(len(targets), epochs)), start=1
            ):
                apply_masks(enforcer.params, masks)
                masks.update(magnitude_masks(weights, target, self.scope, outputs))
                apply_masks(enforcer.params, masks)
                self._train(est, n_epochs)
                self._record(est, len(self.pruning_history_), self._weight_sparsity(masks))
        self.masks_ = {n: m.cpu().numpy() for n, m in masks.items()}
        self._sparse_storage = True

    def _prune_units(self, est, epochs, targets=None):
        module = est.net_.module_
        groups = unit_groups(module)
        if not groups:
            raise ValueError(
                f"method={self.method!r} with unit granularity removes dense hidden "
                f"neurons and convolution channels, but {type(est).__name__}'s network "
                f"({type(module).__name__}) has none that skdeep can remove "
                "(message-passing and recurrent layers are not); use method='magnitude'."
            )
        targets = targets or schedule_targets(self.schedule, self.sparsity, self.n_steps)
        masks = {}
        total = sum(g.size for g in groups)
        with MaskEnforcer(module, masks) as enforcer:
            for target, n_epochs in zip(targets, self._epochs(len(targets), epochs)):
                apply_masks(enforcer.params, masks)
                keeps = unit_masks(groups, target, self.scope)
                masks.clear()
                masks.update(group_masks(groups, keeps))
                apply_masks(enforcer.params, masks)
                self._train(est, n_epochs)
                removed = total - sum(int(k.sum()) for k in keeps)
                self._record(est, len(self.pruning_history_), removed / total)
        self.masks_ = {g.name: k.numpy() for g, k in zip(groups, keeps)}
        shrink(groups, keeps)
        est.net_.initialize_optimizer()
        est._best_state = None

    def _low_rank(self, est):
        module = est.net_.module_
        if self.rank is not None:
            for name, layer in module.named_modules():
                if type(layer) is torch.nn.Linear and name.split(".")[-2:-1] == ["hidden"]:
                    if self.rank > min(layer.weight.shape):
                        raise ValueError(
                            f"rank={self.rank} is larger than the layer {name} of shape "
                            f"{tuple(layer.weight.shape)}; choose rank <= "
                            f"{min(layer.weight.shape)}."
                        )
        before = {
            n: m.weight.numel()
            for n, m in module.named_modules()
            if type(m) is torch.nn.Linear
        }
        self.ranks_ = factorize(module, self.sparsity, self.rank, self.energy)
        est.net_.initialize_optimizer()
        est._best_state = None
        self._train(est, self.fine_tune_epochs)
        layers = dict(module.named_modules())
        dense = sum(before[n] for n in self.ranks_)
        kept = sum(
            layers[n].first.numel() + layers[n].second.numel() for n in self.ranks_
        )
        self.masks_ = {}
        self._record(est, 1, 1.0 - kept / dense if dense else 0.0)

    # ------------------------------------------------------------ export
    def to_dense(self):
        """The pruned network as a plain skdeep estimator.

        For ``method='structured'`` (and unit granularity) it is physically
        smaller: its ``hidden_layer_sizes`` (and ``conv_channels``) are the
        pruned widths; for ``method='low_rank'`` its dense layers are
        factorised. For unstructured methods the weights keep their shape and
        hold zeros (pickle the pruner itself to store them sparsely).

        Returns
        -------
        estimator : skdeep estimator
            A fitted copy of ``estimator_`` that predicts exactly as the pruner.
        """
        check_is_fitted(self)
        est = copy.deepcopy(self.estimator_)
        module = est.net_.module_
        params = est.get_params(deep=False)
        hidden = getattr(module, "hidden", None)
        if "hidden_layer_sizes" in params and isinstance(hidden, torch.nn.Sequential):
            widths = tuple(m.out_features for m in hidden if isinstance(m, torch.nn.Linear))
            est.set_params(hidden_layer_sizes=widths)
        conv = getattr(module, "conv", None)
        if "conv_channels" in params and isinstance(conv, torch.nn.Sequential):
            channels = tuple(m.out_channels for m in conv if isinstance(m, torch.nn.Conv2d))
            est.set_params(conv_channels=channels)
        return est

    # ------------------------------------------------------------ prediction
    for _name in _DELEGATED:
        locals()[_name] = _delegate(_name)
    del _name

    @available_if(_wrapped_has("score"))
    def score(self, X, y, **kwargs):
        """The wrapped estimator's ``score`` for the pruned network.

        Parameters
        ----------
        X : array-like
            Input data.
        y : array-like
            True targets.
        **kwargs : dict
            Passed on (e.g. ``sample_weight``).

        Returns
        -------
        score : float
            Accuracy, R², concordance index, ... as the wrapped estimator defines it.
        """
        check_is_fitted(self)
        return self.estimator_.score(X, y, **kwargs)

    @property
    def classes_(self):
        """Class labels of the wrapped classifier."""
        check_is_fitted(self)
        return self.estimator_.classes_

    def transform(self, X):
        """The pruned network's last hidden layer (the input of its output layer).

        Parameters
        ----------
        X : array-like
            Input data, as the wrapped estimator takes it.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            Activations of the last hidden layer, in the network's float dtype.
        """
        check_is_fitted(self)
        est = self.estimator_
        module = est.net_.module_
        if not hasattr(module, "features"):
            raise AttributeError(
                f"transform needs the network's hidden features, which "
                f"{type(est).__name__}'s module ({type(module).__name__}) does not expose."
            )
        inputs = est._training_inputs(est._validate_X(X, reset=False))
        device = torch.device(est.net_.device)
        dtype = est.net_.module_dtype() if hasattr(est.net_, "module_dtype") else torch.float32
        module.eval()
        outs = []
        n = n_rows(inputs)
        with torch.no_grad():
            for start in range(0, n, 4096):
                xb = as_tensor(_rows(inputs, slice(start, start + 4096)), device, dtype)
                xb = xb if isinstance(xb, tuple) else (xb,)
                outs.append(module.features(*xb).cpu())
        if not outs:
            return np.empty((0, self._n_features_out), dtype=np.float32)
        return torch.cat(outs).numpy()

    @property
    def _n_features_out(self):
        check_is_fitted(self)
        module = self.estimator_.net_.module_
        return _output_layer(module).in_features

    def get_feature_names_out(self, input_features=None):
        """Names of :meth:`transform`'s columns: ``networkpruner0``, ``networkpruner1``, ...

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; present for API consistency.

        Returns
        -------
        names : ndarray of str
            One name per hidden unit of the last hidden layer.
        """
        check_is_fitted(self)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self._n_features_out)], dtype=object)

    # ------------------------------------------------------------ persistence
    def __getstate__(self):
        state = dict(super().__getstate__())
        if getattr(self, "_sparse_storage", False) and "estimator_" in state:
            masks = {n: torch.from_numpy(m) for n, m in self.masks_.items()}
            with packed_weights(self.estimator_, masks) as packed:
                state["estimator_"] = pickle.dumps(
                    self.estimator_, protocol=pickle.HIGHEST_PROTOCOL
                )
            state["_packed_weights"] = packed
            del state["masks_"]
        return state

    def __setstate__(self, state):
        packed = state.pop("_packed_weights", None)
        if packed is not None:
            est = pickle.loads(state["estimator_"])
            state["masks_"] = unpack_weights(est, packed)
            state["estimator_"] = est
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.target_tags = inner.target_tags
        tags.input_tags = inner.input_tags
        tags.non_deterministic = inner.non_deterministic
        return tags


def _output_layer(module):
    out = getattr(module, "output", None)
    if isinstance(out, torch.nn.Linear):
        return out
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    return linears[-1]


def _rows(X, index):
    if isinstance(X, tuple):
        return tuple(_rows(x, index) for x in X)
    return X[index]


def _count(params, nonzero=False):
    if nonzero:
        return int(sum(int(torch.count_nonzero(p)) for p in params))
    return int(sum(p.numel() for p in params))
