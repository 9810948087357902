"""The MLPs behave like scikit-learn's: targets, partial_fit, warm_start, solvers."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_classification, make_multilabel_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor

FAST = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=60, random_state=0, device="cpu")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=200, n_features=5, n_targets=1, noise=1.0, random_state=0)
    return X, y / y.std()


def test_multiclass_fitted_attributes_match_sklearn_names(iris):
    X, y = iris
    clf = MLPClassifier(**FAST).fit(X, y)
    assert clf.out_activation_ == "softmax"
    assert clf.n_outputs_ == 3 and clf.n_layers_ == 3 and clf.n_features_in_ == 4
    assert [c.shape for c in clf.coefs_] == [(4, 16), (16, 3)]
    assert [b.shape for b in clf.intercepts_] == [(16,), (3,)]
    assert len(clf.loss_curve_) == clf.n_iter_ and clf.t_ == clf.n_iter_ * len(X)
    assert clf.loss_ == clf.loss_curve_[-1] and clf.best_loss_ <= clf.loss_
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X))


def test_coefs_reproduce_the_forward_pass(iris):
    X, y = iris
    clf = MLPClassifier(**FAST).fit(X, y)
    hidden = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0)
    logits = hidden @ clf.coefs_[1] + clf.intercepts_[1]
    np.testing.assert_array_equal(clf.classes_[logits.argmax(axis=1)], clf.predict(X))


def test_binary_string_labels_use_one_logistic_output(iris):
    X, y = iris
    labels = np.where(y == 0, "setosa", "other")
    clf = MLPClassifier(**FAST).fit(X, labels)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1
    np.testing.assert_array_equal(clf.classes_, ["other", "setosa"])
    assert set(clf.predict(X)) <= {"setosa", "other"}
    assert clf.score(X, labels) > 0.95


def test_binary_predict_proba_by_value(iris):
    from scipy.special import expit

    X, y = iris
    labels = np.where(y == 0, "setosa", "other")  # separable: setosa is column 1
    clf = MLPClassifier(**FAST).fit(X, labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 2)
    # column 1 is the sigmoid of the single logit, for classes_[1]
    hidden = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0)
    logit = (hidden @ clf.coefs_[1] + clf.intercepts_[1])[:, 0]
    np.testing.assert_allclose(proba[:, 1], expit(logit), atol=1e-5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # the columns follow classes_: each row puts most mass on its own class
    own = proba[np.arange(150), np.searchsorted(clf.classes_, labels)]
    assert own.min() > 0.5
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X), atol=1e-6)


def test_multilabel_indicator_targets():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = MLPClassifier(**{**FAST, "max_iter": 150}).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    pred = clf.predict(X)
    assert pred.shape == Y.shape and set(np.unique(pred)) <= {0, 1}
    assert clf.predict_proba(X).shape == (200, 4)
    assert clf.score(X, Y) > 0.5  # subset accuracy, well above chance (1/16)


def test_multi_output_regression():
    X, Y = make_regression(n_samples=200, n_features=5, n_targets=3, noise=0.5, random_state=0)
    Y = Y / Y.std(axis=0)
    reg = MLPRegressor(**{**FAST, "max_iter": 200}).fit(X, Y)
    assert reg.n_outputs_ == 3 and reg.predict(X).shape == (200, 3)
    assert reg.score(X, Y) > 0.9


def test_column_target_warns_and_is_raveled(regression):
    from sklearn.exceptions import DataConversionWarning

    X, y = regression
    with pytest.warns(DataConversionWarning):
        reg = MLPRegressor(**FAST).fit(X, y[:, None])
    assert reg.predict(X).shape == (200,)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs", "adamw", "rmsprop", "adagrad"])
def test_every_solver_learns(solver, iris):
    X, y = iris
    lr = {"sgd": 0.05, "adagrad": 0.1}.get(solver, 0.01)
    clf = MLPClassifier(**{**FAST, "solver": solver, "learning_rate_init": lr, "max_iter": 100}).fit(X, y)
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize("alpha", [1e-4, 1.0])
def test_lbfgs_matches_sklearn_loss(regression, alpha):
    from sklearn.neural_network import MLPRegressor as SkMLPRegressor

    X, y = regression
    kw = dict(hidden_layer_sizes=(10,), solver="lbfgs", alpha=alpha, max_iter=500, random_state=0)
    ours = MLPRegressor(**kw, device="cpu").fit(X, y)
    theirs = SkMLPRegressor(**kw).fit(X, y)
    assert not hasattr(ours, "loss_curve_") and ours.n_iter_ > 1
    # loss_ is sklearn's objective, 0.5 * MSE + 0.5 * alpha * ||W||^2 / n, at the fitted weights
    penalty = 0.5 * alpha * sum(np.sum(c.astype(np.float64) ** 2) for c in ours.coefs_) / len(X)
    objective = 0.5 * np.mean((ours.predict(X) - y) ** 2) + penalty
    assert ours.loss_ == pytest.approx(objective, rel=1e-3)
    # ... and L-BFGS gets it as low as sklearn does (measured: 1.69e-5 vs 1.72e-5 at
    # alpha=1e-4, 4.9454e-3 vs 4.9428e-3 at alpha=1, where the penalty dominates)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=0.05 if alpha < 1 else 1e-2)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-4)


@pytest.mark.parametrize("schedule, lr_init", [("constant", 0.1), ("invscaling", 1.0), ("adaptive", 0.1)])
def test_sgd_learning_rate_schedules(schedule, lr_init, iris):
    X, y = iris
    clf = MLPClassifier(
        **{**FAST, "solver": "sgd", "learning_rate": schedule, "learning_rate_init": lr_init, "max_iter": 80}
    ).fit(X, y)
    lr = clf.net_.optimizer_.param_groups[0]["lr"]
    if schedule == "invscaling":
        assert lr == pytest.approx(lr_init / (clf.t_ + 1) ** 0.5)
    elif schedule == "constant":
        assert lr == lr_init
    assert clf.score(X, y) > 0.85


def test_adaptive_schedule_divides_the_step_when_stalled(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(16,), solver="sgd", learning_rate="adaptive", learning_rate_init=0.1,
        tol=10.0, n_iter_no_change=2, max_iter=20, random_state=0, device="cpu",
    ).fit(X, y)
    # With an impossible tol every 3 epochs count as a stall: 0.1 / 5 ** k.
    lr = clf.net_.optimizer_.param_groups[0]["lr"]
    assert lr < 0.1 and np.log(0.1 / lr) / np.log(5) == pytest.approx(round(np.log(0.1 / lr) / np.log(5)))


def test_training_stops_when_loss_stalls(iris):
    X, y = iris
    clf = MLPClassifier(**{**FAST, "tol": 10.0, "n_iter_no_change": 3, "max_iter": 50}).fit(X, y)
    # The first epoch sets best_loss_; the next n_iter_no_change + 1 fail to beat it by tol.
    assert clf.n_iter_ == 5


def test_partial_fit_needs_classes_then_learns(iris):
    X, y = iris
    clf = MLPClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    first = [c.copy() for c in clf.coefs_]
    for _ in range(29):
        clf.partial_fit(X, y)
    assert clf.t_ == 30 * len(X) and clf.n_iter_ == 1
    # each call is one more epoch of the same run: the loss falls and the weights move
    assert len(clf.loss_curve_) == 30 and clf.loss_curve_[-1] < 0.7 * clf.loss_curve_[0]
    assert not np.allclose(clf.coefs_[0], first[0])
    # 30 calls of one epoch are a 30-epoch fit (iris is one full batch per epoch)
    fitted = MLPClassifier(**{**FAST, "max_iter": 30}).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), fitted.predict_proba(X), atol=1e-4)
    assert clf.score(X, y) > 0.85
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        clf.partial_fit(X, y + 5)


def test_partial_fit_on_a_subset_of_classes(iris):
    X, y = iris
    clf = MLPClassifier(**FAST)
    for _ in range(20):
        clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)
    # it learned the two classes it saw and never predicts the unseen one
    assert clf.score(X[y < 2], y[y < 2]) > 0.95
    assert not np.any(clf.predict(X) == 2)


def test_partial_fit_unavailable_for_lbfgs(iris):
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    with pytest.raises(ValueError, match="early_stopping"):
        MLPRegressor(early_stopping=True).partial_fit(*iris)


def test_partial_fit_rejects_a_different_feature_count(regression):
    X, y = regression
    reg = MLPRegressor(**FAST).partial_fit(X, y)
    with pytest.raises(ValueError, match="features"):
        reg.partial_fit(X[:, :3], y)


def test_warm_start_continues_from_the_previous_weights(iris):
    X, y = iris
    clf = MLPClassifier(**{**FAST, "max_iter": 5, "warm_start": True}).fit(X, y)
    first = clf.net_.module_
    loss_before = clf.loss_curve_[-1]
    clf.fit(X, y)
    assert clf.net_.module_ is first
    assert len(clf.loss_curve_) == 10 and clf.loss_curve_[5] < loss_before + 0.05
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.fit(X[y < 2], y[y < 2])
    cold = MLPClassifier(**{**FAST, "max_iter": 5}).fit(X, y)
    module = cold.net_.module_
    cold.fit(X, y)
    assert cold.net_.module_ is not module


def _validation_split(est, X, y):
    """The (X_val, y_val) that ``fit`` held out: the same seed draws, the same split."""
    from sklearn.utils import check_random_state

    rng = check_random_state(est.random_state)
    rng.randint(np.iinfo(np.int32).max)  # fit draws the torch seed first
    _, (X_val, y_val, _, _) = est._split_validation(X, y, y, None, rng)
    return X_val, y_val


def test_early_stopping_restores_the_best_weights():
    X, y = make_classification(n_samples=200, n_features=10, flip_y=0.2, random_state=0)
    clf = MLPClassifier(
        hidden_layer_sizes=(32,), learning_rate_init=0.05, batch_size=50, early_stopping=True,
        validation_fraction=0.2, n_iter_no_change=3, max_iter=60, random_state=2, device="cpu",
    ).fit(X, y)
    scores = clf.validation_scores_
    assert clf.n_iter_ < 60 and clf.best_loss_ is None and len(scores) == clf.n_iter_
    assert clf.best_validation_score_ == max(scores)
    # the last epoch is worse than the best, so restoring the best weights is visible
    assert scores[-1] < clf.best_validation_score_
    X_val, y_val = _validation_split(clf, X, y)
    assert len(y_val) == 40
    assert clf.score(X_val, y_val) == pytest.approx(clf.best_validation_score_, abs=1e-12)
    assert set(clf.history_[:, "valid_score"]) == set(scores)


def test_sparse_input_gives_the_dense_predictions(iris):
    X, y = iris
    dense = MLPClassifier(**FAST).fit(X, y)
    sparse = MLPClassifier(**FAST).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(dense.predict_proba(X), sparse.predict_proba(sp.csc_matrix(X)), atol=1e-5)


def test_float32_input_keeps_float32_outputs(regression):
    X, y = regression
    reg = MLPRegressor(**FAST).fit(X.astype(np.float32), y)
    assert reg.predict(X.astype(np.float32)).dtype == np.float32
    assert reg.predict(X).dtype == np.float64


def test_sample_weight_changes_the_fit_and_ones_change_nothing(iris):
    X, y = iris
    base = MLPClassifier(**FAST).fit(X, y)
    ones = MLPClassifier(**FAST).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(base.predict_proba(X), ones.predict_proba(X))
    w = np.where(y == 2, 0.0, 1.0)
    weighted = MLPClassifier(**FAST).fit(X, y, sample_weight=w)
    assert (weighted.predict(X) == 2).mean() < (base.predict(X) == 2).mean()


def test_integer_weights_equal_repeated_rows_in_one_full_batch(iris):
    X, y = iris
    reps = np.random.RandomState(0).randint(0, 4, size=len(y))  # 0 removes a row
    params = {**FAST, "batch_size": 1000, "shuffle": True}
    with pytest.warns(UserWarning, match="batch_size"):
        weighted = MLPClassifier(**params).fit(X, y, sample_weight=reps)
        repeated = MLPClassifier(**params).fit(np.repeat(X, reps, axis=0), np.repeat(y, reps))
    # one batch holds everything: the weighted mean is the mean over repeated rows, up to
    # summation order (measured max difference 2e-7 in float32). With mini-batches the two
    # fits see different batches, so equality is not exact; the next test covers them.
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_sample_weights_travel_with_their_rows_through_shuffled_mini_batches(iris, seed):
    X, y = iris
    # weight 0 on every row of class 2: no batch ever asks for class 2, whichever rows
    # the shuffle puts together; weights misaligned with rows would teach it
    clf = MLPClassifier(**{**FAST, "batch_size": 25, "random_state": seed})
    clf.fit(X, y, sample_weight=(y != 2).astype(float))
    assert not np.any(clf.predict(X) == 2)
    assert clf.predict_proba(X)[:, 2].max() < 0.05
    assert clf.score(X[y < 2], y[y < 2]) > 0.95


def test_same_seed_same_predictions_different_seed_different(iris):
    X, y = iris
    a = MLPClassifier(**{**FAST, "dropout": 0.2}).fit(X, y).predict_proba(X)
    b = MLPClassifier(**{**FAST, "dropout": 0.2}).fit(X, y).predict_proba(X)
    c = MLPClassifier(**{**FAST, "dropout": 0.2, "random_state": 1}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fit_leaves_torch_global_rng_alone(iris):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    MLPClassifier(**FAST).fit(*iris)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_predict_before_fit_raises_not_fitted(iris):
    for est in (MLPClassifier(), MLPRegressor()):
        with pytest.raises(NotFittedError, match="instance is not fitted yet"):
            est.predict(iris[0])
