"""The tour: each family cross-validated on bundled data, beside a reference.

Every section prints the mean score over the same folds for skdeep's estimator
and for the scikit-learn (or scikit-survival) model it is compared with.
"""

import time
import warnings

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def _row(name, model, X, y, cv, **kwargs):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_val_score(model, X, y, cv=cv, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {name:<34}{scores.mean():>8.4f} +- {scores.std():.4f}{seconds:>8.1f}s")
    return scores.mean()


def _section(title, metric):
    print(f"\n{title}\n  {'model':<34}{metric:>8}{'':>10}{'time':>8}")


def tour_mlp(quick):
    from sklearn.datasets import load_diabetes, load_digits
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier
    from sklearn.neural_network import MLPRegressor as SkMLPRegressor

    from . import MLPClassifier, MLPRegressor

    folds = 3 if quick else 5
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    params = dict(hidden_layer_sizes=(64,), max_iter=20 if quick else 40, random_state=0)
    _section(f"Digits (1797 images, 10 classes), {folds}-fold CV", "accuracy")
    _row("skdeep.MLPClassifier", make_pipeline(StandardScaler(), MLPClassifier(**params)), X, y, cv)
    _row("sklearn MLPClassifier", make_pipeline(StandardScaler(), SkMLPClassifier(**params)), X, y, cv)

    X, y = load_diabetes(return_X_y=True)
    cv = KFold(folds, shuffle=True, random_state=0)
    params = dict(hidden_layer_sizes=(32,), max_iter=150 if quick else 300, random_state=0)
    _section(f"Diabetes (442 patients), {folds}-fold CV", "R^2")
    _row("skdeep.MLPRegressor", make_pipeline(StandardScaler(), MLPRegressor(**params)), X, y / 100, cv)
    _row("sklearn MLPRegressor", make_pipeline(StandardScaler(), SkMLPRegressor(**params)), X, y / 100, cv)


def tour_images_and_sequences(quick):
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    from . import CNNClassifier, RNNClassifier

    folds = 3 if quick else 5
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    _section(f"Digits as 8x8 images and as 8-step sequences, {folds}-fold CV", "accuracy")
    epochs = dict(max_iter=10) if quick else {}
    _row("skdeep.CNNClassifier (defaults)", CNNClassifier(random_state=0, **epochs), X.reshape(-1, 8, 8), y, cv)
    _row("skdeep.RNNClassifier (LSTM)", RNNClassifier(random_state=0, **epochs), X.reshape(-1, 8, 8), y, cv)
    _row("sklearn MLPClassifier (64,)", SkMLPClassifier((64,), max_iter=200, random_state=0), X, y, cv)


def tour_survival(quick):
    from sksurv.datasets import load_gbsg2
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    from .survival import DeepHit, DeepSurv, LogisticHazard

    folds = 3 if quick else 5
    X, y = load_gbsg2()
    pre = _survival_preprocessor()
    cv = KFold(folds, shuffle=True, random_state=0)
    epochs = dict(max_iter=30) if quick else {}
    _section(f"GBSG2 breast cancer survival (686 patients), {folds}-fold CV", "C-index")
    for name, model in [
        ("skdeep.survival.DeepSurv", DeepSurv(random_state=0, **epochs)),
        ("skdeep.survival.LogisticHazard", LogisticHazard(random_state=0, **epochs)),
        ("skdeep.survival.DeepHit", DeepHit(random_state=0, **epochs)),
        ("sksurv CoxPHSurvivalAnalysis", CoxPHSurvivalAnalysis()),
    ]:
        _row(name, make_pipeline(pre, model), X, y, cv)


def _survival_preprocessor():
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    return make_column_transformer(
        (OneHotEncoder(drop="first", sparse_output=False), make_column_selector(dtype_include="category")),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )


SECTIONS = [tour_mlp, tour_images_and_sequences, tour_survival]


def run_tour(quick=False):
    """Run every section of the tour and print its table."""
    import torch

    import skdeep

    device = "cuda (" + torch.cuda.get_device_name() + ")" if torch.cuda.is_available() else "cpu"
    print(f"skdeep {skdeep.__version__} tour - torch {torch.__version__} on {device}")
    np.random.seed(0)
    for section in SECTIONS:
        section(quick)
