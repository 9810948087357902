"""DeepHit: a PMF survival network with a ranking loss, for one or competing risks."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._discrete import _TimeGridModel, pmf_marginal_logits, pmf_survival
from ._discrete_losses import DeepHitLoss
from ._discretize import survival_at
from ._head import event_and_time, step_functions

__all__ = ["DeepHit"]


def _is_cause_coded(y):
    """Whether ``y`` is a two-field structured array with an integer event field."""
    names = getattr(getattr(y, "dtype", None), "names", None)
    if not isinstance(y, np.ndarray) or names is None or len(names) != 2:
        return False
    return np.issubdtype(y.dtype[names[0]], np.integer)


def _check_cause_codes(event, require_all=True):
    codes = np.unique(event)
    if codes.size and codes.min() < 0:
        raise ValueError(
            "The integer event field holds cause codes: 0 for a censored sample and "
            f"k = 1..K for an event of cause k; got negative codes {codes[codes < 0]}."
        )
    if require_all:
        missing = np.setdiff1d(np.arange(1, codes.max() + 1), codes)
        if codes.max() < 1:
            raise ValueError("y has no events: every event code is 0 (censored).")
        if missing.size:
            raise ValueError(
                "The integer event field must number the causes 1..K without gaps "
                f"(0 = censored); codes {codes.tolist()} leave out {missing.tolist()}. "
                "Renumber the causes, e.g. with np.unique(event, return_inverse=True)."
            )


def _as_any_event(y):
    """A cause-coded ``y`` as a boolean "any event" structured array."""
    name_event, name_time = y.dtype.names
    event = np.asarray(y[name_event])
    _check_cause_codes(event, require_all=False)
    out = np.empty(len(y), dtype=[("event", bool), ("time", np.float64)])
    out["event"] = event > 0
    out["time"] = y[name_time]
    return out


class DeepHit(_TimeGridModel):
    _parameter_constraints: dict = {
        **_TimeGridModel._parameter_constraints,
        "interpolation": [StrOptions({"step", "constant_density"})],
        "ranking_weight": [Interval(Real, 0, 1, closed="both")],
        "sigma": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        n_durations="auto",
        scheme="quantiles",
        interpolation="constant_density",
        ranking_weight=0.5,
        sigma=0.5,
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
        self.ranking_weight = ranking_weight
        self.sigma = sigma

    # ------------------------------------------------------------ target
    def _validate_y(self, y):
        if not _is_cause_coded(y):
            return super()._validate_y(y)
        _check_cause_codes(np.asarray(y[y.dtype.names[0]]))
        event, time = event_and_time(y, competing_risks=True)
        out = np.empty(time.shape[0], dtype=[("event", np.int64), ("time", np.float64)])
        out["event"] = event
        out["time"] = time
        return out

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        n_causes = int(np.max(y["event"].astype(np.int64)))
        if first_pass or not hasattr(self, "n_causes_"):
            self.n_causes_ = n_causes
        elif n_causes > self.n_causes_:
            raise ValueError(
                f"y has event codes up to {n_causes} but the model was fitted with "
                f"{self.n_causes_} cause(s)."
            )
        super()._prepare_target(
            y,
            first_pass=first_pass,
            incremental=incremental,
            classes=classes,
            sample_weight=sample_weight,
        )
        self.n_outputs_ = len(self.cuts_) * self.n_causes_

    # ------------------------------------------------------------ network
    def _build_criterion(self):
        return DeepHitLoss(self.ranking_weight, self.sigma, self.n_causes_)

    def _initial_bias(self, y):
        return pmf_marginal_logits(y[0], y[1], len(self.cuts_), self.n_causes_, y[2])

    def _knot_survival(self, output):
        return pmf_survival(output, self.n_causes_)[0]

    # ------------------------------------------------------------ predictions
    def predict_cumulative_incidence(self, X, return_array=False):
        """Cumulative incidence of each cause, ``F_k(t | x) = P(T <= t, cause k | x)``.

        Between grid points the incidence follows ``interpolation`` (held, or
        linear); ``1 - sum_k F_k(t | x)`` equals :meth:`predict_survival_function`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.
        return_array : bool, default=False
            Return values on ``unique_times_`` instead of step functions.

        Returns
        -------
        cif : ndarray of shape (n_samples, n_causes) or \
