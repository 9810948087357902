"""Bad input is refused with a clear message before training; inputs stay untouched."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from skdeep import MLPClassifier, MLPRegressor
from skdeep._training import DivergenceError

FAST = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0, device="cpu")


@pytest.fixture
def data():
    X, y = load_iris(return_X_y=True)
    return X.copy(), y.copy()


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda X, y: (np.where(X > 7, np.nan, X), y), "NaN"),
        (lambda X, y: (np.where(X > 7, np.inf, X), y), "infinity"),
        (lambda X, y: (X[:0], y[:0]), "0 sample"),
        (lambda X, y: (X[:, :, None], y), "2"),
        (lambda X, y: (X, y + 0.5), "Unknown label type"),
        (lambda X, y: (X, None), "requires y"),
        (lambda X, y: (X[:10], y), "inconsistent numbers of samples"),
    ],
    ids=["nan", "inf", "empty", "3d", "continuous-target", "no-y", "lengths"],
)
def test_classifier_refuses_bad_input(data, mutate, message):
    X, y = mutate(*data)
    clf = MLPClassifier(**FAST)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")  # nothing was trained


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
        ({"solver": "newton"}, "solver"),
        ({"learning_rate_init": 0.0}, "learning_rate_init"),
        ({"dropout": 1.0}, "dropout"),
        ({"activation": "swish"}, "activation"),
        ({"batch_size": 0}, "batch_size"),
        ({"device": 3}, "device"),
        ({"device": "gpu0"}, "device"),
    ],
)
def test_invalid_parameters_are_named(data, params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        MLPClassifier(**{**FAST, **params}).fit(*data)


def test_cuda_request_without_cuda_is_a_clear_error(data):
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ValueError, match="CUDA is not available"):
        MLPClassifier(**{**FAST, "device": "cuda"}).fit(*data)


def test_predict_with_a_different_feature_count(data):
    X, y = data
    clf = MLPClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="4 features"):
        clf.predict(X[:, :3])


def test_poisson_needs_non_negative_targets(data):
    X, y = data
    with pytest.raises(ValueError, match="non-negative"):
        MLPRegressor(loss="poisson", **FAST).fit(X, y - 1)


def test_inputs_are_never_modified(data):
    X, y = data
    X32 = X.astype(np.float32)
    w = np.linspace(0.5, 2, len(y))
    copies = X.copy(), X32.copy(), y.copy(), w.copy()
    MLPClassifier(**{**FAST, "input_noise": 0.5, "early_stopping": True}).fit(X, y, sample_weight=w)
    MLPRegressor(**{**FAST, "input_noise": 0.5}).fit(X32, y.astype(float))
    for before, after in zip(copies, (X, X32, y, w)):
        np.testing.assert_array_equal(before, after)


def test_diverging_loss_stops_with_a_pointer_to_learning_rate_init(data):
    X, y = data
    reg = MLPRegressor(
        hidden_layer_sizes=(32,), solver="sgd", learning_rate_init=10.0, momentum=0.9,
        max_iter=50, random_state=0, device="cpu",
    )
    with pytest.raises(DivergenceError, match="learning_rate_init"):
        reg.fit(X * 100, y * 1e3)


def test_validation_set_too_small(data):
    X, y = data
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPRegressor(**{**FAST, "early_stopping": True, "validation_fraction": 0.01}).fit(X[:20], y[:20])
