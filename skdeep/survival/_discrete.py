"""Survival networks on a time grid: LogisticHazard, PMF, NMTLR and PCHazard.

Each model fits a grid ``cuts_`` on the training times inside ``fit`` (see
:mod:`skdeep.survival._discretize`), trains a feed-forward network with one
output per grid point and reads survival probabilities at the grid points off
that output; between grid points survival is interpolated (``interpolation``).
"""

from numbers import Integral

import numpy as np
import torch
from scipy.special import expit, log_expit, log_softmax, logit, softplus
from sklearn.utils._param_validation import Interval, StrOptions

from ..base import BaseNeuralEstimator
from .._dense import DenseNetworkMixin
from .._docstrings import SHARED_PARAMS
from ._discrete_losses import LogisticHazardLoss, MTLRLoss, PCHazardLoss, PMFLoss
from ._discretize import (
    INTERPOLATIONS,
    SCHEMES,
    auto_n_durations,
    discrete_labels,
    grid_hazards,
    km_scale,
    make_cuts,
    piecewise_labels,
    survival_at,
)
from ._docs import GRID_TRAINING_PARAMS, penalty_attributes
from ._head import SCORINGS, SurvivalHead
from ._penalty import ALPHA_SCALINGS

__all__ = ["LogisticHazard", "PMF", "NMTLR", "PCHazard"]

_EPS = 1e-6


def restricted_mean(knots, surv):
    """``int_0^{knots[-1]} S(t) dt`` with S linear between knots (and 1 at 0)."""
    if knots[0] > 0:
        knots = np.r_[0.0, knots]
        surv = np.hstack([np.ones((surv.shape[0], 1)), surv])
    return np.trapezoid(surv, knots, axis=1)


def pmf_marginal_logits(index, event, m, n_causes=1, fraction=None):
    """PMF logits (relative to the zero "beyond the grid" logit) of the marginal
    Kaplan-Meier / Aalen-Johansen distribution on the grid, shape ``(K * m,)``."""
    hazard = grid_hazards(index, event, m, n_causes, fraction)
    surv = np.cumprod(1.0 - hazard.sum(0))
    pmf = hazard * np.r_[1.0, surv[:-1]]
    rest = max(surv[-1], _EPS)
    return (np.log(np.maximum(pmf, _EPS)) - np.log(rest)).ravel()


def pmf_survival(logits, n_causes=1):
    """Survival at the grid points from PMF logits ``(n, K * m)``.

    ``S_j = P(no event at or before tau_j)``, computed as the reverse cumulative
    sum of the later probabilities (accurate when ``S`` is small).

    Returns
    -------
    surv : ndarray of shape (n, m)
    pmf : ndarray of shape (n, K, m)
    """
    n = logits.shape[0]
    logp = log_softmax(np.hstack([logits, np.zeros((n, 1))]), axis=1)
    pmf = np.exp(logp[:, :-1]).reshape(n, n_causes, -1)
    later = pmf.sum(1)[:, ::-1].cumsum(1)[:, ::-1]  # P(event at or after tau_j)
    surv = np.exp(logp[:, -1:]) + np.hstack([later[:, 1:], np.zeros((n, 1))])
    return np.clip(surv, 0.0, 1.0), pmf