(n_samples, n_causes, n_unique_times)
            :class:`~skdeep.survival.SurvivalStepFunction` objects (cause ``k``
            in column ``k - 1``), or with ``return_array=True`` their values at
            ``unique_times_``.
        """
        check_is_fitted(self)
        output, _ = self._raw_output(X)
        pmf = pmf_survival(output, self.n_causes_)[1]
        cif = np.stack(
            [
                1.0 - survival_at(self.unique_times_, self.cuts_, 1.0 - pmf[:, k].cumsum(1),
                                  self.interpolation)
                for k in range(self.n_causes_)
            ],
            axis=1,
        )
        if return_array:
            return cif
        funcs = step_functions(self.unique_times_, cif.reshape(-1, cif.shape[2]))
        return funcs.reshape(cif.shape[:2])

    def score(self, X, y):
        """Harrell's concordance index of :meth:`predict` for an event of any cause.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : structured ndarray of shape (n_samples,)
            Event indicator (bool, or integer cause codes with 0 = censored)
            first, time second.

        Returns
        -------
        cindex : float
        """
        return super().score(X, _as_any_event(y) if _is_cause_coded(y) else y)


def _deephit_doc():
    from ._discrete import _EXAMPLE, _GRID_ATTRIBUTES, _GRID_PARAMS, _RISK_NOTE
    from .._docstrings import SHARED_PARAMS
    from ._docs import GRID_TRAINING_PARAMS

    grid = _GRID_PARAMS.replace("{interp}", "constant_density").replace(
        "{'step', 'constant_density', 'constant_hazard'}", "{'step', 'constant_density'}"
    )
    grid = grid.replace(
        "linear (``'constant_density'``) or log-linear\n"
        "        (``'constant_hazard'``, exact for :class:`PCHazard`).",
        "or linear (``'constant_density'``); cumulative incidences alike.",
    )
    extra = """
    ranking_weight : float, default=0.5
        Weight :math:`\\lambda \\in [0, 1]` of the ranking loss; the likelihood
        gets :math:`1 - \\lambda`. pycox's ``alpha`` is :math:`1 - \\lambda`
        (named differently here because ``alpha`` is the L2 penalty).

    sigma : float, default=0.5
        Scale :math:`\\sigma` of the ranking loss's exponential: smaller values
        penalise mis-ordered pairs more sharply (the paper's and pycox's
        default is 0.1; 0.5 was more accurate on small data sets).
"""
    DeepHit.__doc__ = (
        """DeepHit: survival network on the probability mass function with a ranking loss.

    Single event (boolean event field) or competing risks (integer event field
    holding cause codes: 0 = censored, ``k = 1..K`` = an event of cause ``k``;
    every cause must appear in the training data). The network outputs
    ``K * len(cuts_)`` logits; one softmax over them and a fixed zero gives the
    probability :math:`f^{(k)}_j(x)` of an event of cause :math:`k` at grid
    point :math:`\\tau_j` and of surviving the grid (Lee et al., 2018; Kvamme,
    Borgan & Scheel, 2019). The cumulative incidence is :math:`F^{(k)}(\\tau_j
    \\mid x) = \\sum_{l \\le j} f^{(k)}_l(x)` and survival (no event of any
    cause) :math:`S = 1 - \\sum_k F^{(k)}`.

    The loss mixes the likelihood and a ranking penalty,

    .. math::

        L = (1 - \\lambda)\\,\\overline{l^{\\mathrm{NLL}}}
            + \\lambda\\,\\overline{l^{\\mathrm{rank}}}, \\qquad
        l^{\\mathrm{NLL}}_i = -\\log f^{(d_i)}_{\\kappa_i}(x_i) \\text{ (event) or }
            -\\log S(\\tau_{\\kappa_i} \\mid x_i) \\text{ (censored)},

    .. math::

        l^{\\mathrm{rank}}_i = \\frac{\\sum_j w_j A_{ij}
            \\exp\\bigl(-(F^{(d_i)}_{\\kappa_i}(x_i) - F^{(d_i)}_{\\kappa_i}(x_j))
            / \\sigma\\bigr)}{\\sum_j w_j},

    with :math:`A_{ij} = 1` when :math:`i` had an event before :math:`j`'s
    time (or at :math:`j`'s censoring grid point) and the bars weighted means
    over the batch.
"""
        + _RISK_NOTE.replace("restricted mean survival time", "restricted mean event-free time")
        + "    For competing risks it ranks by the risk of an event of any cause,\n"
        "    and ``score`` is Harrell's C for an event of any cause.\n"
        + "\n    Parameters\n    ----------"
        + SHARED_PARAMS.split("    solver :")[0]
        + grid.lstrip("\n")
        + extra
        + "\n"
        + GRID_TRAINING_PARAMS
        + "\n    Attributes\n    ----------"
        + _GRID_ATTRIBUTES.replace(
            "    n_outputs_ : int\n        Width of the network's output layer.",
            "    n_causes_ : int\n        Number of causes ``K`` (1 for a boolean event field)."
            "\n\n    n_outputs_ : int\n        Width of the network's output layer,"
            " ``n_causes_ * len(cuts_)``.",
        )
        + _EXAMPLE.format(name="DeepHit", pad="    ", n_cuts=10, n_times=101)
    )


_deephit_doc()
