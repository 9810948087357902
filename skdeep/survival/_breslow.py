"""Breslow's estimator of the cumulative baseline hazard (sample-weighted)."""

import numpy as np

__all__ = ["breslow_increments"]


def breslow_increments(log_risk, event, time, sample_weight=None):
    r"""Breslow's baseline hazard increments at every distinct time.

    .. math::

        \Delta\hat H_0(t_k) = \frac{\sum_{i: T_i = t_k} w_i \delta_i}
                                   {\sum_{j: T_j \ge t_k} w_j e^{\eta_j}}

    which is :class:`sksurv.linear_model.coxph.BreslowEstimator` when all
    weights are 1 (times with censoring only get a zero increment).

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
    increments : ndarray of shape (n_times,)
        :math:`\Delta\hat H_0` at each of them.
    """
    w = np.ones_like(time, dtype=np.float64) if sample_weight is None else sample_weight
    unique_times, inv = np.unique(time, return_inverse=True)
    shift = np.max(log_risk)
    per_time = np.bincount(inv, weights=w * np.exp(log_risk - shift), minlength=len(unique_times))
    risk = np.cumsum(per_time[::-1])[::-1]
    deaths = np.bincount(inv, weights=w * (event > 0), minlength=len(unique_times))
    return unique_times, deaths / risk * np.exp(-shift)
