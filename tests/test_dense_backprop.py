"""The hand-written backpropagation of plain dense MLPs trains what autograd trains.

Each case fits the same estimator twice from the same seed, once on the fast
path (:mod:`skdeep._dense_backprop`) and once with ``TrainingNet.dense_backprop``
switched off (autograd and ``optimizer.step()``), and requires the same
weights and loss curve.  float64 data keeps the comparison at float64
rounding: the two paths sum in different orders, nothing more.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.datasets import load_digits, make_multilabel_classification, make_regression
from skorch.callbacks import Callback

from skdeep import MLPClassifier, MLPRegressor
from skdeep import _dense_backprop as backprop
from skdeep._training import TrainingNet


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


@pytest.fixture
def count_fast_batches(monkeypatch):
    """Counts the batches trained by the fast path."""
    calls = []
    batch = backprop.DenseBackprop.batch

    def counted(self, *args, **kwargs):
        calls.append(1)
        return batch(self, *args, **kwargs)

    monkeypatch.setattr(backprop.DenseBackprop, "batch", counted)
    return calls


def _fit(make, X, y, fast, monkeypatch, **fit_params):
    with monkeypatch.context() as m:
        m.setattr(TrainingNet, "dense_backprop", fast)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return make().fit(X, y, **fit_params)


def _assert_same_training(make, X, y, monkeypatch, calls, rtol=1e-9, **fit_params):
    fast = _fit(make, X, y, True, monkeypatch, **fit_params)
    assert calls, "the fast path did not train"
    del calls[:]
    slow = _fit(make, X, y, False, monkeypatch, **fit_params)
    assert not calls
    for a, b in zip(fast.coefs_ + fast.intercepts_, slow.coefs_ + slow.intercepts_):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=rtol)
    return fast, slow


def _clf(**params):
    base = dict(hidden_layer_sizes=(16, 8), max_iter=8, random_state=0, device="cpu")
    return lambda: MLPClassifier(**{**base, **params})


def _reg(**params):
    base = dict(hidden_layer_sizes=(16,), max_iter=8, random_state=0, device="cpu")
    return lambda: MLPRegressor(**{**base, **params})


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("solver", ["adam", "sgd", "adamw", "rmsprop"])
def test_every_activation_and_solver_trains_as_autograd(
    digits, activation, solver, monkeypatch, count_fast_batches
):
    X, y = digits
    # 300 rows in batches of 64: four full batches and a tail of 44, shuffled
    make = _clf(activation=activation, solver=solver, alpha=0.01, batch_size=64)
    _assert_same_training(make, X, y, monkeypatch, count_fast_batches)


def test_sample_weights_with_a_zero_weight_batch_train_as_autograd(
    digits, monkeypatch, count_fast_batches
):
    X, y = digits
    w = np.random.RandomState(0).uniform(0, 2, len(y))
    w[:50] = 0.0  # unshuffled batches of 50: the first carries no weight at all
    make = _clf(alpha=0.5, batch_size=50, shuffle=False)
    fast, _ = _assert_same_training(make, X, y, monkeypatch, count_fast_batches, sample_weight=w)
    assert np.isfinite(fast.loss_curve_).all()


@pytest.mark.parametrize("target", ["binary", "multilabel"])
def test_logistic_outputs_train_as_autograd(digits, target, monkeypatch, count_fast_batches):
    if target == "binary":
        X, y = digits[0], digits[1] > 4
    else:
        X, y = make_multilabel_classification(200, 10, n_classes=4, random_state=0)
    make = _clf(batch_size=64)
    w = np.random.RandomState(1).uniform(0, 2, len(y))
    _assert_same_training(make, X, y, monkeypatch, count_fast_batches)
    _assert_same_training(make, X, y, monkeypatch, count_fast_batches, sample_weight=w)


def test_squared_error_trains_as_autograd(monkeypatch, count_fast_batches):
    X, y = make_regression(200, 10, n_targets=2, random_state=0)
    y = y / 100.0
    w = np.random.RandomState(0).uniform(0, 2, len(y))
    _assert_same_training(_reg(batch_size=64), X, y, monkeypatch, count_fast_batches)
    _assert_same_training(
        _reg(alpha=1.0, batch_size=64), X, y, monkeypatch, count_fast_batches, sample_weight=w
    )


def test_poisson_trains_as_autograd(monkeypatch, count_fast_batches):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    y = rng.poisson(np.exp(0.5 * X[:, 0]))
    w = rng.uniform(0, 2, len(y))
    make = _reg(loss="poisson", batch_size=64)
    _assert_same_training(make, X, y, monkeypatch, count_fast_batches)
    _assert_same_training(make, X, y, monkeypatch, count_fast_batches, sample_weight=w)


def test_sparse_float32_and_early_stopping_train_as_autograd(
    digits, monkeypatch, count_fast_batches
):
    X, y = digits
    _assert_same_training(_clf(), sp.csr_matrix(X), y, monkeypatch, count_fast_batches)
    fast, slow = _assert_same_training(
        _clf(early_stopping=True, max_iter=12), X, y, monkeypatch, count_fast_batches
    )
    assert fast.validation_scores_ == slow.validation_scores_
    # float32: the two summation orders differ at float32 rounding
    fast, _ = _assert_same_training(
        _clf(), X.astype(np.float32), y, monkeypatch, count_fast_batches, rtol=1e-4
    )
    assert fast.coefs_[0].dtype == np.float32


def test_the_optimizer_state_carries_over_to_the_autograd_path(digits, monkeypatch):
    """Adam's moments written by the fused call are torch's own: a later step() continues them."""
    X, y = digits

    class OnBatch(Callback):  # a batch-level callback sends partial_fit down the autograd path
        def on_batch_end(self, net, **kwargs):
            pass

    def train(fast_first):
        clf = _clf(max_iter=3, batch_size=64)()
        with monkeypatch.context() as m:
            m.setattr(TrainingNet, "dense_backprop", fast_first)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(X, y)
        clf.net_.callbacks_.append(("on_batch", OnBatch()))
        for _ in range(3):
            clf.partial_fit(X, y)
        return clf

    mixed, autograd = train(True), train(False)
    state = mixed.net_.optimizer_.state
    assert all(float(s["step"]) == 3 * 5 + 3 * 5 for s in state.values())
    for a, b in zip(mixed.coefs_, autograd.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        {"dropout": 0.2},
        {"batch_norm": True},
        {"activation": "gelu"},
        {"l1": 1e-3},
        {"max_norm": 2.0},
        {"input_noise": 0.1},
        {"callbacks": [Callback()]},  # epoch-level only: still fast
    ],
)
def test_what_the_formulas_do_not_cover_trains_with_autograd(
    digits, params, monkeypatch, count_fast_batches
):
    X, y = digits
    clf = _fit(_clf(**params), X, y, True, monkeypatch)
    assert bool(count_fast_batches) == ("callbacks" in params)
    assert clf.n_iter_ == 8


def test_a_forward_hook_sends_training_to_autograd(digits, monkeypatch, count_fast_batches):
    """The pruner keeps its masks with forward pre-hooks; the fast path would bypass them."""
    X, y = digits
    clf = _fit(_clf(max_iter=2), X, y, True, monkeypatch)
    del count_fast_batches[:]
    seen = []
    handle = clf.net_.module_.output.register_forward_pre_hook(lambda m, a: seen.append(1))
    clf.partial_fit(X, y)
    assert seen and not count_fast_batches
    assert clf.net_.dense_plan() is None
    handle.remove()
    clf.partial_fit(X, y)
    assert count_fast_batches and clf.net_.dense_plan() is not None


def test_a_fitted_model_with_a_plan_pickles(digits):
    X, y = digits
    clf = _clf(max_iter=3)()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    assert clf.net_.dense_plan() is not None
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    restored.partial_fit(X, y)  # a fresh plan is built on the restored net
    clf.partial_fit(X, y)
    np.testing.assert_allclose(restored.coefs_[0], clf.coefs_[0], rtol=1e-12)


def test_plan_for_refuses_modules_it_does_not_cover():
    from skdeep._layers import MLPModule
    from skdeep._losses import AbsoluteError, LogLoss

    module = MLPModule(4, [8], 3).double()
    optimizer = torch.optim.Adam(module.parameters(), fused=True)
    assert backprop.plan_for(module, LogLoss(), optimizer) is not None
    assert backprop.plan_for(module, AbsoluteError(), optimizer) is None
    module.output.weight.requires_grad_(False)
    assert backprop.plan_for(module, LogLoss(), optimizer) is None
    seq = torch.nn.Sequential(torch.nn.Linear(4, 3))
    assert backprop.plan_for(seq, LogLoss(), optimizer) is None


def test_a_reloaded_optimizer_state_is_the_one_that_moves(digits):
    """After ``load_state_dict`` replaces Adam's state tensors, steps update the new ones."""
    import copy

    X, y = digits
    clf = _clf(max_iter=2, batch_size=100)()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    optimizer = clf.net_.optimizer_
    optimizer.load_state_dict(copy.deepcopy(optimizer.state_dict()))
    clf.partial_fit(X, y)
    assert all(float(s["step"]) == 2 * 3 + 3 for s in optimizer.state.values())
