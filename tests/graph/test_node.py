"""GraphNodeClassifier: quality on small graphs, CV over node ids, early stopping, sampling."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from torch_geometric.data import Data

from skdeep.graph import PUBLISHED_DEFAULTS, GraphNodeClassifier

from ._graphs import karate, two_communities

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("conv", ["gcn", "sage"])
def test_karate_two_labelled_nodes(conv):
    G, clubs = karate()
    clf = GraphNodeClassifier(G, conv=conv, default_features="one_hot", random_state=0)
    clf.fit([[0], [33]], clubs[[0, 33]])
    rest = np.arange(1, 33)
    assert clf.score(rest, clubs[rest]) >= 0.9
    proba = clf.predict_proba(rest)
    assert proba.shape == (32, 2) and np.allclose(proba.sum(axis=1), 1)


def test_karate_two_fold_cross_validation():
    G, clubs = karate()
    clf = GraphNodeClassifier(G, default_features="one_hot", random_state=0)
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    scores = cross_val_score(clf, np.arange(34).reshape(-1, 1), clubs, cv=cv)
    assert scores.shape == (2,) and scores.min() >= 0.85


def test_cross_validation_keeps_the_edges_of_held_out_nodes():
    # Features are noise-level; the community shows only through the edges. A fold's
    # test nodes are classified through their edges to training nodes: cutting the
    # graph per fold (the skorch-tutorial trap) would leave them nothing to go on.
    x, edge_index, labels = two_communities(n=80, p_in=0.2, p_out=0.01)
    ids = np.arange(80)
    with_edges = Data(x=x, edge_index=edge_index)
    without = Data(x=x, edge_index=torch.empty((2, 0), dtype=torch.int64))
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    clf = GraphNodeClassifier(with_edges, max_iter=100, random_state=0)
    graph_score = cross_val_score(clf, ids, labels, cv=cv).mean()
    no_graph_score = cross_val_score(clf.set_params(graph=without), ids, labels, cv=cv).mean()
    assert graph_score >= 0.9
    assert no_graph_score <= graph_score - 0.15


def test_same_seed_same_predictions_and_defaults_resolve_per_conv():
    x, edge_index, labels = two_communities()
    data = Data(x=x, edge_index=edge_index)
    fits = [
        GraphNodeClassifier(data, conv="gat", max_iter=20, random_state=3).fit(
            np.arange(0, 60, 3), labels[::3]
        )
        for _ in range(2)
    ]
    ids = np.arange(60)
    assert np.array_equal(fits[0].predict_proba(ids), fits[1].predict_proba(ids))
    clf = fits[0]
    assert clf.get_params()["dropout"] == "auto"  # stored unchanged
    gat = clf.net_.module_.gnn.convs[0]
    assert gat.heads == PUBLISHED_DEFAULTS["gat"]["heads"]
    assert gat.out_channels == PUBLISHED_DEFAULTS["gat"]["hidden_layer_sizes"][0]
    assert clf.net_.optimizer_.param_groups[0]["lr"] == 0.005


def test_gcn_weight_decay_on_the_first_layer_only():
    x, edge_index, labels = two_communities()
    clf = GraphNodeClassifier(Data(x=x, edge_index=edge_index), max_iter=1)
    clf.fit(np.arange(0, 60, 6), labels[::6])
    groups = clf.net_.optimizer_.param_groups
    first = {id(p) for p in clf.net_.module_.gnn.convs[0].parameters()}
    for group in groups:
        expected = 5e-4 if {id(p) for p in group["params"]} <= first else 0.0
        assert group["weight_decay"] == expected
    assert len(groups) == 2


def test_validation_nodes_drive_early_stopping():
    G, clubs = karate()
    clf = GraphNodeClassifier(
        G, default_features="one_hot", early_stopping=True, n_iter_no_change=10,
        random_state=0,
    )
    val = np.arange(1, 11)
    clf.fit([0, 33], clubs[[0, 33]], X_val=val, y_val=clubs[val])
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # the best weights are restored: the score on the validation nodes is the best one
    assert clf.score(val, clubs[val]) == pytest.approx(clf.best_validation_score_)


def test_mini_batch_neighbour_sampling_learns_and_is_reproducible():
    x, edge_index, labels = two_communities(n=120, p_in=0.15, p_out=0.01)
    data = Data(x=x, edge_index=edge_index)
    train = np.arange(0, 120, 2)
    test = np.arange(1, 120, 2)
    params = dict(conv="sage", num_neighbors=[5, 3], batch_size=16, max_iter=30, random_state=0)
    clf = GraphNodeClassifier(data, **params).fit(train, labels[train])
    assert clf.score(test, labels[test]) >= 0.85
    assert clf.sampler_ in ("NeighborSampler", "PyGNeighborSampler")
    again = GraphNodeClassifier(data, **params).fit(train, labels[train])
    assert np.array_equal(clf.predict_proba(test), again.predict_proba(test))


def test_graph_none_builds_a_knn_graph_over_rows():
    from sklearn.datasets import make_moons

    X, y = make_moons(300, noise=0.1, random_state=0)
    clf = GraphNodeClassifier(conv="sage", n_neighbors=8, random_state=0)
    clf.fit(X[:200], y[:200])
    assert clf.score(X[200:], y[200:]) >= 0.9
    # a row's prediction depends on the training rows and itself, not on its batch mates
    assert np.allclose(clf.predict_proba(X[200:210]), clf.predict_proba(X[200:])[:10], atol=1e-6)
    assert clf.n_features_in_ == 2


def test_warns_when_max_iter_is_reached():
    G, clubs = karate()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
            GraphNodeClassifier(G, max_iter=3, n_iter_no_change=100).fit([0, 33], clubs[[0, 33]])
