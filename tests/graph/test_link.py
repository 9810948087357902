"""LinkPredictor: quality on held-out edges, no leak of scored pairs, sklearn behaviour."""

import pickle
import warnings

import networkx as nx
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from torch_geometric.data import Data

from skdeep.graph import LinkPredictor
from skdeep.graph._link_modules import prepare_graph
from skdeep.graph._negative_sampling import pair_keys, sample_negative_pairs


def _split_sbm(seed=0):
    """A 4-block SBM with 20% of its edges held out, scored against non-edges."""
    G = nx.stochastic_block_model([20] * 4, np.where(np.eye(4), 0.4, 0.01), seed=seed)
    edges = np.array(G.edges())
    rng = np.random.RandomState(seed)
    test = rng.rand(len(edges)) < 0.2
    G_train = nx.Graph()
    G_train.add_nodes_from(G)
    G_train.add_edges_from(edges[~test])
    cand = rng.randint(0, 80, (2000, 2))
    non_edges = np.array([(u, v) for u, v in cand if u != v and not G.has_edge(u, v)])
    n_test = int(test.sum())
    pairs = np.vstack([edges[test], non_edges[:n_test]])
    y = np.r_[np.ones(n_test), np.zeros(n_test)].astype(int)
    train_neg = non_edges[n_test : n_test + int((~test).sum())]
    return G, G_train, edges[~test], train_neg, pairs, y


def _fit(graph, X, y=None, **params):
    params = {"default_features": "one_hot", "max_iter": 100, "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LinkPredictor(graph=graph, **params).fit(X, y)


@pytest.fixture(scope="module")
def sbm():
    return _split_sbm()


@pytest.fixture(scope="module")
def fitted(sbm):
    _, G_train, train_pos, _, _, _ = sbm
    return _fit(G_train, train_pos)


def test_held_out_edges_auc_beats_degree_baseline(sbm, fitted):
    _, G_train, _, _, pairs, y = sbm
    auc = fitted.score(pairs, y)
    deg = dict(G_train.degree())
    preferential = [deg[u] * deg[v] for u, v in pairs]  # degree-only baseline
    assert auc > 0.8
    assert auc > roc_auc_score(y, preferential) + 0.1
    proba = fitted.predict_proba(pairs)
    assert proba.shape == (len(pairs), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(fitted.predict(pairs), (proba[:, 1] > 0.5).astype(int))
    assert fitted.negative_sampling_


def test_encoder_sees_only_the_held_graph(sbm):
    """Labelled pairs -- even held-out edges labelled 1 -- never enter message passing."""
    G, G_train, train_pos, _, pairs, y = sbm
    held_out = pairs[y == 1]
    model = _fit(G_train, np.vstack([train_pos, held_out]), max_iter=5)
    module = model.net_.module_
    graph_keys = set(map(tuple, module.edge_index.t().tolist()))
    assert not any((u, v) in graph_keys or (v, u) in graph_keys for u, v in held_out)
    assert graph_keys == {(u, v) for u, v in G_train.edges()} | {
        (v, u) for u, v in G_train.edges()
    }
    # The embeddings are a function of the held graph alone ...
    ei = torch.as_tensor(np.array(list(G_train.edges())).T)
    ei = torch.cat([ei, ei.flip(0)], dim=1)
    module.eval()
    with torch.no_grad():
        z = module.encode()
        direct = module.encoder(module.x, *prepare_graph(module.encoder, ei, 80))
        np.testing.assert_allclose(z, direct, atol=1e-5)
    # ... so a pair's score does not depend on which other pairs are scored with it.
    together = model.decision_function(pairs)
    alone = np.array([model.decision_function(p[None])[0] for p in pairs[:10]])
    np.testing.assert_allclose(alone, together[:10], rtol=1e-5, atol=1e-6)


def test_explicit_negatives_train_on_given_pairs(sbm):
    _, G_train, train_pos, train_neg, pairs, y = sbm
    X = np.vstack([train_pos, train_neg])
    yy = np.r_[np.ones(len(train_pos)), np.zeros(len(train_neg))]
    model = _fit(G_train, X, yy)
    assert not model.negative_sampling_
    assert model.score(pairs, y) > 0.75
    with pytest.raises(ValueError, match="negative_sampling=False"):
        _fit(G_train, train_pos, negative_sampling=False)


@pytest.mark.parametrize(
    "params", [{"decoder": "mlp"}, {"conv": "gat", "heads": 2}, {"conv": "sage"}, {"conv": "gin"}]
)
def test_decoders_and_convolutions_learn(sbm, params):
    _, G_train, train_pos, _, pairs, y = sbm
    assert _fit(G_train, train_pos, **params).score(pairs, y) > 0.7


def test_early_stopping_with_positives_only(sbm):
    _, G_train, train_pos, _, pairs, y = sbm
    model = _fit(G_train, train_pos, early_stopping=True, n_iter_no_change=10, max_iter=300)
    assert model.n_iter_ < 300
    assert 0.5 < model.best_validation_score_ <= 1.0
    assert model.score(pairs, y) > 0.75


def test_seeded_pickle_clone_and_grid_search(sbm, fitted):
    _, G_train, train_pos, train_neg, pairs, _ = sbm
    again = _fit(G_train, train_pos)
    np.testing.assert_array_equal(again.decision_function(pairs), fitted.decision_function(pairs))
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.decision_function(pairs), fitted.decision_function(pairs))
    assert clone(fitted).graph is fitted.graph
    X = np.vstack([train_pos, train_neg])
    yy = np.r_[np.ones(len(train_pos)), np.zeros(len(train_neg))]
    search = GridSearchCV(
        LinkPredictor(graph=G_train, default_features="one_hot", max_iter=30, random_state=0),
        {"decoder": ["dot", "mlp"]},
        cv=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, yy)
    # the best candidate scores in the search exactly as it does fitted alone on the folds
    best = clone(search.estimator).set_params(**search.best_params_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_hand = cross_val_score(best, X, yy, cv=2).mean()
    assert search.best_score_ == pytest.approx(by_hand, abs=1e-12)
    assert 0.5 < search.best_score_ <= 1.0
    assert search.best_estimator_.graph is G_train


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[0, 1, 2]]), r"shape \(n_pairs, 2\)"),
        (np.array([0, 1]), r"shape \(n_pairs, 2\)"),
        (np.array([[0, 80]]), "out of range"),
        (np.array([[-1, 3]]), ">= 0"),
        (np.array([[0.5, 3]]), "integers"),
    ],
)
def test_bad_pairs(sbm, X, match):
    _, G_train, *_ = sbm
    with pytest.raises(ValueError, match=match):
        LinkPredictor(graph=G_train, default_features="one_hot").fit(X, [1])


