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
    assert set(clf.predict(X)) <= {"setosa", "other"}
    assert clf.predict_proba(X).shape == (150, 2)
    assert clf.score(X, labels) > 0.95


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


def test_lbfgs_matches_sklearn_loss(regression):
    from sklearn.neural_network import MLPRegressor as SkMLPRegressor

    X, y = regression
    ours = MLPRegressor(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=500, random_state=0, device="cpu").fit(X, y)
    theirs = SkMLPRegressor(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
    assert not hasattr(ours, "loss_curve_") and ours.n_iter_ > 1
    # Both minimise 0.5 * MSE + 0.5 * alpha * ||W||^2 / n to a similar optimum.
    assert ours.loss_ == pytest.approx(theirs.loss_, abs=0.01)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=0.01)


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
    for _ in range(30):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert clf.t_ == 30 * len(X) and clf.n_iter_ == 1
    assert clf.score(X, y) > 0.85
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        clf.partial_fit(X, y + 5)


def test_partial_fit_on_a_subset_of_classes(iris):
    X, y = iris
    clf = MLPClassifier(**FAST).partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)


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


def test_early_stopping_restores_the_best_weights():
    X, y = make_classification(n_samples=400, n_features=10, flip_y=0.2, random_state=0)
    clf = MLPClassifier(
        hidden_layer_sizes=(64,), learning_rate_init=0.02, early_stopping=True, n_iter_no_change=5,
        max_iter=200, random_state=0, device="cpu",
    ).fit(X, y)
    assert clf.n_iter_ < 200 and clf.best_loss_ is None
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert len(clf.validation_scores_) == clf.n_iter_
    # Rebuild the same validation split and score the restored weights on it.
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state

    rng = check_random_state(0)
    rng.randint(np.iinfo(np.int32).max)
    _, X_val, _, y_val = train_test_split(X, y, test_size=0.1, stratify=y, random_state=rng)
    assert clf.score(X_val, y_val) == pytest.approx(clf.best_validation_score_)
    assert set(clf.history_[:, "valid_score"]) == set(clf.validation_scores_)


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
        with pytest.raises(NotFittedError):
            est.predict(iris[0])
