"""The time grid of the discrete-time survival models and their label transforms.

Discrete-time models (:class:`LogisticHazard`, :class:`PMF`, :class:`NMTLR`,
:class:`DeepHit`) predict at the grid points ``cuts = [tau_0 = 0, tau_1, ...,
tau_{m-1}]``, ``tau_{m-1}`` being the largest training time.  An event at
time ``t`` is moved *up* to the first grid point ``>= t``; a censoring time
*down* to the last grid point ``<= t`` (the subject is known to have survived
it).  This is Kvamme & Borgan's (2019) "scheme 2", as in pycox.

:class:`PCHazard` (piecewise-constant hazard) is a continuous-time model on
the ``m`` intervals ``(tau_j, tau_{j+1}]`` of a grid with ``m + 1`` points; its
label is the interval holding ``t`` and the fraction of that interval lived.
"""

import warnings

import numpy as np
from sksurv.nonparametric import kaplan_meier_estimator

__all__ = ["make_cuts", "discrete_labels", "piecewise_labels", "survival_at"]

SCHEMES = ("quantiles", "equidistant")
INTERPOLATIONS = ("step", "constant_density", "constant_hazard")


def make_cuts(time, event, n_points, scheme):
    """Grid points fitted on training times.

    Parameters
    ----------
    time : ndarray of shape (n_samples,)
        Non-negative event or censoring times.
    event : ndarray of shape (n_samples,)
        Event indicator (anything non-zero is an event).
    n_points : int
        Number of grid points wanted, at least 2.
    scheme : {"quantiles", "equidistant"}
        ``"equidistant"``: ``n_points`` evenly spaced points from 0 to
        ``max(time)``. ``"quantiles"``: the times at which the Kaplan-Meier
        estimate crosses ``n_points`` evenly spaced survival levels between its
        minimum and 1, so every interval holds about as many events; repeated
        points are merged (with a warning), so fewer points may come back.

    Returns
    -------
    cuts : ndarray of shape (n_cuts,)
        Strictly increasing, ``cuts[0] == 0`` and ``cuts[-1] == max(time)``.
    """
    time = np.asarray(time, dtype=np.float64)
    t_max = float(time.max())
    if t_max <= 0:
        raise ValueError(
            "All survival times are 0; a time grid needs at least one positive time."
        )
    if scheme == "equidistant":
        return np.linspace(0.0, t_max, n_points)
    if scheme != "quantiles":
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}.")
    times, surv = kaplan_meier_estimator(np.asarray(event) != 0, time)
    if times[0] > 0:
        times, surv = np.r_[0.0, times], np.r_[1.0, surv]
    levels = np.linspace(surv.min(), surv.max(), n_points)
    # For each level, the first time at which the (non-increasing) KM curve
    # is at or below it (pycox's ``cuts_quantiles``).
    idx = np.searchsorted(surv[::-1], levels)[::-1]
    cuts = np.unique(times[::-1][idx])
    cuts[0] = 0.0
    if cuts[-1] != t_max:
        cuts = np.r_[cuts, t_max]
    if len(cuts) < n_points:
        warnings.warn(
            f"The quantile grid has only {len(cuts)} distinct points instead of the "
            f"{n_points} requested (tied times); continuing with {len(cuts)}. Lower "
            "n_durations or use scheme='equidistant' to silence this warning.",
            UserWarning,
        )
    return cuts


def discrete_labels(time, event, cuts):
    """(time, event) -> (grid index, event) for the discrete-time models.

    Events go up to the first grid point ``>= time``, censoring times down to
    the last grid point ``<= time``; times beyond ``cuts[-1]`` are censored at
    the last point.

    Parameters
    ----------
    time : ndarray of shape (n_samples,)
    event : ndarray of shape (n_samples,) of int or bool
        0/False for censored, otherwise the cause (1..K) or True.
    cuts : ndarray of shape (m,)

    Returns
    -------
    index : ndarray of shape (n_samples,), int64
        In ``0 .. m - 1``.
    event : ndarray of shape (n_samples,), int64
        The event code, 0 for samples censored here.
    """
    time = np.asarray(time, dtype=np.float64)
    event = np.asarray(event).astype(np.int64)  # a copy; the caller's is untouched
    beyond = time > cuts[-1]
    event[beyond] = 0
    index = np.where(
        event != 0,
        np.searchsorted(cuts, time, side="left"),
        np.searchsorted(cuts, time, side="right") - 1,
    )
    index = np.clip(index, 0, len(cuts) - 1)
    return index.astype(np.int64), event


