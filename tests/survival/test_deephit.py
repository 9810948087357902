"""DeepHit: loss against pycox, single-event quality, competing risks, bad input."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sksurv.functions import StepFunction
from sksurv.util import Surv

from skdeep.survival import DeepHit
from skdeep.survival._discrete_losses import DeepHitLoss, PMFLoss

from ._survival_quality import baselines, ibs_times, integrated_brier, whas500_split

PYCOX = "pycox==0.3.0 is in the test extra (pip install -e .[test]); these cross-checks need it"
FAST = dict(hidden_layer_sizes=(32,), n_durations=10, max_iter=20,
            learning_rate_init=0.01, device="cpu")


def competing_risks_data(n=600, seed=0):
    """Exponential cause-specific hazards 0.1 e^{x0} (cause 1) and 0.1 e^{x1} (cause 2).

    Returns X, a structured y with an int64 ``event`` field (0 = censored) and
    the true cumulative-incidence function ``cif(k, t, X)``.
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    rates = 0.1 * np.exp(X[:, :2])
    t_cause = rng.exponential(1 / rates)
    censor = rng.exponential(20.0, size=n)
    time = np.minimum(t_cause.min(1), censor)
    event = np.where(censor < t_cause.min(1), 0, t_cause.argmin(1) + 1)
    y = np.empty(n, dtype=[("event", np.int64), ("time", np.float64)])
    y["event"], y["time"] = event, time

    def cif(k, t, X):
        lam = 0.1 * np.exp(X[:, :2])
        total = lam.sum(1, keepdims=True)
        return lam[:, [k - 1]] / total * (1 - np.exp(-total * np.asarray(t)[None, :]))

    return X, y, cif


@pytest.fixture(scope="module")
def cr_model():
    X, y, cif = competing_risks_data()
    model = DeepHit(random_state=0, **dict(FAST, max_iter=40)).fit(X[:450], y[:450])
    return model, X[450:], y[450:], cif


