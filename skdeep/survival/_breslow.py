"""Breslow's estimator of the cumulative baseline hazard (sample-weighted)."""

import numpy as np

__all__ = ["breslow_log_increments", "cumulative_log_hazard", "check_finite_hazard"]


def breslow_log_increments(log_risk, event, time, sample_weight=None):
    r"""Breslow's baseline hazard increments at every distinct time.

    .. math::

        \Delta\hat H_0(t_k) = \frac{\sum_{i: T_i = t_k} w_i \delta_i}
                                   {\sum_{j: T_j \ge t_k} w_j e^{\eta_j}}

    which is :class:`sksurv.linear_model.coxph.BreslowEstimator` when all
    weights are 1 (times with censoring only get a zero increment).  The
    denominator is computed in log space (a running log-sum-exp from the
    latest time backwards) and the increments are returned as logarithms, so
    any spread of log-risks gives finite values (never ``0 / 0``).

    Parameters
    ----------
    log_risk : ndarray of shape (n_samples,)
        Log-risk scores :math:`\eta_i`.
    event : ndarray of shape (n_samples,)
        Event indicator.
    time : ndarray of shape (n_samples,)
        Observed times.
    sample_weight : ndarray of shape (n_samples,) or None
        Sample weights.

    Returns
    -------
    unique_times : ndarray of shape (n_times,)
        The distinct observed times, ascending.
    log_increments : ndarray of shape (n_times,)
        :math:`\log \Delta\hat H_0` at each of them (``-inf`` where only
        censoring happened).
    """
    log_risk = np.asarray(log_risk, dtype=np.float64)
    w = np.ones_like(log_risk) if sample_weight is None else np.asarray(sample_weight, float)
    unique_times, inv = np.unique(time, return_inverse=True)
    n_times = len(unique_times)
    # log sum_{j at t_k} w_j e^{eta_j} per distinct time, then a reverse
    # cumulative log-sum-exp: log of the risk-set sums, exact for any spread.
    with np.errstate(divide="ignore"):
        terms = log_risk + np.log(w)
    top = np.full(n_times, -np.inf)
    np.maximum.at(top, inv, terms)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        per_time = top + np.log(np.bincount(inv, weights=np.exp(terms - top[inv]),
                                            minlength=n_times))
    log_risk_set = np.logaddexp.accumulate(per_time[::-1])[::-1]
    deaths = np.bincount(inv, weights=w * (np.asarray(event) > 0), minlength=n_times)
    log_increments = np.full(n_times, -np.inf)
    has = deaths > 0
    log_increments[has] = np.log(deaths[has]) - log_risk_set[has]
    return unique_times, log_increments


def cumulative_log_hazard(log_increments):
    """``log H_0(t_k)``: a running log-sum-exp of the log increments."""
    return np.logaddexp.accumulate(log_increments)


def check_finite_hazard(cum_hazard, name):
    """Raise a clear error when a cumulative hazard is not finite (never a NaN curve)."""
    if not np.all(np.isfinite(cum_hazard)):
        raise ValueError(
            f"{name}'s cumulative hazard overflows float64: the log-risks span more "
            "than 700 (e^700 is about the largest float64). Such scores come from "
            "unscaled features or a too-high learning rate: scale the inputs (e.g. "
            "with StandardScaler), lower learning_rate_init or raise alpha. "
            "predict_survival_function stays finite (survival 0 there)."
        )
