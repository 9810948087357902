"""The survival estimators inside scikit-learn's tooling, and their bad inputs."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sksurv.datasets import load_whas500
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import (
    as_concordance_index_ipcw_scorer,
    as_integrated_brier_score_scorer,
    concordance_index_censored,
    concordance_index_ipcw,
    integrated_brier_score,
)
from sksurv.util import Surv

from skdeep.datasets import make_survival_data
from skdeep.survival import CoxTime, DeepSurv

MODELS = [DeepSurv, CoxTime]


def _small(cls, **kw):
    return cls(hidden_layer_sizes=(8,), max_iter=5, random_state=0, device="cpu", **kw)


@pytest.fixture(scope="module")
def data():
    return make_survival_data(n_samples=150, random_state=0)


@pytest.mark.parametrize("cls", MODELS)
def test_clone_and_params(cls):
    model = _small(cls, alpha=0.01)
    params = model.get_params()
    assert params["alpha"] == 0.01 and params["hidden_layer_sizes"] == (8,)
    other = clone(model).set_params(alpha=0.5)
    assert other.alpha == 0.5 and model.alpha == 0.01
    assert clone(model).get_params() == params


@pytest.mark.parametrize("cls", MODELS)
def test_pickle_round_trip_gives_identical_predictions(cls, data):
    X, y = data
    model = _small(cls).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    np.testing.assert_array_equal(restored.predict_survival_function(X, return_array=True),
                                  model.predict_survival_function(X, return_array=True))
    if cls is CoxTime:  # the loss still trains the restored network, not a copy
        assert restored.net_.criterion_.network is restored.net_.module_.g


@pytest.mark.parametrize("cls", MODELS)
def test_same_seed_same_model(cls, data):
    X, y = data
    a = _small(cls).fit(X, y).predict(X)
    b = _small(cls).fit(X, y).predict(X)
    c = _small(cls, shuffle=True).set_params(random_state=1).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("cls", MODELS)
def test_user_inputs_are_not_modified(cls, data):
    X, y = data
    X0, y0, w = X.copy(), y.copy(), np.ones(len(y))
    _small(cls).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert np.all(w == 1)


@pytest.mark.parametrize("cls", MODELS)
def test_pipeline_with_column_transformer_on_dataframe(cls):
    X, y = load_whas500()
    X, y = X.iloc[:200], y[:200]
    categorical = X.select_dtypes("category").columns
    pre = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical)],
        remainder=StandardScaler(),
    )
    model = make_pipeline(pre, _small(cls)).fit(X, y)
    assert 0.5 < model.score(X, y) <= 1.0
    assert model.predict_survival_function(X.iloc[:3]).shape == (3,)


def test_feature_names_are_recorded():
    X, y = load_whas500()
    X = X.select_dtypes("number").iloc[:100]
    model = _small(DeepSurv).fit(X, y[:100])
    np.testing.assert_array_equal(model.feature_names_in_, X.columns)


@pytest.mark.parametrize("cls", MODELS)
def test_cross_val_score_uses_harrells_c(cls, data):
    X, y = data
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    result = cross_validate(_small(cls), X, y, cv=folds, return_estimator=True)
    for (_, test), model, score in zip(folds, result["estimator"], result["test_score"]):
        event, time = y["event"][test], y["time"][test]
        assert score == concordance_index_censored(event, time, model.predict(X[test]))[0]


def _beyond_range_folds(y):
    """3 hold-out splits (as ShuffleSplit may draw them) whose test parts all hold
    the 6 longest times, so that every training part ends before its test part."""
    order = np.argsort(y["time"])
    longest, rest = order[-6:], np.random.RandomState(0).permutation(order[:-6])
    parts = np.array_split(rest, 3)
    return [
        (np.concatenate(parts[:i] + parts[i + 1:]), np.concatenate([parts[i], longest]))
        for i in range(3)
    ]


@pytest.mark.parametrize("cls", MODELS)
def test_grid_search_ibs_with_test_times_beyond_training(cls):
    X, y = make_survival_data(n_samples=240, censoring=0.2, random_state=3)
    # administrative censoring: the 12 longest follow-ups end without an event
    # (scikit-survival's IPCW metrics need the training censoring distribution
    # to reach zero at its last time when test times go beyond it)
    y["event"][np.argsort(y["time"])[-12:]] = False
    folds = _beyond_range_folds(y)
    train_max = max(y["time"][tr].max() for tr, _ in folds)
    # the grid ends inside every test part but beyond every training part
    times = np.linspace(np.quantile(y["time"], 0.1), 0.999 * y["time"].max(), 20)
    assert times[-1] > train_max
    search = GridSearchCV(
        as_integrated_brier_score_scorer(_small(cls), times=times),
        {"estimator__alpha": [1e-4, 1e-1]}, cv=folds,
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    # each fold's score is minus the IBS of the candidate fitted alone on that fold,
    # its curves carried past the last training time
    for i, (train, test) in enumerate(folds):
        model = _small(cls, alpha=1e-1).fit(X[train], y[train])
        surv = np.vstack([f(times) for f in model.predict_survival_function(X[test])])
        ibs = integrated_brier_score(y[train], y[test], surv, times)
        assert search.cv_results_[f"split{i}_test_score"][1] == pytest.approx(-ibs, rel=1e-9)
    # scikit-survival's own step functions stop at the last training time:
    # the same search over CoxPHSurvivalAnalysis records NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = GridSearchCV(
            as_integrated_brier_score_scorer(CoxPHSurvivalAnalysis(), times=times),
            {"estimator__alpha": [1e-4]}, cv=folds,
        ).fit(X, y)
    assert np.isnan(reference.cv_results_["mean_test_score"][0])


@pytest.mark.parametrize("cls", MODELS)
def test_grid_search_uno_c_with_tau(cls):
    X, y = make_survival_data(n_samples=240, censoring=0.2, random_state=3)
    folds = _beyond_range_folds(y)
    # Uno's C weights by the training censoring distribution, which ends at the
    # last training time: truncate at tau below every fold's training range.
    tau = min(y["time"][tr].max() for tr, _ in folds) * 0.99
    search = GridSearchCV(
        as_concordance_index_ipcw_scorer(_small(cls), tau=tau),
        {"estimator__hidden_layer_sizes": [(4,), (8,)]}, cv=folds,
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # each fold's score is Uno's C of the candidate fitted alone on that fold
    for i, (train, test) in enumerate(folds):
        model = _small(cls).set_params(hidden_layer_sizes=(4,)).fit(X[train], y[train])
        uno = concordance_index_ipcw(y[train], y[test], model.predict(X[test]), tau=tau)[0]
        assert search.cv_results_[f"split{i}_test_score"][0] == pytest.approx(uno, rel=1e-9)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("cls", MODELS)
def test_y_must_be_a_structured_survival_array(cls, data):
    X, y = data
    with pytest.raises(TypeError, match="structured array"):
        _small(cls).fit(X, y["time"])
    with pytest.raises(TypeError, match="structured array"):
        _small(cls).fit(X, pd.DataFrame({"event": y["event"], "time": y["time"]}))
    with pytest.raises(ValueError, match="requires y"):
        _small(cls).fit(X, None)


@pytest.mark.parametrize("cls", MODELS)
def test_negative_times_are_refused(cls, data):
    X, y = data
    bad = Surv.from_arrays(y["event"], y["time"] - y["time"].mean())
    with pytest.raises(ValueError, match="negative times"):
        _small(cls).fit(X, bad)


@pytest.mark.parametrize("cls", MODELS)
def test_no_events_are_refused(cls, data):
    X, y = data
    with pytest.raises(ValueError, match="no events"):
        _small(cls).fit(X, Surv.from_arrays(np.zeros(len(y), bool), y["time"]))


@pytest.mark.parametrize("cls", MODELS)
def test_nan_in_X_is_refused(cls, data):
    X, y = data
    X = X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _small(cls).fit(X, y)


@pytest.mark.parametrize("cls", MODELS)
def test_inconsistent_lengths_and_bad_params(cls, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _small(cls).fit(X[:-1], y)
    with pytest.raises(ValueError, match="'activation' parameter .* Got 'nope'"):
        _small(cls, activation="nope").fit(X, y)
    with pytest.raises(ValueError, match="features"):
        _small(cls).fit(X, y).predict(X[:, :2])


def test_bad_model_specific_params(data):
    X, y = data
    with pytest.raises(ValueError, match="ties"):
        _small(DeepSurv, ties="exact").fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        _small(CoxTime, solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="n_controls"):
        _small(CoxTime, n_controls=0).fit(X, y)


def test_unfitted_model_raises_not_fitted(data):
    from sklearn.exceptions import NotFittedError

    X, _ = data
    with pytest.raises(NotFittedError, match="instance is not fitted yet"):
        DeepSurv().predict_survival_function(X)


def test_score_accepts_any_field_names(data):
    X, y = data
    renamed = np.empty(len(y), dtype=[("status", "?"), ("days", "<f8")])
    renamed["status"], renamed["days"] = y["event"], y["time"]
    model = _small(DeepSurv).fit(X, renamed)
    assert model.score(X, renamed) == model.score(X, y)


def test_skdeep_ibs_scorer_survives_kfold_with_the_longest_time_in_test():
    from skdeep.survival import as_integrated_brier_score_scorer as SafeIBS

    X, y = make_survival_data(n_samples=150, censoring=0.2, random_state=0)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    longest = np.argmax(y["time"])
    y["event"][longest] = True  # the training censoring estimate then refuses it
    times = np.quantile(y["time"], [0.2, 0.4, 0.6])
    grid = {"estimator__alpha": [1e-4]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = GridSearchCV(as_integrated_brier_score_scorer(_small(DeepSurv), times),
                             grid, cv=folds).fit(X, y)
    safe = GridSearchCV(SafeIBS(_small(DeepSurv), times), grid, cv=folds).fit(X, y)
    plain_scores = [plain.cv_results_[f"split{i}_test_score"][0] for i in range(3)]
    safe_scores = [safe.cv_results_[f"split{i}_test_score"][0] for i in range(3)]
    bad = [i for i, (_, te) in enumerate(folds) if longest in te][0]
    assert np.isnan(plain_scores[bad]) and np.isfinite(safe_scores).all()
    # where scikit-survival's wrapper is defined, both give the same score
    same = [i for i in range(3) if i != bad]
    np.testing.assert_allclose(np.array(safe_scores)[same], np.array(plain_scores)[same])
