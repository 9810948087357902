"""The MLPs inside scikit-learn's machinery: pipelines, search, CV, persistence."""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes, load_iris
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import MLPClassifier, MLPRegressor

FAST = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=60, random_state=0, device="cpu")


def _frame(n=240, seed=0):
    rng = np.random.RandomState(seed)
    df = pd.DataFrame(
        {
            "age": rng.normal(50, 10, n),
            "income": rng.lognormal(10, 1, n),
            "city": rng.choice(["paris", "oslo", "rome"], n),
            "plan": rng.choice(["a", "b"], n),
        }
    )
    signal = (df["age"] - 50) / 10 + (df["city"] == "oslo") * 2.0 - (df["plan"] == "b")
    return df, signal.to_numpy()


def _preprocess():
    return ColumnTransformer(
        [
            ("num", StandardScaler(), ["age", "income"]),
            ("cat", OneHotEncoder(sparse_output=False), ["city", "plan"]),
        ]
    )


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_column_transformer_pipeline_on_a_dataframe(kind):
    df, signal = _frame()
    if kind == "classifier":
        y = np.where(signal > 0, "high", "low")
        model = make_pipeline(_preprocess(), MLPClassifier(**FAST))
        threshold = 0.85
    else:
        y = signal
        model = make_pipeline(_preprocess(), MLPRegressor(**{**FAST, "max_iter": 150}))
        threshold = 0.85
    model.fit(df.iloc[:200], y[:200])
    assert model.score(df.iloc[200:], y[200:]) > threshold


def test_set_output_pandas_upstream_keeps_feature_names():
    df, signal = _frame()
    pre = _preprocess().set_output(transform="pandas")
    model = make_pipeline(pre, MLPRegressor(**FAST)).fit(df, signal)
    mlp = model[-1]
    assert list(mlp.feature_names_in_) == list(pre.get_feature_names_out())
    assert mlp.n_features_in_ == 7


def test_grid_search_and_cross_val_score_in_parallel():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**FAST))
    search = GridSearchCV(
        pipe, {"mlpclassifier__hidden_layer_sizes": [(2,), (32,)]}, cv=3, n_jobs=2
    ).fit(X, y)
    assert search.best_params_ == {"mlpclassifier__hidden_layer_sizes": (32,)}
    scores = cross_val_score(pipe, X, y, cv=KFold(3, shuffle=True, random_state=0), n_jobs=2)
    assert scores.shape == (3,) and scores.min() > 0.85


def test_clone_gives_an_unfitted_equal_estimator():
    clf = MLPClassifier(**FAST, dropout=0.1, batch_norm=True, l1=1e-4)
    fitted = clone(clf).fit(*load_iris(return_X_y=True))
    copy = clone(fitted)
    assert copy.get_params() == clf.get_params() and not hasattr(copy, "net_")


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_persistence_round_trip_keeps_predictions(dump, tmp_path):
    X, y = load_diabetes(return_X_y=True)
    reg = MLPRegressor(**{**FAST, "batch_norm": True, "dropout": 0.1}).fit(X, y / 100)
    if dump == "pickle":
        restored = pickle.loads(pickle.dumps(reg))
    else:
        path = tmp_path / "model.joblib"
        joblib.dump(reg, path)
        restored = joblib.load(path)
    np.testing.assert_array_equal(reg.predict(X), restored.predict(X))
    assert restored.loss_curve_ == reg.loss_curve_
    restored.partial_fit(X, y / 100)  # still trainable


def test_a_fitted_model_pickles_small():
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier(**FAST).fit(X, y)
    buf = io.BytesIO()
    pickle.dump(clf, buf)
    assert buf.tell() < 200_000  # weights + history, not the training data
