"""The survival simulator: censoring level, true survival, reproducibility."""

import numpy as np
import pytest
from sksurv.nonparametric import kaplan_meier_estimator

from skdeep.datasets import make_survival_data


@pytest.mark.parametrize("hazard", ["proportional", "crossing"])
def test_censoring_fraction_and_shapes(hazard):
    X, y = make_survival_data(n_samples=2000, n_features=7, hazard=hazard, censoring=0.4,
                              random_state=0)
    assert X.shape == (2000, 7) and y.dtype.names == ("event", "time")
    assert abs((~y["event"]).mean() - 0.4) < 0.01
    assert np.all(y["time"] > 0)


@pytest.mark.parametrize("hazard", ["proportional", "crossing"])
def test_true_survival_matches_kaplan_meier(hazard):
    X, y, truth = make_survival_data(n_samples=4000, hazard=hazard, censoring=0.3,
                                     random_state=1, return_true_survival=True)
    times, km = kaplan_meier_estimator(y["event"], y["time"])
    grid = np.quantile(y["time"], [0.1, 0.3, 0.5, 0.7])
    km_at = km[np.searchsorted(times, grid, side="right") - 1]
    np.testing.assert_allclose(truth(grid).mean(axis=0), km_at, atol=0.03)
    surv = truth(np.linspace(0.01, 10, 50))
    assert np.all(np.diff(surv, axis=1) <= 0) and np.all((surv >= 0) & (surv <= 1))


def test_crossing_hazards_cross():
    _, _, truth = make_survival_data(n_samples=10, hazard="crossing", random_state=0,
                                     return_true_survival=True)
    low, high = np.zeros((1, 5)), np.zeros((1, 5))
    low[0, 1], high[0, 1] = -1.0, 1.0
    t = np.array([0.5, 20.0])
    s_low, s_high = truth(t, low)[0], truth(t, high)[0]
    assert s_high[0] < s_low[0] and s_high[1] > s_low[1]


def test_reproducible_and_validated():
    a = make_survival_data(n_samples=50, random_state=3)
    b = make_survival_data(n_samples=50, random_state=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(ValueError, match="'n_features' parameter .* range \\[3, inf\\)"):
        make_survival_data(n_features=2)
    with pytest.raises(ValueError, match="'hazard' parameter .* among .*'crossing'"):
        make_survival_data(hazard="weird")
    with pytest.raises(ValueError, match="censoring must be below 1"):
        make_survival_data(censoring=1.0)
