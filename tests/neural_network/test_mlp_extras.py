"""What skdeep adds beyond sklearn's MLPs: regularisers, losses, callbacks, devices."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback, LRScheduler

from skdeep import MLPClassifier, MLPRegressor

FAST = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=60, random_state=0, device="cpu")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_dropout_and_batch_norm_layers_are_built_and_used_only_in_training(iris):
    X, y = iris
    clf = MLPClassifier(**{**FAST, "dropout": 0.5, "batch_norm": True}).fit(X, y)
    kinds = [type(m).__name__ for m in clf.net_.module_.hidden]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Dropout"]
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))  # eval mode
    assert clf.score(X, y) > 0.85


def test_l1_penalty_drives_weights_to_zero(iris):
    X, y = iris
    plain = MLPClassifier(**{**FAST, "max_iter": 100}).fit(X, y)
    sparse = MLPClassifier(**{**FAST, "max_iter": 100, "l1": 2.0}).fit(X, y)
    # Adam hovers around zero at the step size's scale rather than hitting it.
    small = lambda m: np.mean(np.abs(m.coefs_[0]) < 2e-2)  # noqa: E731
    assert small(sparse) > small(plain) + 0.3
    assert sparse.score(X, y) > 0.9


def test_alpha_shrinks_weights(iris):
    X, y = iris
    norm = lambda m: sum(np.sum(c**2) for c in m.coefs_)  # noqa: E731
    # The penalty is 0.5 * alpha * ||W||^2 / n_batch, as in sklearn, so alpha is large here.
    shrunk = MLPClassifier(**{**FAST, "alpha": 20.0}).fit(X, y)
    assert norm(shrunk) < 0.5 * norm(MLPClassifier(**FAST).fit(X, y))


@pytest.mark.parametrize("l1", [0.0, 1e-300])  # without l1: fused decay; with: the loss graph
def test_alpha_is_sklearns_penalty_in_one_sgd_step(l1):
    # one full-batch SGD step without momentum: W1 = W0 - lr * (grad + alpha * W0 / n), so the
    # penalised and unpenalised steps differ by exactly lr * alpha * W0 / n on the weights
    X, y = make_regression(n_samples=64, n_features=4, noise=0.1, random_state=0)
    y = y / y.std()
    kw = dict(hidden_layer_sizes=(8,), solver="sgd", momentum=0.0, batch_size=64, shuffle=False,
              max_iter=1, random_state=0, device="cpu", l1=l1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = MLPRegressor(**kw, learning_rate_init=1e-30, alpha=0.0).fit(X, y)
        plain = MLPRegressor(**kw, learning_rate_init=0.1, alpha=0.0).fit(X, y)
        penalised = MLPRegressor(**kw, learning_rate_init=0.1, alpha=3.0).fit(X, y)
    for w0, w_plain, w_pen in zip(start.coefs_, plain.coefs_, penalised.coefs_):
        np.testing.assert_allclose(w_pen, w_plain - 0.1 * 3.0 * w0 / 64, atol=1e-6)
    for b_plain, b_pen in zip(plain.intercepts_, penalised.intercepts_):
        np.testing.assert_allclose(b_pen, b_plain, atol=1e-6)  # biases are not penalised


def test_adamw_decoupled_weight_decay_uses_alpha(iris):
    clf = MLPClassifier(**{**FAST, "solver": "adamw", "alpha": 0.05}).fit(*iris)
    assert clf.net_.optimizer_.param_groups[0]["weight_decay"] == 0.05


def test_max_norm_bounds_every_unit(iris):
    clf = MLPClassifier(**{**FAST, "learning_rate_init": 0.1, "max_norm": 0.5}).fit(*iris)
    for coef in clf.coefs_:
        assert np.linalg.norm(coef, axis=0).max() <= 0.5 + 1e-5


def test_input_noise_changes_training_not_prediction(iris):
    X, y = iris
    noisy = MLPClassifier(**{**FAST, "input_noise": 0.3}).fit(X, y)
    clean = MLPClassifier(**FAST).fit(X, y)
    assert noisy.loss_curve_ != clean.loss_curve_
    np.testing.assert_array_equal(noisy.predict_proba(X), noisy.predict_proba(X))


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "poisson"])
def test_regression_losses_learn(loss):
    X, y = make_regression(n_samples=300, n_features=4, noise=0.1, random_state=0)
    y = (y - y.min()) / y.std()  # non-negative for poisson
    if loss == "poisson":
        y = np.random.RandomState(0).poisson(np.exp(X @ [0.3, -0.2, 0.1, 0.0])).astype(float)
    reg = MLPRegressor(loss=loss, **{**FAST, "max_iter": 200}).fit(X, y)
    assert reg.out_activation_ == ("exp" if loss == "poisson" else "identity")
    assert reg.score(X, y) > (0.2 if loss == "poisson" else 0.9)
    if loss == "poisson":
        assert reg.predict(X).min() > 0


def test_absolute_error_is_robust_to_outliers():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (300, 1))
    y = 2 * X[:, 0]
    y_out = y.copy()
    y_out[:30] += 50  # 10% gross outliers
    params = {**FAST, "max_iter": 300, "learning_rate_init": 0.01}
    l2 = MLPRegressor(loss="squared_error", **params).fit(X, y_out)
    l1 = MLPRegressor(loss="absolute_error", **params).fit(X, y_out)
    err = lambda m: np.abs(m.predict(X[30:]) - y[30:]).mean()  # noqa: E731
    assert err(l1) < 0.5 * err(l2)


def test_skorch_callbacks_run_and_are_not_modified(iris):
    class CountBatches(Callback):
        def initialize(self):
            self.batches = 0
            return self

        def on_batch_end(self, net, **kwargs):
            self.batches += 1

    counter = CountBatches()
    scheduler = LRScheduler(policy="StepLR", step_size=1, gamma=0.5)
    clf = MLPClassifier(**{**FAST, "max_iter": 3, "batch_size": 50, "callbacks": [counter, ("lr", scheduler)]})
    clf.fit(*iris)
    used = dict(clf.net_.callbacks_)
    assert used["CountBatches"].batches == 9  # 3 epochs x 3 batches
    assert not hasattr(counter, "batches")  # the user's object was copied
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.01 * 0.5**3)
    assert len(clf.net_.history[-1, "batches"]) == 3


def test_verbose_2_prints_skorchs_epoch_table(iris, capsys):
    MLPClassifier(**{**FAST, "max_iter": 3, "verbose": 2}).fit(*iris)
    out = capsys.readouterr().out
    assert "epoch" in out and "train_loss" in out and out.count("\n") >= 5


def test_history_records_every_epoch(iris):
    clf = MLPClassifier(**{**FAST, "max_iter": 7}).fit(*iris)
    assert clf.history_[:, "train_loss"] == clf.loss_curve_
    assert len(clf.history_[:, "dur"]) == 7


def test_device_auto_resolves_to_an_available_device(iris):
    clf = MLPClassifier(**{**FAST, "device": "auto"}).fit(*iris)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert next(clf.net_.module_.parameters()).device.type == expected


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_cuda_fit_predict_and_pickle_to_cpu(Estimator, iris):
    import pickle

    X, y = iris
    model = Estimator(**{**FAST, "device": "cuda"}).fit(X, y)
    assert next(model.net_.module_.parameters()).is_cuda
    cpu = Estimator(**FAST).fit(X, y)
    assert abs(model.score(X, y) - cpu.score(X, y)) < 0.1
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(restored.predict(X), model.predict(X))


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_l2_as_weight_decay_trains_the_weights_of_the_explicit_penalty(iris, solver, monkeypatch):
    """alpha applied as coupled weight decay == the penalty added to every batch's loss."""
    from functools import partialmethod

    from skdeep._training import TrainingNet

    X, y = iris
    # 150 rows in batches of 64: two full batches and a short tail of 22
    params = {**FAST, "solver": solver, "alpha": 0.5, "batch_size": 64, "max_iter": 15}
    params["n_iter_no_change"] = 10**6
    with pytest.warns(Warning):
        decay = MLPClassifier(**params).fit(X, y)
    with monkeypatch.context() as m:
        m.setattr(TrainingNet, "run_epoch", partialmethod(TrainingNet.run_epoch, l2_as_decay=False))
        with pytest.warns(Warning):
            explicit = MLPClassifier(**params).fit(X, y)
    for a, b in zip(decay.coefs_ + decay.intercepts_, explicit.coefs_ + explicit.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(decay.loss_curve_, explicit.loss_curve_, rtol=1e-4)  # penalty included
    unpenalised = MLPClassifier(**{**params, "alpha": 0.0})
    with pytest.warns(Warning):
        unpenalised.fit(X, y)
    assert sum(np.sum(c**2) for c in decay.coefs_) < sum(np.sum(c**2) for c in unpenalised.coefs_)
