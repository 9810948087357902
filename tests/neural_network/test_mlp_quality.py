"""Quality beside scikit-learn's MLPs on bundled data, same folds, same architecture."""

import warnings

from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor


def _cv(model, X, y, cv):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=cv).mean()


def test_digits_accuracy_within_one_point_of_sklearn():
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    params = dict(hidden_layer_sizes=(64,), max_iter=40, random_state=0)
    ours = _cv(MLPClassifier(**params, device="cpu"), X, y, cv)
    theirs = _cv(SkMLPClassifier(**params), X, y, cv)
    assert ours > 0.95
    assert ours >= theirs - 0.01, (ours, theirs)


def test_diabetes_r2_comparable_to_sklearn():
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(5, shuffle=True, random_state=0)
    params = dict(hidden_layer_sizes=(32,), max_iter=300, random_state=0)
    ours = _cv(MLPRegressor(**params, device="cpu"), X, y / 100, cv)
    theirs = _cv(SkMLPRegressor(**params), X, y / 100, cv)
    assert ours > 0.4
    assert ours >= theirs - 0.02, (ours, theirs)
