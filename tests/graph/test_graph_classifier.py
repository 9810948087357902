"""GraphClassifier: a structural task, pooling, model selection, bad input."""

import pickle
import warnings

import networkx as nx
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from torch_geometric.data import Data

from skdeep.datasets import make_graph_classification
from skdeep.graph import GraphClassifier


@pytest.fixture(scope="module")
def task():
    graphs, y = make_graph_classification(200, random_state=0)
    return graphs[:150], y[:150], graphs[150:], y[150:]


def _fit(X, y, **params):
    params = {"max_iter": 30, "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GraphClassifier(**params).fit(X, y)


@pytest.fixture(scope="module")
def fitted(task):
    X, y, _, _ = task
    return _fit(X, y)


def test_trees_versus_cycles(task, fitted):
    X, y, X_test, y_test = task
    acc = fitted.score(X_test, y_test)
    assert acc >= 0.95
    # Node counts alone do not give the answer: the label is in the edges.
    sizes = np.array([[g.num_nodes] for g in X])
    sizes_test = np.array([[g.num_nodes] for g in X_test])
    baseline = LogisticRegression().fit(sizes, y).score(sizes_test, y_test)
    assert acc > baseline + 0.2
    proba = fitted.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2)
    np.testing.assert_array_equal(fitted.classes_[proba.argmax(1)], fitted.predict(X_test))


def test_generator_labels_are_structural():
    graphs, y = make_graph_classification(50, random_state=1)
    cyclomatic = np.array([g.edge_index.shape[1] // 2 - g.num_nodes + 1 for g in graphs])
    np.testing.assert_array_equal(cyclomatic > 0, y == 1)
    assert abs(y.mean() - 0.5) < 0.05
    with pytest.raises(ValueError, match="n_extra_edges"):
        make_graph_classification(4, n_extra_edges=(0, 2))


@pytest.mark.parametrize("pooling", ["mean", "max", "attention"])
def test_poolings_learn(task, pooling):
    X, y, X_test, y_test = task
    clf = _fit(X, y, pooling=pooling, max_iter=20)
    dummy = DummyClassifier().fit(X, y).score(X_test, y_test)
    assert clf.score(X_test, y_test) > dummy + 0.2


def test_networkx_graphs_give_the_same_model(task):
    X, y, X_test, _ = task
    as_nx = [nx.Graph(g.edge_index.t().tolist()) for g in X[:40]]
    for g, d in zip(as_nx, X[:40]):
        g.add_nodes_from(range(d.num_nodes))
    a = _fit(X[:40], y[:40], max_iter=3)
    b = _fit(as_nx, y[:40], max_iter=3)
    np.testing.assert_allclose(a.predict_proba(X_test), b.predict_proba(X_test), atol=1e-6)


def test_cross_validation_grid_search_pickle(task, fitted):
    X, y, X_test, _ = task
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_val_score(GraphClassifier(max_iter=10, random_state=0), X, y, cv=3)
        search = GridSearchCV(
            GraphClassifier(max_iter=10, random_state=0), {"pooling": ["sum", "mean"]}, cv=2
        ).fit(X[:80], y[:80])
    assert scores.shape == (3,) and scores.mean() > 0.7
    assert search.best_params_["pooling"] in {"sum", "mean"}
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X_test), fitted.predict_proba(X_test))
    again = _fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X_test), fitted.predict_proba(X_test))
    assert clone(fitted).get_params()["pooling"] == "sum"


def test_early_stopping(task):
    X, y, X_test, y_test = task
    clf = _fit(X, y, early_stopping=True, max_iter=60, n_iter_no_change=10)
    assert clf.n_iter_ <= 60 and clf.best_validation_score_ is not None
    assert clf.score(X_test, y_test) > 0.8


def _graph(n, width, x=None):
    ei = torch.tensor([[i for i in range(n - 1)], [i + 1 for i in range(n - 1)]])
    x = torch.rand(n, width) if x is None else x
    return Data(x=x, edge_index=torch.cat([ei, ei.flip(0)], dim=1))


def test_bad_input_is_refused_before_training():
    good = [_graph(4, 3), _graph(5, 3), _graph(3, 3), _graph(6, 3)]
    before = [g.x.clone() for g in good]
    with pytest.raises(ValueError, match="empty list of graphs"):
        GraphClassifier().fit([], [])
    with pytest.raises(TypeError, match="got a single graph"):
        GraphClassifier().fit(good[0], [0])
    with pytest.raises(ValueError, match="same number of node features; X\\[0\\] has 3 and X\\[2\\] has 2"):
        GraphClassifier().fit(good[:2] + [_graph(3, 2)], [0, 1, 0])
    nan = _graph(3, 3, x=torch.tensor([[np.nan] * 3] * 3))
    with pytest.raises(ValueError, match="Graph X\\[1\\]: .*NaN"):
        GraphClassifier().fit([good[0], nan], [0, 1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        GraphClassifier().fit(good, [0, 1, 0])
    with pytest.raises(TypeError, match="list of graphs"):
        GraphClassifier().fit(np.zeros((4, 3)), [0, 1, 0, 1])
    clf = _fit(good, [0, 1, 0, 1], max_iter=2)
    with pytest.raises(ValueError, match="fitted on graphs with 3"):
        clf.predict([_graph(3, 2)])
    for g, x in zip(good, before):
        assert torch.equal(g.x, x)
