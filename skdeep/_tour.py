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


SECTIONS = [tour_mlp]


def run_tour(quick=False):
    """Run every section of the tour and print its table."""
    import torch

    import skdeep

    device = "cuda (" + torch.cuda.get_device_name() + ")" if torch.cuda.is_available() else "cpu"
    print(f"skdeep {skdeep.__version__} tour - torch {torch.__version__} on {device}")
    np.random.seed(0)
    for section in SECTIONS:
        section(quick)
