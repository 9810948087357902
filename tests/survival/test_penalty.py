"""The events-adapted L2 penalty: ``alpha_`` from ``alpha``, the events and the features."""

import math

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler
from sksurv.datasets import load_whas500
from sksurv.linear_model import CoxPHSurvivalAnalysis

from skdeep.survival import (
    NMTLR,
    PMF,
    CoxTime,
    DeepHit,
    DeepSurv,
    LogisticHazard,
    PCHazard,
    events_adapted_alpha,
)

MODELS = [DeepSurv, CoxTime, LogisticHazard, PMF, NMTLR, PCHazard, DeepHit]


def test_alpha_is_unchanged_from_10_events_per_feature_on():
    assert events_adapted_alpha(1.0, 140, 14) == 1.0  # exactly 10 per feature
    assert events_adapted_alpha(0.3, 5000, 14) == 0.3
    assert events_adapted_alpha(0.0, 3, 14) == 0.0  # no penalty stays none


@pytest.mark.parametrize("n_events, n_features, factor", [
    (20, 14, math.sqrt(7.0)),   # thinned WHAS500 at 5%: 20 events per training fold
    (40, 14, math.sqrt(3.5)),
    (35, 6, math.sqrt(60 / 35)),
    (70, 7, 1.0),
    (1, 1, math.sqrt(10.0)),
])
def test_below_10_events_per_feature_alpha_grows_as_a_standard_error(n_events, n_features,
                                                                      factor):
    assert math.isclose(events_adapted_alpha(2.0, n_events, n_features), 2.0 * factor,
                        rel_tol=1e-12)


def test_fewer_events_never_mean_a_weaker_penalty():
    values = [events_adapted_alpha(1.0, d, 14) for d in range(1, 300)]
    assert all(a >= b for a, b in zip(values, values[1:]))
    assert values[0] > values[-1] == 1.0


@pytest.fixture(scope="module")
def scarce():
    """WHAS500's numeric columns (6) with the events thinned to 30: 5 per feature."""
    X, y = load_whas500()
    X = StandardScaler().fit_transform(X.select_dtypes("number"))
    thin = y.copy()
    events = np.flatnonzero(y["fstat"])
    drop = np.random.RandomState(0).choice(events, len(events) - 30, replace=False)
    thin["fstat"][drop] = False
    return X, thin


@pytest.mark.parametrize("Model", MODELS)
def test_fitted_alpha_and_event_count(scarce, Model):
    X, y = scarce
    model = Model(max_iter=2, random_state=0, device="cpu").fit(X, y)
    assert model.n_events_ == 30
    # NMTLR's outputs enter its logits divided by the grid size: so is its alpha
    grid = 1.0 / model.n_outputs_ if Model is NMTLR else 1.0
    assert math.isclose(model.alpha_, math.sqrt(2.0) * grid, rel_tol=1e-12)  # 60/30 = 2
    model = Model(alpha=0.5, alpha_scaling=None, max_iter=2, random_state=0,
                  device="cpu").fit(X, y)
    assert math.isclose(model.alpha_, 0.5 * grid, rel_tol=1e-12)


def test_the_fitted_alpha_is_the_penalty_the_model_minimises(scarce):
    # the linear DeepSurv is CoxPH with the same penalty: with 30 events on 6
    # features it must match scikit-survival's CoxPH at alpha_ (not at alpha)
    X, y = scarce
    model = DeepSurv(hidden_layer_sizes=(), solver="lbfgs", alpha=20.0, tol=1e-9,
                     max_iter=1000, random_state=0, device="cpu").fit(X, y)
    assert math.isclose(model.alpha_, 20.0 * math.sqrt(2.0), rel_tol=1e-12)
    cph = CoxPHSurvivalAnalysis(alpha=model.alpha_).fit(X, y)
    np.testing.assert_allclose(model.coef_, cph.coef_, atol=1e-3)
    unscaled = CoxPHSurvivalAnalysis(alpha=20.0).fit(X, y)
    assert np.abs(model.coef_ - unscaled.coef_).max() > 1e-2


def test_adamw_decays_with_the_fitted_alpha(scarce):
    X, y = scarce
    model = DeepSurv(solver="adamw", max_iter=2, random_state=0, device="cpu").fit(X, y)
    decay = {g["weight_decay"] for g in model.net_.optimizer_.param_groups}
    assert decay - {0.0} == {model.alpha_}  # the weights' group (biases: none)


def test_integer_weights_count_events_as_repeated_rows(scarce):
    # the penalty is divided by the total weight, so the events are counted
    # with their weights too: a weighted fit is the fit on repeated rows
    X, y = scarce
    reps = np.random.RandomState(0).randint(1, 3, size=len(y))
    kw = dict(hidden_layer_sizes=(), solver="lbfgs", alpha=20.0, tol=1e-9, max_iter=1000,
              random_state=0, device="cpu")
    weighted = DeepSurv(**kw).fit(X, y, sample_weight=reps)
    repeated = DeepSurv(**kw).fit(np.repeat(X, reps, axis=0), np.repeat(y, reps))
    assert weighted.n_events_ == repeated.n_events_ == reps[y["fstat"]].sum()
    assert math.isclose(weighted.alpha_, repeated.alpha_, rel_tol=1e-12)
    assert weighted.alpha_ > 20.0  # under 10 events per feature: adapted
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-3)
