"""DeepSurv against scikit-survival's Cox model, and its survival conventions."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler
from sksurv.datasets import load_whas500
from sksurv.functions import StepFunction
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.util import Surv

from skdeep.datasets import make_survival_data
from skdeep.survival import DeepSurv


@pytest.fixture(scope="module")
def whas_numeric():
    X, y = load_whas500()
    return StandardScaler().fit_transform(X.select_dtypes("number")), y


def _linear(**kw):
    return DeepSurv(hidden_layer_sizes=(), solver="lbfgs", alpha=0.0, tol=1e-9,
                    max_iter=1000, random_state=0, device="cpu", **kw)


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_linear_deepsurv_reproduces_coxph(whas_numeric, ties):
    X, y = whas_numeric
    cph = CoxPHSurvivalAnalysis(ties=ties).fit(X, y)
    model = _linear(ties=ties).fit(X, y)
    np.testing.assert_allclose(model.coef_, cph.coef_, atol=1e-3)
    np.testing.assert_array_equal(model.unique_times_, cph.unique_times_)
    np.testing.assert_allclose(model.baseline_survival_.y,
                               cph._baseline_model.baseline_survival_.y, atol=1e-3)
    np.testing.assert_allclose(model.cum_baseline_hazard_.y,
                               cph.cum_baseline_hazard_.y, rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(model.predict(X), cph.predict(X), atol=1e-3)
    np.testing.assert_allclose(model.predict_survival_function(X[:20], return_array=True),
                               cph.predict_survival_function(X[:20], return_array=True),
                               atol=1e-3)
    np.testing.assert_allclose(
        model.predict_cumulative_hazard_function(X[:20], return_array=True),
        cph.predict_cumulative_hazard_function(X[:20], return_array=True),
        rtol=1e-3, atol=1e-6)
    assert abs(model.score(X, y) - cph.score(X, y)) < 1e-3


def test_alpha_means_what_it_means_in_coxph(whas_numeric):
    X, y = whas_numeric
    cph = CoxPHSurvivalAnalysis(alpha=50.0).fit(X, y)
    model = DeepSurv(hidden_layer_sizes=(), solver="lbfgs", alpha=50.0, tol=1e-9,
                     max_iter=1000, random_state=0, device="cpu").fit(X, y)
    np.testing.assert_allclose(model.coef_, cph.coef_, atol=1e-3)


def test_integer_sample_weights_equal_repeated_rows(whas_numeric):
    X, y = whas_numeric
    X, y = X[:150], y[:150]
    reps = np.random.RandomState(0).randint(1, 4, size=150)
    weighted = _linear().fit(X, y, sample_weight=reps)
    repeated = _linear().fit(np.repeat(X, reps, axis=0), np.repeat(y, reps))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-4)
    np.testing.assert_allclose(weighted.cum_baseline_hazard_.y,
                               repeated.cum_baseline_hazard_.y, rtol=1e-4)


def test_prediction_conventions_follow_sksurv():
    X, y = make_survival_data(n_samples=200, random_state=0)
    model = DeepSurv(max_iter=5, random_state=0, device="cpu").fit(X, y)
    risk = model.predict(X)
    assert risk.shape == (200,)
    funcs = model.predict_survival_function(X[:4])
    assert funcs.shape == (4,) and all(isinstance(f, StepFunction) for f in funcs)
    np.testing.assert_array_equal(funcs[0].x, model.unique_times_)
    arr = model.predict_survival_function(X[:4], return_array=True)
    assert arr.shape == (4, model.unique_times_.shape[0])
    np.testing.assert_allclose(arr[1], funcs[1](model.unique_times_))
    assert np.all(np.diff(arr, axis=1) <= 1e-12) and np.all((arr >= 0) & (arr <= 1))
    chf = model.predict_cumulative_hazard_function(X[:4], return_array=True)
    np.testing.assert_allclose(arr, np.exp(-chf))
    # higher risk means lower survival at every time
    hi, lo = np.argmax(risk[:4]), np.argmin(risk[:4])
    assert np.all(arr[hi] <= arr[lo] + 1e-12)
    np.testing.assert_array_equal(np.unique(y["time"]), model.unique_times_)


def test_survival_functions_are_flat_after_the_last_training_time():
    X, y = make_survival_data(n_samples=100, random_state=0)
    model = DeepSurv(max_iter=3, random_state=0, device="cpu").fit(X, y)
    fn = model.predict_survival_function(X[:1])[0]
    last = model.unique_times_[-1]
    assert fn(last * 10) == fn(last)
    np.testing.assert_allclose(fn([0.0, last, 2 * last])[1:], fn(last))
    with pytest.raises(ValueError, match=r"x must be within \[0.0+; inf\]"):
        fn(-1.0)


def test_mini_batches_without_events_train_without_nan():
    X, y = make_survival_data(n_samples=120, censoring=0.9, random_state=1)
    model = DeepSurv(batch_size=4, max_iter=3, random_state=0, device="cpu").fit(X, y)
    assert np.all(np.isfinite(model.loss_curve_))
    assert np.all(np.isfinite(model.predict(X)))


def test_deep_model_learns_nonlinear_log_risk():
    X, y = make_survival_data(n_samples=1000, random_state=0)
    Xtr, ytr, Xte, yte = X[:700], y[:700], X[700:], y[700:]
    linear = CoxPHSurvivalAnalysis().fit(Xtr, ytr).score(Xte, yte)
    deep = DeepSurv(max_iter=60, learning_rate_init=0.003, random_state=0,
                    device="cpu").fit(Xtr, ytr).score(Xte, yte)
    assert deep > linear + 0.02  # the x_2 ** 2 term is out of the linear model's reach


def test_early_stopping_scores_with_cindex_and_restores_best():
    from sklearn.utils import check_random_state

    X, y = make_survival_data(n_samples=200, random_state=0)
    model = DeepSurv(hidden_layer_sizes=(16,), early_stopping=True, validation_fraction=0.25,
                     scoring="concordance", max_iter=40, n_iter_no_change=3, learning_rate_init=0.01,
                     random_state=0, device="cpu").fit(X, y)
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ < 40
    assert model.best_validation_score_ == max(scores)
    assert scores[-1] < model.best_validation_score_  # the last epoch is not the best
    # the held-out part fit used (same seed draws, same split), scored by the restored model
    rng = check_random_state(0)
    rng.randint(np.iinfo(np.int32).max)
    _, (X_val, y_val, _, _) = model._split_validation(X, y, y, None, rng)
    assert len(y_val) == 50
    assert model.score(X_val, y_val) == pytest.approx(model.best_validation_score_, abs=1e-12)


def test_early_stopping_on_the_validation_loss_restores_best():
    from sklearn.utils import check_random_state

    X, y = make_survival_data(n_samples=200, random_state=0)
    model = DeepSurv(hidden_layer_sizes=(16,), early_stopping=True, validation_fraction=0.25,
                     max_iter=60, n_iter_no_change=3, learning_rate_init=0.03, alpha=1e-4,
                     random_state=0, device="cpu").fit(X, y)  # scoring="loss" by default
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ < 60
    assert scores[-1] < model.best_validation_score_ == max(scores) < 0
    rng = check_random_state(0)
    rng.randint(np.iinfo(np.int32).max)
    _, (X_val, y_val, _, _) = model._split_validation(X, y, y, None, rng)
    output = model.net_.forward_raw(model._validate_X(X_val, reset=False))
    restored = model._validation_loss(output, y_val, None)
    assert -restored == pytest.approx(model.best_validation_score_, abs=1e-7)


def test_stochastic_weights_equal_repeated_rows_in_one_full_batch():
    X, y = make_survival_data(n_samples=200, random_state=0)
    reps = np.random.RandomState(0).randint(1, 4, size=200)
    kw = dict(hidden_layer_sizes=(8,), dropout=0.0, batch_size=1000, shuffle=True,
              max_iter=20, learning_rate_init=0.01, random_state=0, device="cpu")
    with pytest.warns(UserWarning, match="batch_size"):
        weighted = DeepSurv(**kw).fit(X, y, sample_weight=reps)
        repeated = DeepSurv(**kw).fit(np.repeat(X, reps, axis=0), np.repeat(y, reps))
    # one batch: Breslow's weighted likelihood is the repeated rows' likelihood
    # (measured differences 2.4e-7 in the risk scores, 8e-8 in the baseline)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), atol=1e-5)
    np.testing.assert_allclose(weighted.cum_baseline_hazard_.y,
                               repeated.cum_baseline_hazard_.y, rtol=1e-4)


@pytest.mark.parametrize("seed", [0, 1])
def test_stochastic_weights_travel_with_their_rows(seed):
    X, y = make_survival_data(n_samples=200, random_state=0)
    # a mirrored copy of the data (risk reversed) with weight 0: mini-batches mix both
    # copies, and only weights that follow their rows through the shuffle ignore it
    X2, y2 = np.vstack([X, -X]), np.concatenate([y, y])
    w = np.r_[np.ones(200), np.zeros(200)]
    model = DeepSurv(hidden_layer_sizes=(), batch_size=40, max_iter=20,
                     learning_rate_init=0.02, random_state=seed, device="cpu")
    model.fit(X2, y2, sample_weight=w)
    cph = CoxPHSurvivalAnalysis().fit(X, y)
    # measured: 0.650-0.653 against CoxPH's 0.653; misaligned weights give 0.43-0.63
    assert model.score(X, y) > cph.score(X, y) - 0.01
    np.testing.assert_allclose(model.coef_, cph.coef_, atol=0.1)


def test_early_stopping_split_without_events_is_refused():
    X, y = make_survival_data(n_samples=100, random_state=0)
    event = np.zeros(100, dtype=bool)
    event[:1] = True  # a single event: it cannot be in both splits
    y = Surv.from_arrays(event, y["time"])
    model = DeepSurv(early_stopping=True, validation_fraction=0.2, random_state=0)
    with pytest.raises(ValueError, match="validation split has no events"):
        for seed in range(20):  # some seed puts the event in the training part
            model.set_params(random_state=seed).fit(X, y)


def test_efron_and_breslow_differ_only_with_ties():
    X, y = make_survival_data(n_samples=150, random_state=0)
    tied = Surv.from_arrays(y["event"], np.ceil(y["time"]))
    fits = {t: _linear(ties=t).fit(X, tied).coef_ for t in ("breslow", "efron")}
    assert not np.allclose(fits["breslow"], fits["efron"], atol=1e-3)
    fits = {t: _linear(ties=t).fit(X, y).coef_ for t in ("breslow", "efron")}
    np.testing.assert_allclose(fits["breslow"], fits["efron"], atol=1e-5)
