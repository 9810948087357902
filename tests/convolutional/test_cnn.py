"""CNNClassifier / CNNRegressor: input shapes, errors, augmentation, tooling, quality."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier
from skdeep.convolutional._modules import ImageAugment

from ..conftest import requires_cuda

SMALL = dict(conv_channels=(4, 8), hidden_layer_sizes=(16,), max_iter=5, random_state=0,
             device="cpu")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


@pytest.fixture(scope="module")
def small(digits):
    X, y = digits
    return X[:300], y[:300]


def test_image_layouts_give_the_same_model(small):
    X, y = small
    flat = CNNClassifier(**SMALL).fit(X, y)  # image_shape='auto': 64 -> (1, 8, 8)
    three = CNNClassifier(**SMALL).fit(X.reshape(-1, 8, 8), y)
    four = CNNClassifier(**SMALL).fit(X.reshape(-1, 1, 8, 8), y)
    explicit = CNNClassifier(image_shape=(8, 8), **SMALL).fit(X, y)
    for est in (flat, three, four, explicit):
        assert est.image_shape_ == (1, 8, 8)
        assert est.n_features_in_ == 64
    expected = flat.predict_proba(X)
    for est in (three, four, explicit):
        np.testing.assert_allclose(est.predict_proba(X), expected, rtol=1e-6, atol=1e-7)
    # a model fitted on images predicts flat rows (and the other way round)
    np.testing.assert_array_equal(three.predict(X), flat.predict(X.reshape(-1, 1, 8, 8)))


def test_multichannel_and_inferred_shape():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3, 5, 6))
    y = (X[:, 0].mean(axis=(1, 2)) > 0).astype(int)
    clf = CNNClassifier(**SMALL).fit(X, y)
    assert clf.image_shape_ == (3, 5, 6)
    assert clf.net_.module_.conv[0].in_channels == 3
    flat = X.reshape(80, -1)
    reg = CNNClassifier(image_shape=(3, -1, 6), **SMALL).fit(flat, y)
    assert reg.image_shape_ == (3, 5, 6)
    np.testing.assert_allclose(reg.predict_proba(flat), clf.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize(
    "X, params, match",
    [
        (np.zeros((10, 1, 1, 8, 8)), {}, "got 5 dimensions"),
        (np.zeros((10, 50)), {}, "50 features, which is not a perfect square"),
        (np.zeros((10, 64)), {"image_shape": (3, 8, 8)}, "holds 192 values per image"),
        (np.zeros((10, 64)), {"image_shape": (3, -1, 8)}, "not a multiple of 24"),
        (np.zeros((10, 64)), {"image_shape": (1, 2, 3, 4)}, "image_shape must be"),
        (np.zeros((10, 1, 8, 8)), {"image_shape": (2, 4, 8)}, "leave image_shape='auto'"),
        (np.zeros((10, 2, 2)), {"conv_channels": (4,), "padding": 0, "kernel_size": 3},
         "too small"),
        (np.zeros((10, 64)), {"kernel_size": (3, 3, 3)}, "pair of ints"),
        ([np.zeros((8, 8)), np.zeros((7, 8))], {}, "equally shaped images"),
    ],
)
def test_bad_input_raises_before_training(X, params, match):
    y = np.arange(10) % 2
    clf = CNNClassifier(max_iter=1, device="cpu", **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y[: len(X)])
    assert not hasattr(clf, "net_")


def test_bad_input_at_predict(small):
    X, y = small
    clf = CNNClassifier(**SMALL).fit(X.reshape(-1, 8, 8), y)
    with pytest.raises(ValueError, match=r"fitted on images of shape \(1, 8, 8\)"):
        clf.predict(np.zeros((2, 1, 7, 8)))
    with pytest.raises(ValueError, match="X has 63 features"):
        clf.predict(np.zeros((2, 63)))
    with pytest.raises(ValueError, match="2D array"):
        clf.predict(np.zeros(64))


def test_augmentation_with_lbfgs_is_refused(small):
    X, y = small
    with pytest.raises(ValueError, match="L-BFGS"):
        CNNClassifier(solver="lbfgs", random_shift=1, **SMALL).fit(X, y)


def test_input_is_never_modified(small):
    X, y = small
    images = X.reshape(-1, 1, 8, 8).astype(np.float32)
    images.setflags(write=False)
    copy = images.copy()
    clf = CNNClassifier(random_shift=2, random_flip="both", input_noise=0.1, **SMALL)
    clf.fit(images, y).predict(images)
    np.testing.assert_array_equal(images, copy)
    assert clf.predict_proba(images).dtype == np.float32


def test_augment_module_shifts_and_flips_only_in_training():
    torch.manual_seed(0)
    x = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).view(2, 1, 4, 4).repeat(50, 1, 1, 1)
    aug = ImageAugment(shift=1, flip="horizontal").train()
    out = aug(x)
    assert out.shape == x.shape
    changed = (out != x).flatten(1).any(dim=1)
    assert 0.5 < changed.float().mean() < 1.0  # most, not all, images move
    # every output pixel comes from the image (or the zero padding)
    assert set(out.unique().tolist()) <= set(x.unique().tolist()) | {0.0}
    aug.eval()
    assert aug(x) is x
    assert ImageAugment().train()(x) is x  # off by default


def test_augmentation_is_reproducible_and_off_at_predict(small):
    X, y = small
    a = CNNClassifier(random_shift=1, random_flip="horizontal", **SMALL).fit(X, y)
    b = CNNClassifier(random_shift=1, random_flip="horizontal", **SMALL).fit(X, y)
    plain = CNNClassifier(**SMALL).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict_proba(X), a.predict_proba(X))
    assert not np.allclose(a.predict_proba(X), plain.predict_proba(X))


@pytest.mark.parametrize(
    "params",
    [
        {"pooling": "avg", "global_pooling": "max", "batch_norm": True, "dropout": 0.2},
        {"pooling": None, "global_pooling": "avg", "stride": 2, "padding": 1},
        {"kernel_size": (3, 1), "padding": (1, 0), "activation": "tanh"},
    ],
)
def test_architecture_options(small, params):
    X, y = small
    clf = CNNClassifier(**{**SMALL, "max_iter": 3, **params}).fit(X, y)
    assert clf.predict_proba(X[:5]).shape == (5, 10)


def test_regressor_learns_image_brightness():
    rng = np.random.RandomState(0)
    images = rng.uniform(size=(400, 6, 6))
    y = np.c_[images[:, :3].sum(axis=(1, 2)), images[:, :, :3].sum(axis=(1, 2))]
    reg = CNNRegressor(conv_channels=(8,), pooling=None, hidden_layer_sizes=(32,),
                       learning_rate_init=0.01, max_iter=60, random_state=0, device="cpu")
    reg.fit(images[:300], y[:300])
    assert reg.predict(images[300:]).shape == (100, 2)
    assert reg.score(images[300:], y[300:]) > 0.8


def test_feature_names_from_dataframe(small):
    X, y = small
    df = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    clf = CNNClassifier(**SMALL).fit(df, y)
    assert list(clf.feature_names_in_) == list(df.columns)
    plain = CNNClassifier(**SMALL).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(df), plain.predict_proba(X))


def test_pipeline_gridsearch_cross_val_score(small):
    X, y = small
    pipe = make_pipeline(MinMaxScaler(), CNNClassifier(**SMALL))
    grid = {"cnnclassifier__pooling": ["max", "avg"]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    # the best candidate scores in the search exactly as it does fitted alone on the folds
    by_hand = cross_val_score(pipe.set_params(**search.best_params_), X, y, cv=2).mean()
    assert search.best_score_ == pytest.approx(by_hand, abs=1e-12)
    assert search.best_score_ == search.cv_results_["mean_test_score"].max()
    best = pipe.set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict_proba(X), best.predict_proba(X))
    to_images = FunctionTransformer(lambda Z: Z.reshape(-1, 8, 8))
    trained = CNNClassifier(**{**SMALL, "max_iter": 30, "learning_rate_init": 0.01})
    scores = cross_val_score(make_pipeline(to_images, trained), X, y, cv=3)
    assert scores.mean() > 0.8


def test_pickle_round_trip_and_seeded_refit(small):
    X, y = small
    clf = CNNClassifier(**SMALL).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    refit = CNNClassifier(**SMALL).fit(X, y)
    np.testing.assert_array_equal(refit.predict_proba(X), clf.predict_proba(X))


@pytest.mark.slow
def test_digits_default_cnn_beats_mlp_on_the_same_folds(digits):
    """Default CNNClassifier: >= 0.985 5-fold CV accuracy on 8x8 digits, above the MLP."""
    X, y = digits
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cnn = cross_val_score(CNNClassifier(random_state=0, device="cpu"), X, y, cv=cv)
    mlp = cross_val_score(MLPClassifier(random_state=0, device="cpu"), X, y, cv=cv)
    assert cnn.mean() >= 0.985
    assert cnn.mean() > mlp.mean()


@requires_cuda
@pytest.mark.gpu
def test_gpu_fit_with_augmentation(small):
    X, y = small
    params = {**SMALL, "device": "cuda", "random_shift": 1, "random_flip": "horizontal"}
    clf = CNNClassifier(**params).fit(X.reshape(-1, 8, 8), y)
    assert next(clf.net_.module_.parameters()).is_cuda
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    cpu = CNNClassifier(**{**SMALL, "max_iter": 30}).fit(X, y)
    gpu = CNNClassifier(**{**SMALL, "max_iter": 30, "device": "cuda"}).fit(X, y)
    assert abs(cpu.score(X, y) - gpu.score(X, y)) < 0.1


def test_early_stopping_and_partial_fit_on_images(small):
    X, y = small
    images = X.reshape(-1, 1, 8, 8)
    clf = CNNClassifier(early_stopping=True, **SMALL).fit(images, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    inc = CNNClassifier(**{**SMALL, "learning_rate_init": 0.01})
    inc.partial_fit(images[:100], y[:100], classes=np.arange(10))
    inc.partial_fit(images[100:], y[100:])
    assert inc.predict(images).shape == (300,) and len(inc.loss_curve_) == 2
    start = inc.score(images, y)
    for _ in range(8):
        inc.partial_fit(images, y)
    # every call trains one more epoch: the loss falls and accuracy rises well above chance
    assert inc.loss_curve_[-1] < 0.7 * inc.loss_curve_[2]
    assert inc.score(images, y) > max(start + 0.2, 0.6)
