"""GraphAutoEncoder: unsupervised embeddings that carry the communities, in a Pipeline."""

import pickle
import warnings

import networkx as nx
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from skdeep.graph import GraphAutoEncoder


@pytest.fixture(scope="module")
def sbm():
    G = nx.stochastic_block_model([40, 40], [[0.25, 0.01], [0.01, 0.25]], seed=0)
    return G, np.repeat([0, 1], 40), np.arange(80)[:, None]


def _gae(G, **params):
    params = {"default_features": "one_hot", "random_state": 0, **params}
    return GraphAutoEncoder(graph=G, **params)


@pytest.mark.parametrize("variational", [False, True])
def test_embeddings_separate_the_communities(sbm, variational):
    G, y, nodes = sbm
    model = make_pipeline(_gae(G, variational=variational), LogisticRegression())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc = cross_val_score(model, nodes, y, cv=2).mean()
    dummy = cross_val_score(DummyClassifier(), nodes, y, cv=2).mean()
    # The one-hot inputs alone say nothing about unseen nodes; the embeddings do.
    raw = cross_val_score(LogisticRegression(), np.eye(80), y, cv=2).mean()
    assert acc > 0.9 and acc > dummy + 0.3 and acc > raw + 0.3


def test_transform_names_pickle_and_seed(sbm):
    G, _, nodes = sbm
    gae = _gae(G, hidden_layer_sizes=(16, 8), max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Z = gae.fit_transform(nodes)
        again = _gae(G, hidden_layer_sizes=(16, 8), max_iter=50).fit(nodes).transform(nodes)
    assert Z.shape == (80, 8) and np.isfinite(Z).all()
    np.testing.assert_array_equal(Z, again)
    np.testing.assert_array_equal(gae.transform([3, 1]), Z[[3, 1]])
    names = gae.get_feature_names_out()
    assert list(names) == [f"graphautoencoder{i}" for i in range(8)]
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(gae)).transform(nodes), Z)
    assert clone(gae).graph is G
    assert gae.loss_curve_[-1] < gae.loss_curve_[0]


def test_single_layer_and_other_convolutions(sbm):
    G, _, nodes = sbm
    for params in ({"hidden_layer_sizes": (8,)}, {"conv": "sage"}, {"conv": "gat", "heads": 2}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Z = _gae(G, max_iter=5, **params).fit_transform(nodes)
        assert Z.shape[0] == 80 and np.isfinite(Z).all()


def test_bad_input(sbm):
    G, _, nodes = sbm
    with pytest.raises(ValueError, match="out of range"):
        _gae(G).fit([[0], [80]])
    with pytest.raises(ValueError, match="early_stopping"):
        _gae(G, early_stopping=True).fit(nodes)
    with pytest.raises(ValueError, match="needs the graph"):
        GraphAutoEncoder().fit(nodes)
    ids = nodes.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gae = _gae(G, max_iter=2).fit(ids)
    np.testing.assert_array_equal(ids, nodes)
    with pytest.raises(ValueError, match="integers"):
        gae.transform([[0.5]])


def test_grid_search_over_the_encoder(sbm):
    G, y, nodes = sbm
    pipe = make_pipeline(_gae(G, max_iter=60), LogisticRegression())
    search = GridSearchCV(pipe, {"graphautoencoder__hidden_layer_sizes": [(16, 8), (8,)]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(nodes, y)
    assert search.best_score_ > 0.8
    assert search.best_estimator_[0].graph is G
