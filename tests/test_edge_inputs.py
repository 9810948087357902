"""Bad and edge inputs across every public estimator (``tests/_all_estimators.py``).

Each case asserts a ``ValueError``/``TypeError`` whose message names the
problem, or finite output of the right shape; nothing the user passed is ever
modified.  Tiny data and three epochs keep the sweep fast.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sksurv.util import Surv

from skdeep import RNNClassifier, RNNRegressor

from ._all_estimators import ESTIMATORS, IDS, fit_data, kind, target

each = pytest.mark.parametrize("name, factory", ESTIMATORS, ids=IDS)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _predictions(est, X):
    """Every prediction method's output on ``X``, as float arrays."""
    outs = [np.asarray(est.predict(X), dtype=float)]
    if hasattr(est, "predict_proba"):
        outs.append(est.predict_proba(X))
    if kind(est) == "survival":
        outs.append(est.predict_survival_function(X, return_array=True))
    return outs


def _assert_finite_predictions(est, X):
    for out in _predictions(est, X):
        assert out.shape[0] == X.shape[0]
        assert np.all(np.isfinite(out))


# ------------------------------------------------------------------ X values
@each
@pytest.mark.parametrize("bad, match", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_X_is_refused_at_fit_and_predict(name, factory, bad, match):
    X, y = fit_data(name)
    X_bad = X.copy()
    X_bad[3, 1] = bad
    with pytest.raises(ValueError, match=match):
        factory().fit(X_bad, y)
    est = factory().fit(X, y)
    with pytest.raises(ValueError, match=match):
        est.predict(X_bad)


@each
def test_values_beyond_float32_are_refused_by_a_float32_model(name, factory):
    # 1e39 is finite in float64 but infinite in float32: it used to give NaN predictions.
    X, y = fit_data(name)
    X_big = X.copy()
    X_big[5, 2] = 1e39
    est = factory().fit(X.astype(np.float32), y)
    with pytest.raises(ValueError, match=r"1e\+39 at row 5.*dtype='float64'"):
        est.predict(X_big)
    with pytest.raises(ValueError, match=r"beyond the largest float32.*Scale the data"):
        factory().set_params(dtype="float32").fit(X_big, y)
    # a float64 model (the default for float64 data) takes the value
    _assert_finite_predictions(factory().fit(X, y), X)


@each
def test_empty_input_is_refused(name, factory):
    X, y = fit_data(name)
    with pytest.raises(ValueError, match="0 sample"):
        factory().fit(X[:0], y[:0])
    est = factory().fit(X, y)
    with pytest.raises(ValueError, match="0 sample"):
        est.predict(X[:0])


@each
def test_one_dimensional_X_is_refused(name, factory):
    X, y = fit_data(name)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        factory().fit(X[:, 0], y)


@each
def test_feature_count_must_match_at_predict(name, factory):
    X, y = fit_data(name)
    est = factory().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


# ------------------------------------------------------------------ batch norm
@each
def test_batch_norm_with_a_single_row_tail_batch_trains(name, factory):
    # 49 rows in batches of 16 leave a last batch of one row: it is merged into the previous.
    X, y = fit_data(name, n_samples=49)
    est = factory().set_params(batch_norm=True, batch_size=16).fit(X, y)
    _assert_finite_predictions(est, X)


@each
def test_batch_norm_with_one_training_row_is_refused(name, factory):
    X, y = fit_data(name, n_samples=1)
    with pytest.raises(ValueError, match="batch_norm=True needs at least 2 training samples"):
        factory().set_params(batch_norm=True).fit(X, y)


# ------------------------------------------------------------------ sample weights
@each
def test_negative_sample_weights_are_refused(name, factory):
    X, y = fit_data(name)
    w = np.ones(len(X))
    w[7] = -0.5
    with pytest.raises(ValueError, match=r"Negative values in sample_weight.*-0\.5"):
        factory().fit(X, y, sample_weight=w)


@each
def test_all_zero_sample_weights_are_refused(name, factory):
    X, y = fit_data(name)
    with pytest.raises(ValueError, match="at least one non-zero"):
        factory().fit(X, y, sample_weight=np.zeros(len(X)))


@each
def test_mostly_zero_weights_train_without_divergence(name, factory):
    # 6 of 48 weights non-zero with batches of 4: most batches weigh zero. They
    # contribute no gradient; they used to be 0/0 and a misleading DivergenceError.
    X, y = fit_data(name, n_samples=48)
    w = np.zeros(48)
    w[[0, 1, 10, 20, 30, 40]] = 1.0
    est = factory().set_params(batch_size=4, alpha=0.01).fit(X, y, sample_weight=w)
    assert np.isfinite(est.loss_)
    _assert_finite_predictions(est, X)


# (survival models fit data-dependent time grids and scales on every row, weighted or not)
@pytest.mark.parametrize("name, factory", ESTIMATORS[:6], ids=IDS[:6])
def test_zero_weight_rows_are_the_same_as_dropped_rows_in_one_batch(name, factory):
    # One full batch, so no batch composition effect: weight 0 must mean "not there".
    X, y = fit_data(name, n_samples=30)
    keep = np.arange(30) % 3 != 0
    w = keep.astype(float)
    params = dict(batch_size=64, shuffle=False)
    weighted = factory().set_params(**params).fit(X, y, sample_weight=w)
    dropped = factory().set_params(**params).fit(X[keep], y[keep])
    np.testing.assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ targets
@each
def test_inputs_are_never_modified(name, factory):
    X, y = fit_data(name)
    w = np.linspace(0.5, 2.0, len(X))
    X0, y0, w0 = X.copy(), y.copy(), w.copy()
    est = factory().fit(X, y, sample_weight=w)
    _predictions(est, X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(w, w0)


@each
def test_missing_or_misshapen_y_is_refused(name, factory):
    X, y = fit_data(name)
    with pytest.raises(ValueError, match="requires y to be passed"):
        factory().fit(X, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        factory().fit(X, y[:-3])


@pytest.mark.parametrize("name, factory", [e for e in ESTIMATORS if "Classifier" in e[0]],
                         ids=[i for i in IDS if "Classifier" in i])
def test_none_inside_a_classifier_target_is_refused(name, factory):
    X, y = fit_data(name)
    y = y.astype(object)
    y[4] = None
    with pytest.raises(ValueError, match=r"y contains None .*flat index 4"):
        factory().fit(X, y)


@pytest.mark.parametrize("name, factory", [e for e in ESTIMATORS if "Regressor" in e[0]],
                         ids=[i for i in IDS if "Regressor" in i])
def test_regression_target_beyond_float32_is_refused_by_a_float32_model(name, factory):
    X, y = fit_data(name)
    y = y.copy()
    y[2] = 1e39
    with pytest.raises(ValueError, match=r"^y holds 1e\+39 at row 2"):
        factory().fit(X.astype(np.float32), y)


SURVIVAL = [e for e in ESTIMATORS if kind(e[1]()) == "survival"]
SURVIVAL_IDS = [e[0] for e in SURVIVAL]


@pytest.mark.parametrize("name, factory", SURVIVAL, ids=SURVIVAL_IDS)
def test_bad_survival_targets_are_refused(name, factory):
    X, y = fit_data(name)
    event, time = y["event"], y["time"]
    with pytest.raises(TypeError, match="structured array"):
        factory().fit(X, time)
    bad = time.copy()
    bad[3] = -1.0
    with pytest.raises(ValueError, match="negative times"):
        factory().fit(X, Surv.from_arrays(event, bad))
    bad[3] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        factory().fit(X, Surv.from_arrays(event, bad))
    with pytest.raises(ValueError, match="no events"):
        factory().fit(X, Surv.from_arrays(np.zeros(len(X), bool), time))


# ------------------------------------------------------------------ hyperparameters
@each
@pytest.mark.parametrize(
    "param, value",
    [
        ("hidden_layer_sizes", 0),
        ("learning_rate_init", -1.0),
        ("batch_size", 0),
        ("max_iter", 0),
        ("alpha", -0.1),
        ("dropout", 1.0),
        ("dtype", "float16"),
        ("solver", "newton"),
    ],
)
def test_bad_hyperparameters_are_refused_before_training(name, factory, param, value):
    X, y = fit_data(name)
    est = factory().set_params(**{param: value})
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        est.fit(X, y)
    assert not hasattr(est, "net_")


# ------------------------------------------------------------------ sequences
@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize("shape", [(6, 5, 0), (6, 0, 2)])
def test_rnn_needs_a_step_and_a_feature(Est, shape):
    y = target(Est(), np.random.RandomState(0).normal(size=(6, 2)))
    with pytest.raises(ValueError, match="at least one step and at least one feature"):
        Est(max_iter=1, device="cpu").fit(np.zeros(shape), y)


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_ragged_float32_sequences_beyond_float32_are_refused(Est):
    # NaN pads variable-length sequences internally; it must not trip the range check,
    # but a real 1e39 must.
    rng = np.random.RandomState(0)
    seqs = [rng.normal(size=(rng.randint(2, 6), 2)).astype(np.float32) for _ in range(20)]
    y = target(Est(), rng.normal(size=(20, 2)))
    est = Est(hidden_size=4, max_iter=2, random_state=0, device="cpu").fit(seqs, y)
    assert np.all(np.isfinite(est.predict(seqs)))
    big = [s.astype(np.float64) for s in seqs]
    big[3][1, 0] = 1e39
    with pytest.raises(ValueError, match="beyond the largest float32"):
        est.predict(big)
