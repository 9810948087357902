"""Habits a scikit-learn user relies on: progress lines, error messages, edge cases."""

import re
import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from skdeep import MLPClassifier, MLPRegressor
from skdeep._training import DivergenceError

FAST = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=20, random_state=0, device="cpu")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_verbose_prints_sklearns_iteration_lines(iris, capsys):
    clf = MLPClassifier(**{**FAST, "max_iter": 4, "early_stopping": True, "verbose": True})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(*iris)
    lines = capsys.readouterr().out.splitlines()
    iterations = [line for line in lines if line.startswith("Iteration")]
    assert iterations == [f"Iteration {i + 1}, loss = {loss:.8f}" for i, loss in enumerate(clf.loss_curve_)]
    assert re.fullmatch(r"Iteration 1, loss = \d\.\d{8}", iterations[0])
    scores = [line for line in lines if line.startswith("Validation score")]
    assert scores == [f"Validation score: {s:f}" for s in clf.validation_scores_]
    # sklearn prints the same kinds of lines, in the same order
    sk_params = {k: v for k, v in FAST.items() if k != "device"}
    sk = SkMLPClassifier(**{**sk_params, "max_iter": 4, "early_stopping": True, "verbose": True})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(*iris)
    sk_lines = capsys.readouterr().out.splitlines()
    kind = lambda ls: [line.split(" ")[0] for line in ls]  # noqa: E731
    assert kind(lines) == kind(sk_lines)


def test_non_finite_weights_raise_sklearns_message():
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    msg = (
        "Solver produced non-finite parameter weights. The input data may contain large"
        " values and need to be preprocessed."
    )
    for solver in ("adam", "sgd"):
        with pytest.raises(ValueError, match=msg):
            MLPRegressor(solver=solver, device="cpu", max_iter=5).fit(X, y)


def test_stratified_validation_split_raises_sklearns_message():
    X = [[1, 2], [2, 3], [3, 4], [4, 5]]
    with pytest.raises(ValueError, match=r"The least populated classes in y have only 1 member"):
        MLPClassifier(early_stopping=True, device="cpu").fit(X, [0, 0, 0, 1])


class PoisonWeightsAt(Callback):
    """Set the first weight to NaN at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            with torch.no_grad():
                next(net.module_.parameters()).view(-1)[0] = float("nan")


def test_divergence_with_early_stopping_restores_best_weights_and_warns(iris):
    X, y = iris
    params = {**FAST, "max_iter": 30, "early_stopping": True, "callbacks": [PoisonWeightsAt(6)]}
    with pytest.warns(ConvergenceWarning, match="diverged.*best validation score"):
        clf = MLPClassifier(**params).fit(X, y)
    assert clf.n_iter_ == 6
    assert all(np.isfinite(c).all() for c in clf.coefs_)
    best = int(np.argmax(clf.validation_scores_))
    reference = MLPClassifier(**{**params, "max_iter": best + 1, "callbacks": None})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_divergence_without_validation_still_raises(iris):
    params = {**FAST, "max_iter": 30, "callbacks": [PoisonWeightsAt(3)]}
    with pytest.raises(DivergenceError, match="non-finite parameter weights"):
        MLPClassifier(**params).fit(*iris)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_one_class_fits_and_predicts_that_class(early_stopping):
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    y = np.array(["only"] * 30)
    clf = MLPClassifier(**{**FAST, "early_stopping": early_stopping})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        pred = clf.predict(X)
        proba = clf.predict_proba(X)
    assert list(clf.classes_) == ["only"]
    assert (pred == "only").all()
    sk = SkMLPClassifier(hidden_layer_sizes=(16,), max_iter=5).fit(X.to_numpy(), y)
    assert proba.shape == sk.predict_proba(X.to_numpy()).shape


def test_coefs_and_intercepts_can_be_assigned_then_training_continues(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = MLPClassifier(**FAST).fit(X, y)
        b = MLPClassifier(**{**FAST, "random_state": 1, "max_iter": 40}).fit(X, y)
    a.coefs_ = b.coefs_
    a.intercepts_ = b.intercepts_
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-6)
    scaled = [0.5 * c for c in b.coefs_]
    a.coefs_ = scaled
    np.testing.assert_allclose(a.coefs_[0], scaled[0], rtol=1e-6)
    before = a.coefs_[0]
    a.partial_fit(X, y)
    assert not np.allclose(a.coefs_[0], before)  # continued from the assigned weights
    assert np.abs(a.coefs_[0] - before).max() < 0.1
    with pytest.raises(ValueError, match=r"coefs_\[0\] has shape \(3, 16\).*needs \(4, 16\)"):
        a.coefs_ = [np.zeros((3, 16)), b.coefs_[1]]
    with pytest.raises(ValueError, match="needs 2 arrays"):
        a.intercepts_ = b.intercepts_[:1]
    with pytest.raises(AttributeError, match="fitted"):
        MLPClassifier().coefs_ = b.coefs_


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_full_batch_sgd_partial_fit_n_times_equals_fit_n_epochs(iris, Estimator):
    X, y = iris
    y = y if Estimator is MLPClassifier else X[:, 0] + y
    params = dict(FAST, solver="sgd", batch_size=len(X), n_iter_no_change=10**6, max_iter=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = Estimator(**params).fit(X, y)
    partial = Estimator(**params)
    kwargs = {"classes": np.unique(y)} if Estimator is MLPClassifier else {}
    for _ in range(8):
        partial.partial_fit(X, y, **kwargs)
        kwargs = {}
    np.testing.assert_allclose(partial.loss_curve_, fitted.loss_curve_, rtol=1e-5)
    for c1, c2 in zip(partial.coefs_, fitted.coefs_):
        np.testing.assert_allclose(c1, c2, rtol=1e-5, atol=1e-7)
