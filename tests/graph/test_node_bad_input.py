"""Bad input to GraphNodeClassifier: clear errors before training, the graph untouched."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import torch
from torch_geometric.data import Data

from skdeep.graph import GraphNodeClassifier

from ._graphs import karate


def _fit(graph, X, y, **params):
    return GraphNodeClassifier(graph, max_iter=2, random_state=0, **params).fit(X, y)


@pytest.fixture
def data():
    x = torch.randn(6, 3)
    edge_index = torch.tensor([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]])
    return Data(x=x, edge_index=edge_index)


@pytest.mark.parametrize(
    "X, match",
    [
        ([[6]], "out of range: the graph has 6 nodes"),
        ([-1, 2], "must be >= 0"),
        ([0.5, 1], "fractional part"),
        ([np.nan, 1], "NaN"),
        (np.zeros((2, 2)), r"column of node ids.*shape \(2, 2\)"),
        ([], "0 node ids"),
    ],
)
def test_bad_node_ids(data, X, match):
    y = np.arange(len(X)) % 2
    with pytest.raises(ValueError, match=match):
        _fit(data, X, y)


def test_string_node_ids(data):
    with pytest.raises(TypeError, match="must be integers"):
        _fit(data, np.array(["a", "b"]), [0, 1])


def test_bad_node_ids_at_predict(data):
    clf = _fit(data, [0, 5], [0, 1])
    with pytest.raises(ValueError, match="out of range"):
        clf.predict([[7]])


def test_edge_index_out_of_range(data):
    data.edge_index = torch.tensor([[0, 9], [1, 2]])
    with pytest.raises(ValueError, match="node ids from 0 to 9, but the graph has 6 nodes"):
        _fit(data, [0, 1], [0, 1])


def test_edge_index_wrong_shape(data):
    data.edge_index = torch.tensor([0, 1, 2])
    with pytest.raises(ValueError, match=r"shape \(2, n_edges\)"):
        _fit(data, [0, 1], [0, 1])


def test_nan_features_and_the_graph_is_unmodified(data):
    data.x[2, 1] = float("nan")
    before = data.x.clone()
    with pytest.raises(ValueError, match=r"NaN or infinity \(1 nodes affected\)"):
        _fit(data, [0, 1], [0, 1])
    assert torch.equal(torch.isnan(data.x), torch.isnan(before))
    assert set(data.keys()) == {"x", "edge_index"}


def test_no_features_raise_or_default():
    G = nx.path_graph(5)
    with pytest.raises(ValueError, match="no node features.*default_features"):
        _fit(G, [0, 4], [0, 1], default_features="raise")
    clf = _fit(G, [0, 4], [0, 1])  # degree features by default
    assert clf.net_.module_.gnn.convs[0].in_channels == 1


def test_some_networkx_nodes_without_features():
    G = nx.path_graph(3)
    G.nodes[0]["x"] = [1.0, 2.0]
    with pytest.raises(ValueError, match="2 of 3 nodes have no 'x' attribute"):
        _fit(G, [0, 1], [0, 1])


def test_adjacency_not_square_and_feature_rows():
    with pytest.raises(ValueError, match="must be square"):
        _fit((sp.eye(3, 4, format="csr"), np.ones((3, 2))), [0, 1], [0, 1])
    with pytest.raises(ValueError, match="have 4 rows but the graph has 3 nodes"):
        _fit((sp.eye(3, format="csr"), np.ones((4, 2))), [0, 1], [0, 1])


def test_unsupported_graph_type():
    with pytest.raises(TypeError, match="graph must be a torch_geometric.data.Data"):
        _fit([[0, 1]], [0, 1], [0, 1])


def test_y_wrong_length(data):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _fit(data, [0, 1, 2], [0, 1])


def test_validation_nodes_need_early_stopping_and_both_parts():
    G, clubs = karate()
    clf = GraphNodeClassifier(G, max_iter=2)
    with pytest.raises(ValueError, match="set early_stopping=True"):
        clf.fit([0, 33], clubs[[0, 33]], X_val=[1, 2], y_val=clubs[[1, 2]])
    with pytest.raises(ValueError, match="both X_val and y_val"):
        clf.set_params(early_stopping=True).fit([0, 33], clubs[[0, 33]], X_val=[1, 2])
    with pytest.raises(ValueError, match="out of range"):
        clf.fit([0, 33], clubs[[0, 33]], X_val=[1, 99], y_val=[0, 1])


def test_num_neighbors_must_match_the_layers(data):
    with pytest.raises(ValueError, match="num_neighbors must be an int or 2 ints"):
        _fit(data, [0, 1], [0, 1], num_neighbors=[5, 5, 5])


def test_bad_conv(data):
    with pytest.raises(ValueError, match="'conv' parameter"):
        _fit(data, [0, 1], [0, 1], conv="cheb")


def test_user_graph_unchanged_by_fit_and_predict():
    G, clubs = karate()
    edges_before = sorted(G.edges)
    attrs_before = {v: dict(G.nodes[v]) for v in G.nodes}
    clf = GraphNodeClassifier(G, default_features="one_hot", max_iter=3, random_state=0)
    clf.fit([0, 33], clubs[[0, 33]]).predict(np.arange(34))
    assert sorted(G.edges) == edges_before
    assert {v: dict(G.nodes[v]) for v in G.nodes} == attrs_before