# ------------------------------------------------------------------ loss
def _random(n=64, m=12, causes=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    phi = torch.randn(n, causes * m, generator=g)
    index = torch.randint(0, m, (n,), generator=g)
    event = torch.randint(0, causes + 1, (n,), generator=g)
    return phi, index, event


@pytest.mark.parametrize("ranking_weight, sigma", [(0.0, 0.1), (0.8, 0.1), (0.5, 0.5)])
def test_single_risk_loss_matches_pycox(ranking_weight, sigma):
    loss = pytest.importorskip("pycox.models.loss", reason=PYCOX)
    data = pytest.importorskip("pycox.models.data", reason=PYCOX)
    phi, index, event = _random()
    rank_mat = torch.tensor(data.pair_rank_mat(index.numpy(), event.numpy()))
    expected = loss.DeepHitSingleLoss(1 - ranking_weight, sigma)(phi, index, event.float(),
                                                                 rank_mat)
    got = DeepHitLoss(ranking_weight, sigma)(phi, (index, event))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("ranking_weight", [0.0, 0.7])
def test_competing_risks_loss_matches_pycox(ranking_weight):
    loss = pytest.importorskip("pycox.models.loss", reason=PYCOX)
    data = pytest.importorskip("pycox.models.data", reason=PYCOX)
    phi, index, event = _random(causes=3)
    rank_mat = torch.tensor(data.pair_rank_mat(index.numpy(), event.numpy()))
    expected = loss.DeepHitLoss(1 - ranking_weight, 0.3)(phi.view(64, 3, 12), index, event,
                                                         rank_mat)
    got = DeepHitLoss(ranking_weight, 0.3, n_causes=3)(phi, (index, event))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_loss_weights_and_batches_without_events():
    phi, index, event = _random(causes=2)
    assert torch.allclose(DeepHitLoss(0.0, n_causes=2)(phi, (index, event)),
                          PMFLoss(n_causes=2)(phi, (index, event)))
    loss = DeepHitLoss(0.5, 0.1, n_causes=2)
    torch.testing.assert_close(loss(phi, (index, event), torch.ones(64)),
                               loss(phi, (index, event)))
    phi = (40 * phi).requires_grad_(True)
    value = loss(phi, (index, torch.zeros_like(event)))
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(phi.grad).all()


# ------------------------------------------------------------------ single event
def test_single_event_quality_against_coxph_and_kaplan_meier():
    X_train, X_test, y_train, y_test = whas500_split()
    times = ibs_times(y_train, y_test)
    base = baselines(X_train, X_test, y_train, y_test, times)
    model = make_pipeline(StandardScaler(), DeepHit(random_state=0, **FAST))
    model.fit(X_train, y_train)
    cindex = model.score(X_test, y_test)
    ibs = integrated_brier(model, X_test, y_train, y_test, times)
    assert cindex >= base["coxph"][0] - 0.02, (cindex, base["coxph"])
    assert ibs < base["km"], (ibs, base["km"])
    surv = model.predict_survival_function(X_test, return_array=True)
    assert np.all((surv >= 0) & (surv <= 1)) and np.all(np.diff(surv, axis=1) <= 1e-12)
    cif = model[-1].predict_cumulative_incidence(model[:-1].transform(X_test), return_array=True)
    assert cif.shape == (len(X_test), 1, surv.shape[1])
    np.testing.assert_allclose(1 - cif[:, 0], surv, atol=1e-9)


# ------------------------------------------------------------------ competing risks
def test_cumulative_incidences_are_consistent(cr_model):
    model, X, _, _ = cr_model
    assert model.n_causes_ == 2 and model.n_outputs_ == 2 * len(model.cuts_)
    cif = model.predict_cumulative_incidence(X, return_array=True)
    assert cif.shape == (len(X), 2, len(model.unique_times_))
    assert np.all(cif >= 0) and np.all(cif.sum(1) <= 1 + 1e-9)
    assert np.all(np.diff(cif, axis=2) >= -1e-12)
    surv = model.predict_survival_function(X, return_array=True)
    np.testing.assert_allclose(surv, 1 - cif.sum(1), atol=1e-9)
    funcs = model.predict_cumulative_incidence(X[:3])
    assert funcs.shape == (3, 2) and isinstance(funcs[0, 1], StepFunction)
    np.testing.assert_allclose(funcs[2, 1](model.unique_times_), cif[2, 1])


def test_competing_risks_ranks_the_true_high_risk_groups(cr_model):
    model, X, y, true_cif = cr_model
    t = np.array([np.median(y["time"])])
    cif = model.predict_cumulative_incidence(X)
    for k in (1, 2):
        at_t = np.array([f(t[0]) for f in cif[:, k - 1]])
        high, low = X[:, k - 1] > 0.5, X[:, k - 1] < -0.5
        assert at_t[high].mean() > at_t[low].mean() + 0.1
        # Close to the true incidence on average.
        assert np.abs(at_t - true_cif(k, t, X)[:, 0]).mean() < 0.1
    risk = model.predict(X)
    overall_high = X[:, :2].sum(1) > 1
    overall_low = X[:, :2].sum(1) < -1
    assert risk[overall_high].mean() > risk[overall_low].mean()
    assert model.score(X, y) > 0.65


def test_score_accepts_test_folds_missing_a_cause(cr_model):
    model, X, y, _ = cr_model
    y_no_two = y.copy()
    y_no_two["event"][y_no_two["event"] == 2] = 0
    assert 0.5 < model.score(X, y_no_two) <= 1


def test_clone_pickle_reproducibility_competing_risks():
    X, y, _ = competing_risks_data(n=200)
    model = DeepHit(random_state=5, **FAST)
    first, second = clone(model).fit(X, y), clone(model).fit(X, y)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    restored = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(
        restored.predict_cumulative_incidence(X, return_array=True),
        first.predict_cumulative_incidence(X, return_array=True))
    y_copy = y.copy()
    DeepHit(**FAST).fit(X, y)
    np.testing.assert_array_equal(y, y_copy)


def test_warm_start_refuses_a_new_cause():
    X, y, _ = competing_risks_data(n=200)
    model = DeepHit(warm_start=True, **dict(FAST, max_iter=2))
    y_one = y.copy()
    y_one["event"][y_one["event"] == 2] = 0
    model.fit(X, y_one)
    assert model.n_causes_ == 1
    with pytest.raises(ValueError, match="fitted with 1 cause"):
        model.fit(X, y)


# ------------------------------------------------------------------ bad input
def _with_codes(codes, n=200):
    X, y, _ = competing_risks_data(n=n)
    y = y.copy()
    y["event"] = np.resize(codes, n)
    return X, y


@pytest.mark.parametrize("codes, match", [
    ([0, 1, -1], "negative"),
    ([0, 1, 3], "leave out \\[2\\]"),
    ([0, 0], "no events"),
])
def test_bad_event_codes_fail_before_training(codes, match):
    X, y = _with_codes(codes)
    model = DeepHit(**FAST)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
    assert not hasattr(model, "net_")


def test_other_bad_input_fails_before_training():
    X, y, _ = competing_risks_data(n=100)
    float_event = np.empty(100, dtype=[("event", float), ("time", float)])
    float_event["event"], float_event["time"] = y["event"], y["time"]
    bad_time = y.copy()
    bad_time["time"][0] = -1.0
    for model, target, match in [
        (DeepHit(), float_event, "boolean"),
        (DeepHit(), bad_time, "negative"),
        (DeepHit(n_durations=1), y, "n_durations"),
        (DeepHit(ranking_weight=1.5), y, "ranking_weight"),
        (DeepHit(sigma=0), y, "sigma"),
        (DeepHit(interpolation="constant_hazard"), y, "interpolation"),
    ]:
        with pytest.raises(ValueError, match=match):
            model.fit(X, target)
        assert not hasattr(model, "net_")
    single = Surv.from_arrays(y["event"] > 0, y["time"])
    assert DeepHit(**dict(FAST, max_iter=2)).fit(X, single).n_causes_ == 1