def piecewise_labels(time, event, cuts):
    """(time, event) -> (interval index, event, fraction) for :class:`PCHazard`.

    Interval ``j`` is ``(cuts[j], cuts[j + 1]]`` (interval 0 also holds time
    0); ``fraction`` is the share of it lived, ``(t - cuts[j]) / (cuts[j + 1] -
    cuts[j])``. Times beyond ``cuts[-1]`` are censored at its end.

    Returns
    -------
    index : ndarray of shape (n_samples,), int64, in ``0 .. len(cuts) - 2``
    event : ndarray of shape (n_samples,), float64 (0 or 1)
    fraction : ndarray of shape (n_samples,), float64, in ``[0, 1]``
    """
    time = np.asarray(time, dtype=np.float64)
    event = (np.asarray(event) != 0).astype(np.float64)
    beyond = time > cuts[-1]
    event[beyond] = 0.0
    time = np.minimum(time, cuts[-1])
    index = np.clip(np.searchsorted(cuts, time, side="left") - 1, 0, len(cuts) - 2)
    fraction = (time - cuts[index]) / np.diff(cuts)[index]
    return index.astype(np.int64), event, np.clip(fraction, 0, 1).astype(np.float64)


def survival_at(times, knots, surv_knots, interpolation):
    """Evaluate survival curves known at grid points at arbitrary ``times``.

    Parameters
    ----------
    times : ndarray of shape (n_times,)
        Where to evaluate; times before ``knots[0]`` get 1 (or the value
        interpolated from 1 at time 0), after ``knots[-1]`` the last value.
    knots : ndarray of shape (m,)
        Increasing grid points, ``knots[0] >= 0``.
    surv_knots : ndarray of shape (n_samples, m)
        Survival probabilities at the knots.
    interpolation : {"step", "constant_density", "constant_hazard"}
        Between two knots, survival is held at the left knot's value
        (``"step"``), linear (``"constant_density"``: a constant probability
        density) or log-linear (``"constant_hazard"``: a constant hazard).

    Returns
    -------
    surv : ndarray of shape (n_samples, n_times)
    """
    times = np.asarray(times, dtype=np.float64)
    surv_knots = np.clip(surv_knots, 0.0, 1.0)
    if knots[0] > 0:  # everybody is alive at time 0
        knots = np.r_[0.0, knots]
        surv_knots = np.hstack([np.ones((surv_knots.shape[0], 1)), surv_knots])
    # Right-continuous steps: the value of the last knot <= t.
    right = np.searchsorted(knots, times, side="right")
    left = np.clip(right - 1, 0, len(knots) - 1)
    if interpolation == "step":
        return np.where(right == 0, 1.0, surv_knots[:, left])
    right = np.clip(right, 0, len(knots) - 1)
    width = knots[right] - knots[left]
    rho = np.where(width > 0, (times - knots[left]) / np.where(width > 0, width, 1), 0.0)
    rho = np.clip(rho, 0.0, 1.0)
    s_left, s_right = surv_knots[:, left], surv_knots[:, right]
    if interpolation == "constant_density":
        return s_left + rho * (s_right - s_left)
    if interpolation == "constant_hazard":
        with np.errstate(divide="ignore"):
            log_left, log_right = np.log(s_left), np.log(s_right)
        log_s = np.where(
            np.isfinite(log_right), log_left + rho * (log_right - log_left), -np.inf
        )
        log_s = np.where(rho == 0, log_left, log_s)
        return np.exp(log_s)
    raise ValueError(f"interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}.")


def grid_hazards(index, event, m, n_causes=1):
    """Marginal (Kaplan-Meier / Aalen-Johansen) hazards on the grid.

    Parameters
    ----------
    index, event : ndarray of shape (n_samples,)
        As returned by :func:`discrete_labels`.
    m : int
        Number of grid points.
    n_causes : int, default=1

    Returns
    -------
    hazard : ndarray of shape (n_causes, m)
        ``d_kj / r_j``: events of cause ``k`` at grid point ``j`` over the
        number of samples still at risk there (index ``>= j``).
    """
    at_risk = np.bincount(index, minlength=m)[::-1].cumsum()[::-1].astype(np.float64)
    hazard = np.zeros((n_causes, m))
    for k in range(n_causes):
        hazard[k] = np.bincount(index[event == k + 1], minlength=m) / np.maximum(at_risk, 1)
    return hazard
