"""LogisticHazard, PMF, NMTLR and PCHazard: losses, time grid, quality, conventions."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sksurv.metrics import as_integrated_brier_score_scorer, integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator
from sksurv.util import Surv

from skdeep.survival import NMTLR, PMF, DeepHit, LogisticHazard, PCHazard
from skdeep.survival._discrete_losses import (
    LogisticHazardLoss,
    MTLRLoss,
    PCHazardLoss,
    PMFLoss,
)
from skdeep.survival._discretize import (
    discrete_labels,
    km_scale,
    make_cuts,
    piecewise_labels,
    survival_at,
)

from ._survival_quality import baselines, ibs_times, integrated_brier, whas500_split

PYCOX = "pycox==0.3.0 is in the test extra (pip install -e .[test]); these cross-checks need it"
MODELS = [LogisticHazard, PMF, NMTLR, PCHazard]
FAST = dict(hidden_layer_sizes=(32,), n_durations=10, max_iter=20,
            learning_rate_init=0.01, device="cpu")


@pytest.fixture(scope="module")
def whas():
    X_train, X_test, y_train, y_test = whas500_split()
    times = ibs_times(y_train, y_test)
    return X_train, X_test, y_train, y_test, times, baselines(
        X_train, X_test, y_train, y_test, times)


def _random_targets(n=64, m=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    phi = torch.randn(n, m, generator=g)
    index = torch.randint(0, m, (n,), generator=g)
    event = (torch.rand(n, generator=g) < 0.5).long()
    fraction = torch.rand(n, generator=g)
    return phi, index, event, fraction


# ------------------------------------------------------------------ losses
@pytest.mark.parametrize("ours, theirs", [
    (LogisticHazardLoss, "nll_logistic_hazard"),
    (PMFLoss, "nll_pmf"),
    (MTLRLoss, "nll_mtlr"),
])
def test_losses_match_pycox(ours, theirs):
    loss = pytest.importorskip("pycox.models.loss", reason=PYCOX)
    phi, index, event, _ = _random_targets()
    expected = getattr(loss, theirs)(phi, index, event.float(), reduction="none")
    got = ours().per_sample(phi, (index, event))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(ours()(phi, (index, event)), expected.mean(),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("ours, theirs", [
    (LogisticHazardLoss, "nll_logistic_hazard"),
    (PMFLoss, "nll_pmf"),
    (MTLRLoss, "nll_mtlr"),
])
def test_rho_zero_is_pycox_censoring_at_the_previous_grid_point(ours, theirs):
    # (index k, censored, rho = 0) is pycox's label (k - 1, censored); rho = 1
    # is censoring at grid point k itself; rho in between interpolates.
    loss = pytest.importorskip("pycox.models.loss")
    phi, index, _, _ = _random_targets()
    index = index.clamp_min(1)
    censored = torch.zeros_like(index)
    zero = torch.zeros(len(index))
    expected = getattr(loss, theirs)(phi, index - 1, censored.float(), reduction="none")
    got = ours().per_sample(phi, (index, censored, zero))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)
    at_k = ours().per_sample(phi, (index, censored, zero + 1))
    half = ours().per_sample(phi, (index, censored, zero + 0.5))
    assert torch.all(at_k >= got - 1e-6)  # surviving longer is less likely
    assert torch.all((half >= got - 1e-6) & (half <= at_k + 1e-6))


def test_pc_hazard_loss_matches_pycox():
    loss = pytest.importorskip("pycox.models.loss", reason=PYCOX)
    phi, index, event, fraction = _random_targets()
    expected = loss.nll_pc_hazard_loss(phi, index, event.float(), fraction, reduction="none")
    got = PCHazardLoss().per_sample(phi, (index, event, fraction))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("loss", [LogisticHazardLoss(), PMFLoss(), MTLRLoss(), PCHazardLoss()])
def test_losses_weighted_mean_and_no_event_batches(loss):
    phi, index, event, fraction = _random_targets()
    target = (index, event, fraction)
    w = torch.rand(phi.shape[0]) + 0.1
    per = loss.per_sample(phi, target)
    torch.testing.assert_close(loss(phi, target, w), (per * w).sum() / w.sum())
    # Integer weights equal repeated rows.
    reps = torch.randint(1, 4, (phi.shape[0],))
    rows = torch.repeat_interleave(torch.arange(phi.shape[0]), reps)
    repeated = loss(phi[rows], tuple(t[rows] for t in target))
    torch.testing.assert_close(loss(phi, target, reps.float()), repeated)
    # A batch without events, with extreme logits: finite value and gradient.
    phi = (50 * phi).requires_grad_(True)
    value = loss(phi, (index, torch.zeros_like(event), fraction))
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(phi.grad).all()


# ------------------------------------------------------------------ time grid
@pytest.mark.parametrize("scheme", ["quantiles", "equidistant"])
def test_cuts_and_labels_match_pycox(scheme):
    lt = pytest.importorskip("pycox.preprocessing.label_transforms", reason=PYCOX)
    rng = np.random.RandomState(0)
    time = rng.exponential(5, size=300).round(2)
    event = rng.rand(300) < 0.6
    cuts = make_cuts(time, event, 10, scheme)
    pycox_disc = lt.LabTransDiscreteTime(10, scheme=scheme)
    pycox_disc.fit(time, event.astype("float32"))
    np.testing.assert_allclose(cuts, pycox_disc.cuts)
    index, ev, frac = discrete_labels(time, event, cuts, km=km_scale(time, event))
    p_index, p_event = pycox_disc.transform(time, event.astype("float32"))
    # Events, and censoring exactly at a grid point, get pycox's labels.
    same = event | np.isin(time, cuts)
    np.testing.assert_array_equal(index[same], p_index[same])
    np.testing.assert_array_equal(ev, p_event)
    assert np.all(frac[same] == 1)
    # pycox moves a censoring time inside an interval down to the interval's
    # start; here it stays in its interval, at risk for the part rho it lived.
    inside = ~same
    assert inside.sum() > 50
    np.testing.assert_array_equal(index[inside], p_index[inside] + 1)
    assert np.all((frac[inside] >= 0) & (frac[inside] <= 1)) and frac[inside].mean() < 0.9

    pch = lt.LabTransPCHazard(10, scheme=scheme)
    pch.fit(time, event.astype("float32"))
    cuts = make_cuts(time, event, 11, scheme)
    np.testing.assert_allclose(cuts, pch.cuts)
    index, ev, frac = piecewise_labels(time, event, cuts)
    p_index, p_event, p_frac = pch.transform(time, event.astype("float32"))
    np.testing.assert_array_equal(index, p_index)
    np.testing.assert_array_equal(ev, p_event)
    np.testing.assert_allclose(frac, p_frac, atol=1e-6)


@pytest.mark.parametrize("Model", MODELS)
def test_cuts_equidistant_and_quantiles(whas, Model):
    X, _, y, *_ = whas
    time, event = y["lenfol"], y["fstat"]
    extra = int(Model is PCHazard)
    eq = Model(scheme="equidistant", n_durations=8, max_iter=1, device="cpu").fit(X, y)
    np.testing.assert_allclose(eq.cuts_, np.linspace(0, time.max(), 8 + extra))
    assert eq.n_outputs_ == 8

    qu = Model(scheme="quantiles", n_durations=8, max_iter=1, device="cpu").fit(X, y)
    cuts = qu.cuts_
    assert cuts[0] == 0 and cuts[-1] == time.max() and np.all(np.diff(cuts) > 0)
    assert len(cuts) == 8 + extra
    # The Kaplan-Meier curve drops by about the same amount over each interval
    # (where enough samples are at risk for it to move smoothly).
    km_t, km_s = kaplan_meier_estimator(event, time)
    km = np.r_[1.0, km_s[np.searchsorted(km_t, cuts[1:], side="right") - 1]]
    step = (1.0 - km_s.min()) / (len(cuts) - 1)
    np.testing.assert_allclose(-np.diff(km)[:3], step, rtol=0.1)


def test_quantile_cuts_warn_when_tied_times_merge_points():
    time = np.repeat([1.0, 2.0, 3.0], 20)
    with pytest.warns(UserWarning, match="distinct points"):
        cuts = make_cuts(time, np.ones(60, bool), 10, "quantiles")
    np.testing.assert_array_equal(cuts, [0.0, 1.0, 2.0, 3.0])


def test_labels_events_and_censorings_stay_in_their_interval():
    cuts = np.array([0.0, 1.0, 2.0, 4.0])
    time = np.array([0.0, 0.5, 0.5, 2.0, 3.0, 3.0, 9.0, 2.0])
    event = np.array([1, 1, 0, 1, 1, 0, 1, 0])
    index, ev, frac = discrete_labels(time, event, cuts)
    np.testing.assert_array_equal(index, [0, 1, 1, 2, 3, 3, 3, 2])
    np.testing.assert_array_equal(ev, [1, 1, 0, 1, 1, 0, 0, 0])  # beyond the grid: censored
    # without a Kaplan-Meier curve: the share of the interval's length
    np.testing.assert_allclose(frac, [1, 1, 0.5, 1, 1, 0.5, 1, 1])
    # on the Kaplan-Meier scale: the share of the interval's drop
    km = (np.array([0.5, 1.5]), np.array([0.8, 0.4]))
    _, _, frac = discrete_labels(np.array([0.7, 1.2, 1.5]), np.zeros(3), cuts, km,
                                 scale="survival")
    np.testing.assert_allclose(frac, [1.0, 0.0, 1.0])
    _, _, frac = discrete_labels(np.array([0.2]), np.zeros(1), cuts,
                                 (np.array([0.1, 0.5]), np.array([0.9, 0.6])), scale="hazard")
    np.testing.assert_allclose(frac, [np.log(0.9) / np.log(0.6)], rtol=1e-6)
    index, ev, frac = piecewise_labels(time, event, cuts)
    np.testing.assert_array_equal(index, [0, 0, 0, 1, 2, 2, 2, 1])
    np.testing.assert_allclose(frac, [0, 0.5, 0.5, 1, 0.5, 0.5, 1, 1])


def test_interpolation_schemes():
    knots = np.array([0.0, 1.0, 3.0])
    s = np.array([[1.0, 0.5, 0.125]])
    times = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(survival_at(times, knots, s, "step")[0],
                               [1, 1, 0.5, 0.5, 0.125, 0.125])
    np.testing.assert_allclose(survival_at(times, knots, s, "constant_density")[0],
                               [1, 0.75, 0.5, 0.3125, 0.125, 0.125])
    np.testing.assert_allclose(survival_at(times, knots, s, "constant_hazard")[0],
                               [1, 0.5 ** 0.5, 0.5, 0.25, 0.125, 0.125])


# ------------------------------------------------------------------ quality
@pytest.mark.parametrize("Model", MODELS)
def test_quality_against_coxph_and_kaplan_meier(whas, Model):
    X_train, X_test, y_train, y_test, times, base = whas
    model = make_pipeline(StandardScaler(), Model(random_state=0, **FAST))
    model.fit(X_train, y_train)
    cindex = model.score(X_test, y_test)
    ibs = integrated_brier(model, X_test, y_train, y_test, times)
    cox_c, cox_ibs = base["coxph"]
    assert cindex >= cox_c - 0.02, (cindex, cox_c)
    assert ibs < base["km"], (ibs, base["km"])


@pytest.mark.parametrize("Model", MODELS)
@pytest.mark.parametrize("interpolation", ["step", "constant_density", "constant_hazard"])
def test_survival_functions_are_monotone_probabilities(whas, Model, interpolation):
    X, _, y, *_ = whas
    model = make_pipeline(StandardScaler(), Model(interpolation=interpolation, random_state=0,
                                                  **FAST)).fit(X, y)
    surv = model.predict_survival_function(X[:30], return_array=True)
    assert surv.shape == (30, len(model[-1].unique_times_))
    assert np.all((surv >= 0) & (surv <= 1))
    assert np.all(np.diff(surv, axis=1) <= 1e-12)
    chf = model.predict_cumulative_hazard_function(X[:30], return_array=True)
    assert np.all(np.diff(chf, axis=1) >= -1e-12)
    funcs = model.predict_survival_function(X[:3])
    np.testing.assert_allclose(funcs[0](model[-1].unique_times_), surv[0])
    np.testing.assert_array_equal(model[-1].unique_times_, np.unique(y["lenfol"]))


def test_hazard_and_pmf_agree_with_survival(whas):
    X, _, y, *_ = whas
    X = StandardScaler().fit_transform(X)
    kw = dict(FAST, interpolation="step", random_state=0)
    lh = LogisticHazard(**kw).fit(X, y)
    at_cuts = lh.cuts_[1:]
    surv = survival_at(at_cuts, lh.unique_times_,
                       lh.predict_survival_function(X[:5], return_array=True), "step")
    np.testing.assert_allclose(surv, np.cumprod(1 - lh.predict_hazard(X[:5]), 1)[:, 1:],
                               atol=1e-6)
    pmf = PMF(**kw).fit(X, y)
    p = pmf.predict_pmf(X[:5])
    assert np.all(p >= 0) and np.all(p.sum(1) <= 1 + 1e-9)
    pch = PCHazard(**kw).fit(X, y)
    assert pch.predict_hazard(X[:5]).shape == (5, len(pch.cuts_) - 1)


# ------------------------------------------------------------------ conventions
@pytest.mark.parametrize("Model", MODELS)
def test_clone_pickle_and_reproducibility(whas, Model):
    X, X_test, y, *_ = whas
    model = Model(random_state=3, **FAST)
    first = clone(model).fit(X, y)
    second = clone(model).fit(X, y)
    np.testing.assert_array_equal(first.predict(X_test), second.predict(X_test))
    restored = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(restored.predict(X_test), first.predict(X_test))
    np.testing.assert_array_equal(
        restored.predict_survival_function(X_test, return_array=True),
        first.predict_survival_function(X_test, return_array=True))
    assert clone(first).get_params() == model.get_params()
    assert not hasattr(clone(first), "cuts_")


def test_early_stopping_and_lbfgs(whas):
    X, X_test, y, y_test, *_ = whas
    X = StandardScaler().fit(X).transform(X)
    model = LogisticHazard(random_state=0, early_stopping=True, n_iter_no_change=3,
                           **dict(FAST, max_iter=100)).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_ < 100
    assert model.best_validation_score_ == max(model.validation_scores_)
    lbfgs = PMF(solver="lbfgs", random_state=0, **dict(FAST, max_iter=50))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lbfgs.fit(X, y)
    assert np.isfinite(lbfgs.predict(X)).all()


def test_cross_val_score_with_brier_scorer_on_all_folds(whas):
    X, _, y, *_ = whas
    times = np.percentile(y["lenfol"], [10, 30, 50, 70, 85])
    scorer = as_integrated_brier_score_scorer(
        make_pipeline(StandardScaler(), NMTLR(random_state=0, **FAST)), times=times)
    # sksurv's censoring estimator needs every test time inside the training
    # range, so the samples with the largest time always stay in training.
    last = np.flatnonzero(y["lenfol"] == y["lenfol"].max())
    rest = np.setdiff1d(np.arange(len(y)), last)
    cv = [(np.r_[rest[tr], last], rest[te])
          for tr, te in KFold(3, shuffle=True, random_state=0).split(rest)]
    scores = cross_val_score(scorer, X, y, cv=cv)
    # each fold scores minus the IBS of the model fitted alone on the fold, which beats
    # the fold's Kaplan-Meier curve
    for (train, test), score in zip(cv, scores):
        model = make_pipeline(StandardScaler(), NMTLR(random_state=0, **FAST)).fit(X[train],
                                                                                 y[train])
        ibs = integrated_brier(model, X[test], y[train], y[test], times)
        assert score == pytest.approx(-ibs, rel=1e-9)
        km_t, km_s = kaplan_meier_estimator(y["fstat"][train], y["lenfol"][train])
        km = np.tile(km_s[np.searchsorted(km_t, times, side="right") - 1], (len(test), 1))
        assert ibs < integrated_brier_score(y[train], y[test], km, times)


def test_user_input_is_not_modified(whas):
    X, _, y, *_ = whas
    X_copy, y_copy = X.copy(), y.copy()
    PCHazard(random_state=0, **FAST).fit(X, y, sample_weight=np.ones(len(y)) * 2)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("Model", MODELS)
def test_bad_input_fails_before_training(whas, Model):
    X, _, y, *_ = whas
    cases = [
        (Model(n_durations=1), y, "n_durations"),
        (Model(scheme="log"), y, "scheme"),
        (Model(interpolation="cubic"), y, "interpolation"),
        (Model(), Surv.from_arrays(y["fstat"], -y["lenfol"]), "negative"),
        (Model(), Surv.from_arrays(np.zeros(len(y), bool), y["lenfol"]), "no events"),
    ]
    for model, target, match in cases:
        with pytest.raises(ValueError, match=match):
            model.fit(X, target)
        assert not hasattr(model, "net_")
    with pytest.raises(TypeError, match="structured array"):
        Model().fit(X, y["lenfol"])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Model().fit(X_nan, y)


@pytest.mark.parametrize("Model", MODELS)
def test_output_biases_start_at_the_marginal_model(whas, Model):
    X, _, y, *_ = whas
    model = Model(n_durations=10, max_iter=1, learning_rate_init=1e-12, random_state=0,
                  device="cpu").fit(X, y)
    bias = model.net_.module_.output.bias.detach().double().numpy()[None, :]
    start = model._knot_survival(bias)[0]
    event, time = y["fstat"], y["lenfol"]
    km_t, km_s = kaplan_meier_estimator(event, time)
    km = np.r_[1.0, km_s][np.searchsorted(km_t, model.cuts_, side="right")]
    if Model is PCHazard:
        # The piecewise-exponential fit of the exact times: close to Kaplan-Meier
        # wherever many samples are still at risk.
        np.testing.assert_allclose(start[km > 0.5], km[km > 0.5], atol=0.03)
    else:
        # The Kaplan-Meier estimate at every grid point.
        np.testing.assert_allclose(start, km, atol=0.02)


@pytest.mark.parametrize("Model", [LogisticHazard, PMF, NMTLR, DeepHit])
@pytest.mark.parametrize("n_durations", [10, 20])
def test_no_covariate_fit_reproduces_kaplan_meier_on_gbsg2(Model, n_durations):
    # pycox's labels (censoring moved down to the previous grid point) end at
    # 0.077 instead of Kaplan-Meier's 0.343 at the last grid point here.
    from sksurv.datasets import load_gbsg2

    _, y = load_gbsg2()
    event, time = y["cens"], y["time"]
    model = Model(n_durations=n_durations, max_iter=30, learning_rate_init=0.01,
                  random_state=0, device="cpu").fit(np.zeros((len(y), 1)), y)
    surv = model.predict_survival_function(np.zeros((1, 1)))[0](model.cuts_)
    km_t, km_s = kaplan_meier_estimator(event, time)
    km = np.r_[1.0, km_s][np.searchsorted(km_t, model.cuts_, side="right")]
    np.testing.assert_allclose(surv, km, atol=0.02)