class _TimeGridModel(SurvivalHead, DenseNetworkMixin, BaseNeuralEstimator):
    """Shared machinery of the grid models.  Not to be used directly."""

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "n_durations": [Interval(Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "scoring": [StrOptions(set(SCORINGS))],
        "alpha_scaling": [StrOptions(set(ALPHA_SCALINGS)), None],
        "scheme": [StrOptions(set(SCHEMES))],
        "interpolation": [StrOptions(set(INTERPOLATIONS))],
    }
    # PCHazard's grid has one more point than outputs (interval edges).
    _extra_grid_point = 0
    # How a censoring time inside an interval is placed (see discrete_labels):
    # on the Kaplan-Meier cumulative hazard (logistic hazard) or survival (PMF).
    _label_scale = "survival"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        n_durations="auto",
        scheme="quantiles",
        interpolation="constant_density",
        solver="adam",
        alpha=1.0,
        alpha_scaling="events",
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
        scoring="loss",
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
        self.n_durations = n_durations
        self.scoring = scoring
        self.alpha_scaling = alpha_scaling
        self.scheme = scheme
        self.interpolation = interpolation

    # ------------------------------------------------------------ target
    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        super()._prepare_target(
            y,
            first_pass=first_pass,
            incremental=incremental,
            classes=classes,
            sample_weight=sample_weight,
        )
        if first_pass or not hasattr(self, "cuts_"):
            auto = self.n_durations == "auto"
            n = auto_n_durations(y["time"], y["event"]) if auto else self.n_durations
            n_points = n + self._extra_grid_point
            self.cuts_ = make_cuts(y["time"], y["event"], n_points, self.scheme, warn=not auto)
            self.n_durations_ = len(self.cuts_) - self._extra_grid_point
            self._km = km_scale(y["time"], y["event"])
            self.unique_times_ = np.unique(y["time"])
            self.n_outputs_ = len(self.cuts_) - self._extra_grid_point

    def _encode_target(self, y):
        return discrete_labels(
            y["time"], y["event"], self.cuts_, km=self._km, scale=self._label_scale
        )

    # ------------------------------------------------------------ network
    def _build_module(self, X, y):
        """The MLP, started as the marginal (Kaplan-Meier) model.

        The output weights start at zero and the output biases at the marginal
        model on the grid, so the untrained network predicts the population
        survival curve for everybody (instead of a hazard of one half at every
        grid point plus random noise) and training converges in far fewer
        epochs. The hidden layers keep their random initialisation.
        """
        module = super()._build_module(X, y)
        bias = torch.as_tensor(self._initial_bias(y), dtype=module.output.bias.dtype)
        with torch.no_grad():
            module.output.weight.zero_()
            module.output.bias.copy_(bias)
        return module

    def _initial_bias(self, y):
        raise NotImplementedError

    # ------------------------------------------------------------ predictions
    def _knot_survival(self, output):
        """Survival at every point of ``cuts_``, shape ``(n, len(cuts_))``."""
        raise NotImplementedError

    def _survival_from_output(self, output):
        return survival_at(
            self.unique_times_, self.cuts_, self._knot_survival(output), self.interpolation
        )

    def _risk_from_output(self, output):
        return -restricted_mean(self.cuts_, self._knot_survival(output))


class LogisticHazard(_TimeGridModel):
    _label_scale = "hazard"

    def _build_criterion(self):
        return LogisticHazardLoss()

    def _initial_bias(self, y):
        hazard = grid_hazards(y[0], y[1], self.n_outputs_, fraction=y[2])[0]
        return logit(np.clip(hazard, _EPS, 1 - _EPS))

    def _knot_survival(self, output):
        return np.exp(np.cumsum(log_expit(-output), axis=1))

    def predict_hazard(self, X):
        """Discrete hazards ``h_j(x) = P(T = tau_j | T >= tau_j, x)`` at ``cuts_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        hazard : ndarray of shape (n_samples, n_cuts)
        """
        output, _ = self._raw_output(X)
        return expit(output)


class PMF(_TimeGridModel):
    def _build_criterion(self):
        return PMFLoss()

    def _initial_bias(self, y):
        return pmf_marginal_logits(y[0], y[1], self.n_outputs_, fraction=y[2])

    def _logits(self, output):
        return output

    def _knot_survival(self, output):
        return pmf_survival(self._logits(output))[0]

    def predict_pmf(self, X):
        """Probability of the event at each grid point, ``f_j(x) = P(T = tau_j | x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        pmf : ndarray of shape (n_samples, n_cuts)
            The rest, ``1 - pmf.sum(1)``, is the probability of surviving the grid.
        """
        output, _ = self._raw_output(X)
        return pmf_survival(self._logits(output))[1][:, 0]


class NMTLR(PMF):
    def _scale(self):
        # psi_j = sum_{k >= j} phi_k / m: without the 1/m the first grid points
        # get m times the gradient of the last and overfit first.
        return 1.0 / self.n_outputs_

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        super()._prepare_target(
            y,
            first_pass=first_pass,
            incremental=incremental,
            classes=classes,
            sample_weight=sample_weight,
        )
        # The outputs enter the logits multiplied by 1/m, so the weights are m
        # times those of a PMF network with the same logits and a penalty on
        # them acts m times as strongly: divided by m, alpha means what it
        # means for PMF.
        self.alpha_ = self.alpha_ * self._scale()

    def _build_criterion(self):
        return MTLRLoss(scale=self._scale())

    def _initial_bias(self, y):
        psi = super()._initial_bias(y) / self._scale()  # psi_j = c sum_{k >= j} phi_k
        return psi - np.r_[psi[1:], 0.0]

    def _logits(self, output):
        return self._scale() * output[:, ::-1].cumsum(1)[:, ::-1]


class PCHazard(_TimeGridModel):
    _extra_grid_point = 1

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        n_durations="auto",
        scheme="quantiles",
        interpolation="constant_hazard",
        solver="adam",
        alpha=1.0,
        alpha_scaling="events",
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
        scoring="loss",
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
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            n_durations=n_durations,
            scheme=scheme,
            interpolation=interpolation,
            solver=solver,
            alpha=alpha,
            alpha_scaling=alpha_scaling,
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
            scoring=scoring,
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

    def _build_criterion(self):
        return PCHazardLoss()

    def _initial_bias(self, y):
        index, event, fraction = y
        m = self.n_outputs_
        count = np.bincount(index, minlength=m)
        later = count[::-1].cumsum()[::-1] - count  # samples past interval j
        exposure = later + np.bincount(index, weights=fraction, minlength=m)
        eta = np.bincount(index, weights=event, minlength=m) / np.maximum(exposure, _EPS)
        eta = np.clip(eta, _EPS, 50.0)
        return np.log(np.expm1(eta))  # inverse softplus

    def _encode_target(self, y):
        return piecewise_labels(y["time"], y["event"], self.cuts_)

    def _knot_survival(self, output):
        cum = np.cumsum(softplus(output), axis=1)
        return np.exp(-np.hstack([np.zeros((output.shape[0], 1)), cum]))

    def predict_hazard(self, X):
        """Hazard rates on the intervals ``(cuts_[j], cuts_[j + 1]]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        hazard : ndarray of shape (n_samples, n_cuts - 1)
            The constant hazard rate (per unit of time) on each interval.
        """
        output, _ = self._raw_output(X)
        return softplus(output) / np.diff(self.cuts_)


_GRID_PARAMS = """
    n_durations : int or 'auto', default='auto'
        Number of grid points (for :class:`PCHazard`, of intervals) of the
        time grid ``cuts_`` fitted on the training times; at least 2. The
        network has one output per grid point. ``'auto'`` chooses it from the
        training data at ``fit``: :math:`\\min(20, \\max(4, \\lfloor d / 5
        \\rfloor), u + 1)` for :math:`d` events at :math:`u` distinct event
        times (20 from 100 events on, about 5 events per interval below); the
        value used is ``n_durations_``.

    scheme : {'quantiles', 'equidistant'}, default='quantiles'
        ``'quantiles'`` places the grid points where the Kaplan-Meier estimate
        of the training data crosses evenly spaced survival levels (about as
        many events in every interval; tied times can merge points, with a
        warning); ``'equidistant'`` spaces them evenly from 0 to the largest
        training time.

    interpolation : {'step', 'constant_density', 'constant_hazard'}, \
default='{interp}'
        Survival between two grid points: held at the left point's value
        (``'step'``), linear (``'constant_density'``) or log-linear
        (``'constant_hazard'``, exact for :class:`PCHazard`).
"""

_GRID_ATTRIBUTES = """
    cuts_ : ndarray of shape (n_cuts,)
        The time grid: ``cuts_[0] == 0`` and ``cuts_[-1]`` is the largest
        training time. ``n_cuts == n_durations_`` (``n_durations_ + 1`` for
        :class:`PCHazard`).

    n_durations_ : int
        The grid size used: ``n_durations``, or the ``'auto'`` rule's value,
        less any points the quantile scheme merged (tied times).

    unique_times_ : ndarray of shape (n_unique_times,)
        The distinct training times (events and censorings, as scikit-survival's
        models keep them); survival functions are evaluated there.

    n_outputs_ : int
        Width of the network's output layer.

{penalty}

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    loss_ : float
        The final training loss.

    loss_curve_ : list of float
        Training loss at the end of each epoch (stochastic solvers).

    validation_scores_ : list of float or None
        Harrell's C on the validation split at each epoch (early stopping only).

    best_validation_score_ : float or None
        Best validation concordance (early stopping only).

    n_iter_ : int
        Number of epochs (iterations for lbfgs) run by the last call.

    coefs_, intercepts_ : list of ndarray
        Weight matrices ``(fan_in, fan_out)`` and bias vectors, layer by layer.

    net_ : skdeep._training.TrainingNet
        The fitted skorch net (``net_.module_`` is the torch module).
""".replace(
    "{penalty}\n",
    penalty_attributes(" (for :class:`NMTLR` also divided by\n        the grid size, see there)"),
)

_RISK_NOTE = """
    ``predict`` returns the negative restricted mean survival time up to the
    last grid point, :math:`-\\int_0^{\\tau_{m}} S(t \\mid x)\\,dt` with
    :math:`S` linear between grid points: a higher score means an earlier
    event. The output layer starts as the marginal (Kaplan-Meier) model on the
    grid (zero weights, fitted biases), so training starts from the
    population curve.
"""

_EXAMPLE = """
    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sksurv.datasets import load_veterans_lung_cancer
    >>> from skdeep.survival import {name}
    >>> X, y = load_veterans_lung_cancer()
    >>> X = X[["Age_in_years", "Karnofsky_score", "Months_from_Diagnosis"]]
    >>> model = make_pipeline(
    ...     StandardScaler(),
    ...     {name}(hidden_layer_sizes=(16,), n_durations=10, max_iter=20,
    ...     {pad}learning_rate_init=0.01, random_state=0),
    ... ).fit(X, y)
    >>> model[-1].cuts_.shape
    ({n_cuts},)
    >>> model.predict_survival_function(X[:2], return_array=True).shape
    (2, {n_times})
    >>> bool(model.score(X, y) > 0.65)
    True
"""


def _doc(cls, summary, maths, interp, extra_params="", n_cuts=10):
    name = cls.__name__
    pad = " " * (len(name) - 3)
    cls.__doc__ = (
        f"{summary}\n{maths}{_RISK_NOTE}\n    Parameters\n    ----------"
        + SHARED_PARAMS.split("    solver :")[0]
        + _GRID_PARAMS.replace("{interp}", interp).lstrip("\n")
        + extra_params
        + "\n"
        + GRID_TRAINING_PARAMS
        + "\n    Attributes\n    ----------"
        + _GRID_ATTRIBUTES
        + _EXAMPLE.format(name=name, pad=pad, n_cuts=n_cuts, n_times=101)
    )


_doc(
    LogisticHazard,
    """Discrete-time logistic-hazard survival network ("Nnet-survival").

    The network outputs one logit per grid point :math:`\\tau_j` of ``cuts_``;
    :math:`h_j(x) = \\sigma(\\phi_j(x))` is the probability of the event at
    :math:`\\tau_j` given survival until then (Gensheimer & Narasimhan, 2019;
    Kvamme & Borgan, 2019), and :math:`S(\\tau_j \\mid x) = \\prod_{k \\le j}
    (1 - h_k(x))`.""",
    """
    A time :math:`t_i` falls in the interval :math:`(\\tau_{\\kappa_i - 1},
    \\tau_{\\kappa_i}]`; an event counts at :math:`\\tau_{\\kappa_i}`, and a
    sample censored inside the interval survives the part :math:`\\rho_i` of
    it it lived (the share of the interval's training Kaplan-Meier cumulative
    hazard accrued by :math:`t_i`). The loss is the negative log-likelihood

    .. math::

        l_i = -\\sum_{j < \\kappa_i} \\log(1 - h_j(x_i))
              - d_i \\log h_{\\kappa_i}(x_i)
              - (1 - d_i)\\,\\rho_i \\log(1 - h_{\\kappa_i}(x_i)),

    averaged over the samples with their ``sample_weight``. Without
    covariates its minimum is the Kaplan-Meier estimate at the grid points
    (pycox moves censoring times down to the previous grid point, which is
    :math:`\\rho_i = 0` and biases the curves down where censoring is heavy).
""",
    "constant_density",
)
_doc(
    PMF,
    """Discrete-time survival network on the probability mass function.

    A softmax over the network's outputs and a fixed zero gives the probability
    :math:`f_j(x)` of the event at each grid point :math:`\\tau_j` and the
    probability of surviving the whole grid; :math:`S(\\tau_j \\mid x) = 1 -
    \\sum_{k \\le j} f_k(x)` (Kvamme & Borgan, 2019).""",
    """
    The loss is :math:`l_i = -d_i \\log f_{\\kappa_i}(x_i) - (1 - d_i) \\log
    S(t_i \\mid x_i)`, averaged with the sample weights, where an event counts
    at the grid point :math:`\\tau_{\\kappa_i} \\ge t_i` ending its interval and
    :math:`S(t_i) = S(\\tau_{\\kappa_i}) + (1 - \\rho_i) f_{\\kappa_i}` interpolates
    a censored sample's survival over the part :math:`\\rho_i` of its interval
    it lived (the share of the interval's drop in the training Kaplan-Meier
    curve); without covariates the fit is the Kaplan-Meier estimate at the
    grid points.
""",
    "constant_density",
)
_doc(
    NMTLR,
    """Neural multi-task logistic regression (N-MTLR).

    MTLR (Yu et al., 2011) with a neural network in place of the linear
    predictors (Fotso, 2018): the PMF model of :class:`PMF` applied to the
    scaled reverse cumulative sums :math:`\\psi_j = \\frac1m \\sum_{k \\ge j}
    \\phi_k` of the :math:`m` network outputs. The factor :math:`1/m` (pycox
    uses 1) does not change the model family; it keeps the first grid points,
    which sum :math:`m` outputs, from learning :math:`m` times faster than
    the last, which made the unscaled network overfit in a few epochs.
    The factor also means that the weights behind given logits are :math:`m`
    times those of a :class:`PMF` network, and an L2 penalty on them acts
    :math:`m` times as strongly: ``alpha_`` is therefore divided by
    :math:`m` (``n_outputs_``), so that ``alpha`` means what it means for
    :class:`PMF`.""",
    """
    The loss is the PMF likelihood of :math:`\\psi`: :math:`l_i = -d_i \\log
    f_{\\kappa_i}(x_i) - (1 - d_i) \\log S(t_i \\mid x_i)`, with censoring
    inside an interval handled as in :class:`PMF`.
""",
    "constant_density",
)
_doc(
    PCHazard,
    """Piecewise-constant hazard survival network.

    A continuous-time model whose hazard is constant on each interval
    :math:`(\\tau_{j}, \\tau_{j+1}]` of ``cuts_`` (``n_durations`` intervals);
    the network outputs :math:`\\eta_j(x) = \\operatorname{softplus}(\\phi_j(x))`,
    the hazard integrated over interval :math:`j` (Kvamme & Borgan, 2019).""",
    """
    With :math:`\\kappa_i` the interval holding :math:`t_i` and
    :math:`\\rho_i` the fraction of it lived, the loss is

    .. math::

        l_i = -d_i \\log \\eta_{\\kappa_i}(x_i) + \\rho_i \\eta_{\\kappa_i}(x_i)
              + \\sum_{j < \\kappa_i} \\eta_j(x_i),

    and :math:`S(t \\mid x) = \\exp(-\\sum_{j < \\kappa} \\eta_j - \\rho\\,\\eta_\\kappa)`
    is exact with ``interpolation='constant_hazard'``.
""",
    "constant_hazard",
    n_cuts=11,
)
