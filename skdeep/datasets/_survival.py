"""Simulated right-censored survival data with known survival functions."""

from numbers import Integral, Real

import numpy as np
from scipy.special import ndtr
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sksurv.util import Surv

__all__ = ["make_survival_data"]

_WEIBULL_SHAPE = 1.5
_WEIBULL_SCALE = 0.1


def _log_risk(X):
    return 0.8 * X[:, 0] - 0.6 * X[:, 1] + 0.4 * X[:, 2] ** 2


def _lognormal_params(X):
    return 1.0 + 0.5 * X[:, 0], np.exp(0.8 * X[:, 1])


def _survival(X, times, hazard):
    times = np.atleast_1d(np.asarray(times, dtype=np.float64))
    if hazard == "proportional":
        cum = _WEIBULL_SCALE * times[None, :] ** _WEIBULL_SHAPE
        return np.exp(-cum * np.exp(_log_risk(X))[:, None])
    mu, sigma = _lognormal_params(X)
    with np.errstate(divide="ignore"):
        z = (np.log(times)[None, :] - mu[:, None]) / sigma[:, None]
    return 1.0 - ndtr(z)


def _event_times(X, hazard, rng):
    u = rng.uniform(size=X.shape[0])
    if hazard == "proportional":
        rate = _WEIBULL_SCALE * np.exp(_log_risk(X))
        return (-np.log(u) / rate) ** (1.0 / _WEIBULL_SHAPE)
    mu, sigma = _lognormal_params(X)
    return np.exp(mu + sigma * rng.standard_normal(X.shape[0]))


def _censoring_times(event_time, censoring, rng):
    """Exponential censoring scaled so that ``censoring`` of the sample is censored."""
    draws = rng.exponential(size=event_time.shape[0])
    if censoring == 0:
        return np.full_like(event_time, np.inf)
    lo, hi = 1e-6, 1e6  # bisection on the censoring scale (larger = less censoring)
    for _ in range(100):
        mid = np.sqrt(lo * hi)
        if np.mean(mid * draws < event_time) > censoring:
            lo = mid
        else:
            hi = mid
    return hi * draws


@validate_params(
    {
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "n_features": [Interval(Integral, 3, None, closed="left")],
        "hazard": [StrOptions({"proportional", "crossing"})],
        "censoring": [Interval(Real, 0, 1, closed="right")],
        "random_state": ["random_state"],
        "return_true_survival": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_survival_data(
    n_samples=1000,
    n_features=5,
    *,
    hazard="proportional",
    censoring=0.3,
    random_state=None,
    return_true_survival=False,
):
    r"""Right-censored survival data whose true survival functions are known.

    The features are independent standard normal; only the first three matter,
    the rest are noise.

    ``hazard='proportional'``
        Weibull proportional hazards,
        :math:`h(t \mid x) = \lambda k t^{k-1} e^{\eta(x)}` with
        :math:`k = 1.5`, :math:`\lambda = 0.1` and the non-linear log-risk
        :math:`\eta(x) = 0.8 x_0 - 0.6 x_1 + 0.4 x_2^2`:
        :math:`S(t \mid x) = \exp(-\lambda t^k e^{\eta(x)})`.
    ``hazard='crossing'``
        Log-normal times, :math:`\log T = \mu(x) + \sigma(x)\varepsilon`, with
        :math:`\mu(x) = 1 + 0.5 x_0` and :math:`\sigma(x) = e^{0.8 x_1}`:
        :math:`S(t \mid x) = 1 - \Phi((\log t - \mu(x)) / \sigma(x))`.  Samples
        with a large :math:`x_1` have the higher hazard early and the lower
        hazard late, so hazards (and survival curves) cross and no
        proportional-hazards model can fit them.

    Censoring times are exponential and independent of :math:`T` and
    :math:`x`, their scale chosen (on the drawn sample) so that a fraction
    ``censoring`` of the samples is censored.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples.
    n_features : int, default=5
        Number of features (at least 3).
    hazard : {'proportional', 'crossing'}, default='proportional'
        The hazard model, see above.
    censoring : float in [0, 1), default=0.3
        Fraction of censored samples.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.
    return_true_survival : bool, default=False
        Also return ``true_survival``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : structured ndarray of shape (n_samples,)
        ``(event, time)`` as built by :meth:`sksurv.util.Surv.from_arrays`.
    true_survival : callable, only with ``return_true_survival=True``
        ``true_survival(times, X=None)`` returns the true :math:`S(t \mid x)`
        as an array of shape ``(n_samples, n_times)``, for the generated ``X``
        or any other feature matrix ``X`` (e.g. a test split).

    Examples
    --------
    >>> from skdeep.datasets import make_survival_data
    >>> X, y, true_survival = make_survival_data(
    ...     n_samples=100, hazard="crossing", random_state=0, return_true_survival=True)
    >>> X.shape, y.dtype.names
    ((100, 5), ('event', 'time'))
    >>> true_survival([1.0, 5.0]).shape
    (100, 2)
    """
    if censoring >= 1:
        raise ValueError("censoring must be below 1: some samples need an event.")
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    event_time = _event_times(X, hazard, rng)
    censor_time = _censoring_times(event_time, censoring, rng)
    event = event_time <= censor_time
    y = Surv.from_arrays(event, np.minimum(event_time, censor_time))
    if not return_true_survival:
        return X, y
    X_gen = X.copy()

    def true_survival(times, X=None):
        """True survival probabilities, shape ``(n_samples, n_times)``."""
        return _survival(X_gen if X is None else np.asarray(X, dtype=np.float64), times, hazard)

    return X, y, true_survival
