"""No NaN survival curve: Breslow in log space, CoxTime's baseline, validation loss."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

from skdeep.datasets import make_survival_data
from skdeep.survival import CoxTime, DeepSurv
from skdeep.survival._breslow import breslow_log_increments


def test_breslow_is_exact_for_a_huge_log_risk_spread():
    # Each risk set is dominated by its earliest member: the increment at t_k
    # is e^{-eta_k} to float64 precision, however far apart the scores are
    # (exp(eta - max) underflowed to 0 / 0 here).
    n = 6
    eta = -1000.0 * np.arange(n)
    times, log_inc = breslow_log_increments(eta, np.ones(n, bool), np.arange(1.0, n + 1))
    np.testing.assert_array_equal(times, np.arange(1.0, n + 1))
    np.testing.assert_allclose(log_inc, -eta, rtol=1e-12)
    # shifting every score by c shifts every log increment by -c
    _, shifted = breslow_log_increments(eta + 500.0, np.ones(n, bool), np.arange(1.0, n + 1))
    np.testing.assert_allclose(shifted, log_inc - 500.0, rtol=1e-12)


@pytest.fixture(scope="module")
def unscaled():
    # Unscaled features (x 10,000) and a high learning rate: log-risks spanning
    # far more than float64's exponent range (about 1e6 here; at x 1,000 CoxTime's
    # g peaked near 380 and whether H overflowed depended on the exact trajectory).
    X, y = make_survival_data(n_samples=200, random_state=0)
    return X * 1e4, y


@pytest.mark.parametrize("Model", [DeepSurv, CoxTime])
def test_huge_log_risk_spread_gives_finite_curves_or_a_clear_error(unscaled, Model):
    X, y = unscaled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Model(learning_rate_init=0.1, max_iter=30, random_state=0, device="cpu")
        model.fit(X, y)
    surv = model.predict_survival_function(X, return_array=True)
    assert np.all(np.isfinite(surv)) and np.all((surv >= 0) & (surv <= 1))
    assert np.all(np.diff(surv, axis=1) <= 0)
    # A cumulative hazard beyond float64 is a clear error, never NaN.
    try:
        chf = model.predict_cumulative_hazard_function(X, return_array=True)
    except ValueError as exc:
        assert "overflows float64" in str(exc) and "StandardScaler" in str(exc)
    else:
        assert np.all(np.isfinite(chf))
    if Model is DeepSurv:
        risk = model.predict(X)
        assert np.all(np.isfinite(risk)) and np.ptp(risk) > 745
        with pytest.raises(ValueError, match="overflows float64.*StandardScaler"):
            model.predict_cumulative_hazard_function(X, return_array=True)


def test_coxtime_with_a_huge_spread_of_g_gives_finite_curves():
    # g(x, t) spanning thousands: the old baseline exp(-log sum e^g) was 0 or
    # inf and met e^g as 0 * inf = NaN in every curve.
    X, y = make_survival_data(n_samples=200, random_state=0)
    model = CoxTime(max_iter=5, random_state=0, device="cpu").fit(X, y)
    with torch.no_grad():
        model.net_.module_.g.output.weight.mul_(5e3)
    model._after_fit(model._validate_X(X, reset=False), model._validate_y(y), None)
    g = model._g(X, np.quantile(y["time"], [0.5]))
    assert np.ptp(g) > 1500
    surv = model.predict_survival_function(X, return_array=True)
    assert np.all(np.isfinite(surv)) and np.all((surv >= 0) & (surv <= 1))
    assert np.all(np.diff(surv, axis=1) <= 0)


def test_coxtime_validation_loss_is_computed_without_gradients():
    X, y = make_survival_data(n_samples=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # torch's requires_grad warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = CoxTime(early_stopping=True, max_iter=3, random_state=0, device="cpu")
        model.fit(X, y)
    losses = model.history_[:, "valid_loss"]
    assert len(losses) == 3 and np.all(np.isfinite(losses))