def test_bad_labels_graph_and_nothing_modified():
    x = torch.rand(5, 3)
    ei = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 4]])
    data = Data(x=x, edge_index=ei)
    X = np.array([[0, 1], [1, 2], [3, 4]])
    X_before, x_before, ei_before = X.copy(), x.clone(), ei.clone()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LinkPredictor(graph=data).fit(X, [1, 0])
    with pytest.raises(ValueError, match="0 \\(no edge\\) and 1"):
        LinkPredictor(graph=data).fit(X, [1, 2, 0])
    with pytest.raises(ValueError, match="needs the graph"):
        LinkPredictor().fit(X)
    bad = Data(x=torch.tensor([[np.nan]] * 5), edge_index=ei)
    with pytest.raises(ValueError, match="NaN"):
        LinkPredictor(graph=bad).fit(X)
    LinkPredictor(graph=data, max_iter=2).fit(X)
    np.testing.assert_array_equal(X, X_before)
    assert torch.equal(data.x, x_before) and torch.equal(data.edge_index, ei_before)
    assert data.x is x


def test_negative_sampler_avoids_edges_and_is_seeded():
    ei = torch.tensor([[0, 1, 2], [1, 2, 3]])
    excluded = pair_keys(ei, 6)
    torch.manual_seed(0)
    a = sample_negative_pairs(6, 500, excluded)
    torch.manual_seed(0)
    b = sample_negative_pairs(6, 500, excluded)
    assert torch.equal(a, b) and a.shape == (2, 500)
    keys = set((a[0] * 6 + a[1]).tolist())
    assert not keys & set(excluded.tolist())
    assert (a[0] != a[1]).all()
    # every allowed pair turns up: 30 ordered pairs minus 6 excluded
    assert len(keys) == 30 - 6
