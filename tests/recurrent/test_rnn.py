"""RNNClassifier / RNNRegressor: sequence layouts, packing, errors, tooling, quality."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor, RNNClassifier, RNNRegressor
from skdeep.datasets import make_adding_problem

from ..conftest import requires_cuda

SMALL = dict(hidden_size=8, max_iter=5, random_state=0, device="cpu")


@pytest.fixture(scope="module")
def ragged():
    rng = np.random.RandomState(0)
    seqs = [rng.normal(size=(rng.randint(2, 12), 3)) for _ in range(120)]
    y = np.array([int(s[:, 0].sum() > 0) for s in seqs])
    return seqs, y


def test_sequence_layouts_give_the_same_model():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5, 2))
    y = X[:, :, 0].sum(axis=1)
    three = RNNRegressor(**SMALL).fit(X, y)
    flat = RNNRegressor(sequence_shape=(5, 2), **SMALL).fit(X.reshape(60, -1), y)
    inferred = RNNRegressor(sequence_shape=(-1, 2), **SMALL).fit(X.reshape(60, -1), y)
    as_list = RNNRegressor(**SMALL).fit(list(X), y)
    assert three.sequence_shape_ == flat.sequence_shape_ == inferred.sequence_shape_ == (5, 2)
    assert three.n_features_in_ == 2 and flat.n_features_in_ == 10
    expected = three.predict(X)
    for est in (flat, inferred, as_list):
        np.testing.assert_allclose(est.predict(X), expected, rtol=1e-5, atol=1e-6)
    # a sequence fit predicts flat rows of steps, and sequences of other lengths
    np.testing.assert_allclose(three.predict(X.reshape(60, -1)), expected, rtol=1e-6)
    assert three.predict(X[:, :3]).shape == (60,)


def test_two_d_input_is_one_feature_per_step():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 7))
    y = (X.sum(axis=1) > 0).astype(int)
    clf = RNNClassifier(**SMALL).fit(X, y)
    assert clf.sequence_shape_ == (7, 1)
    assert clf.net_.module_.rnn.input_size == 1
    np.testing.assert_allclose(clf.predict_proba(X[:, :, None]), clf.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("params", [{}, {"cell": "gru", "bidirectional": True, "num_layers": 2}])
def test_variable_lengths_are_respected(ragged, params):
    seqs, y = ragged
    clf = RNNClassifier(**{**SMALL, **params}).fit(seqs, y)
    assert clf.sequence_shape_ == (None, 3)
    batch = clf.predict_proba(seqs)
    alone = np.vstack([clf.predict_proba(s[np.newaxis]) for s in seqs[:10]])
    np.testing.assert_allclose(batch[:10], alone, rtol=1e-5, atol=1e-6)
    # trailing zeros are steps, not padding: they change the prediction
    longer = np.vstack([seqs[0], np.zeros((4, 3))])[np.newaxis]
    assert not np.allclose(clf.predict_proba(longer), batch[:1])


def test_one_d_sequences_in_a_list():
    rng = np.random.RandomState(1)
    seqs = [rng.normal(size=rng.randint(3, 9)) for _ in range(40)]
    y = [s.sum() for s in seqs]
    reg = RNNRegressor(**SMALL).fit(seqs, y)
    assert reg.sequence_shape_ == (None, 1)
    assert reg.predict(seqs).shape == (40,)


@pytest.mark.parametrize(
    "X, params, match",
    [
        (np.zeros((6, 2, 3, 4)), {}, "got 4 dimensions"),
        ([np.zeros((3, 2)), np.zeros((4, 3))] * 3, {}, "same number of features"),
        ([np.zeros((3, 2)), np.zeros((0, 2))] * 3, {}, "Sequence 1 is empty"),
        ([np.zeros((3, 2, 1)), np.zeros((4, 2, 1))] * 3, {}, "sequence 0 has 3 dimensions"),
        ([np.zeros((3, 2)), np.full((4, 2), np.nan)] * 3, {}, "NaN"),
        (np.zeros((6, 10)), {"sequence_shape": (3, 4)}, "holds 12 values"),
        (np.zeros((6, 10)), {"sequence_shape": (-1, 4)}, "not a multiple of 4"),
        (np.zeros((6, 10)), {"sequence_shape": (10,)}, "sequence_shape must be"),
    ],
)
def test_bad_input_raises_before_training(X, params, match):
    clf = RNNClassifier(max_iter=1, device="cpu", **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, np.arange(len(X)) % 2)
    assert not hasattr(clf, "net_")


def test_bad_input_at_predict(ragged):
    seqs, y = ragged
    clf = RNNClassifier(**SMALL).fit(seqs, y)
    with pytest.raises(ValueError, match="2 features per step.*fitted on 3"):
        clf.predict(np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="cannot be read as such steps"):
        clf.predict(np.zeros((2, 7)))
    flat = RNNClassifier(**SMALL).fit(np.zeros((10, 6)), np.arange(10) % 2)
    with pytest.raises(ValueError, match="X has 5 features"):
        flat.predict(np.zeros((2, 5)))


def test_input_is_never_modified(ragged):
    seqs, y = ragged
    frozen = [s.astype(np.float32) for s in seqs]
    for s in frozen:
        s.setflags(write=False)
    copies = [s.copy() for s in frozen]
    clf = RNNClassifier(input_noise=0.1, **SMALL).fit(frozen, y)
    assert clf.predict_proba(frozen).dtype == np.float32
    for s, c in zip(frozen, copies):
        np.testing.assert_array_equal(s, c)


def test_pipeline_gridsearch_cross_val_score():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 12))  # 6 steps x 2 features, time-major rows
    y = (X[:, ::2].sum(axis=1) > 0).astype(int)
    est = RNNClassifier(sequence_shape=(6, 2), **{**SMALL, "max_iter": 40})
    pipe = make_pipeline(StandardScaler(), est)
    search = GridSearchCV(pipe, {"rnnclassifier__cell": ["gru", "rnn"]}, cv=2).fit(X, y)
    # the best candidate scores in the search exactly as it does fitted alone on the folds
    by_hand = cross_val_score(pipe.set_params(**search.best_params_), X, y, cv=2).mean()
    assert search.best_score_ == pytest.approx(by_hand, abs=1e-12)
    assert search.best_score_ == search.cv_results_["mean_test_score"].max()
    best = pipe.set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict_proba(X), best.predict_proba(X))
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.8


def test_pickle_round_trip_and_seeded_refit(ragged):
    seqs, y = ragged
    clf = RNNClassifier(**SMALL).fit(seqs, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(seqs), clf.predict_proba(seqs))
    refit = RNNClassifier(**SMALL).fit(seqs, y)
    np.testing.assert_array_equal(refit.predict_proba(seqs), clf.predict_proba(seqs))


def test_make_adding_problem():
    X, y = make_adding_problem(n_samples=200, sequence_length=20, random_state=0)
    assert X.shape == (200, 20, 2)
    markers = X[:, :, 1]
    assert (markers.sum(axis=1) == 2).all()
    assert (markers[:, :10].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y, (X[:, :, 0] * markers).sum(axis=1))
    with pytest.raises(ValueError, match="at least 2"):
        make_adding_problem(sequence_length=1)


@pytest.mark.slow
def test_digits_row_by_row():
    """Default LSTM reading 8x8 digits row by row: >= 0.97 5-fold CV accuracy."""
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8) / 16.0
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_score(RNNClassifier(random_state=0, device="cpu"), X, y, cv=cv)
    assert scores.mean() >= 0.97


@pytest.mark.slow
def test_lstm_solves_the_adding_problem_rnn_and_mlp_do_not():
    """T=50: the LSTM explains > 90% of the variance; a plain RNN and an MLP < 20%."""
    X, y = make_adding_problem(n_samples=2500, sequence_length=50, random_state=0)
    train, test = slice(0, 2000), slice(2000, None)
    baseline = np.mean((y[test] - y[train].mean()) ** 2)  # about 1/6
    common = dict(hidden_size=32, max_iter=25, random_state=0, device="cpu")
    lstm = RNNRegressor(cell="lstm", **common).fit(X[train], y[train])
    rnn = RNNRegressor(cell="rnn", **common).fit(X[train], y[train])
    flat = X.reshape(len(X), -1)
    mlp = MLPRegressor(random_state=0, device="cpu").fit(flat[train], y[train])
    mse = {
        "lstm": np.mean((lstm.predict(X[test]) - y[test]) ** 2),
        "rnn": np.mean((rnn.predict(X[test]) - y[test]) ** 2),
        "mlp": np.mean((mlp.predict(flat[test]) - y[test]) ** 2),
    }
    assert mse["lstm"] < 0.1 * baseline
    assert mse["rnn"] > 0.8 * baseline
    assert mse["mlp"] > 0.8 * baseline


@requires_cuda
@pytest.mark.gpu
def test_gpu_packed_sequences(ragged):
    seqs, y = ragged
    gpu = RNNClassifier(**{**SMALL, "device": "cuda", "bidirectional": True}).fit(seqs, y)
    assert next(gpu.net_.module_.parameters()).is_cuda
    batch = gpu.predict_proba(seqs)
    alone = np.vstack([gpu.predict_proba(s[np.newaxis]) for s in seqs[:5]])
    np.testing.assert_allclose(batch[:5], alone, rtol=1e-4, atol=1e-5)
    X, target = make_adding_problem(n_samples=600, sequence_length=20, random_state=0)
    reg = RNNRegressor(hidden_size=32, max_iter=30, random_state=0, device="cuda")
    assert reg.fit(X[:500], target[:500]).score(X[500:], target[500:]) > 0.8


def test_early_stopping_split_and_partial_fit_on_ragged_sequences(ragged):
    seqs, y = ragged
    clf = RNNClassifier(early_stopping=True, **{**SMALL, "max_iter": 8}).fit(seqs, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    inc = RNNClassifier(**{**SMALL, "learning_rate_init": 0.01})
    inc.partial_fit(seqs[:60], y[:60], classes=[0, 1]).partial_fit(seqs[60:], y[60:])
    assert inc.predict(seqs).shape == (120,) and len(inc.loss_curve_) == 2
    for _ in range(10):
        inc.partial_fit(seqs, y)
    # every call trains one more epoch: the loss falls and the sign of the sum is learned
    assert inc.loss_curve_[-1] < 0.8 * inc.loss_curve_[2]
    assert inc.score(seqs, y) > 0.8
