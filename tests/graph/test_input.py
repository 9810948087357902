"""Graph input: to_data, check_node_ids and clone sharing the graph."""

import pickle
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from torch_geometric.data import Data

from skdeep.graph import GraphNodeClassifier, check_node_ids, networkx_node_order, to_data


def test_data_is_shared_not_copied_and_untouched():
    x = torch.randn(5, 3)
    ei = torch.tensor([[0, 1, 2], [1, 2, 3]])
    data = Data(x=x, edge_index=ei, y=torch.arange(5))
    out = to_data(data)
    assert out is not data
    assert out.x is x and out.edge_index is ei  # nothing needed converting: no copy
    assert torch.equal(out.y, data.y)
    out.x = torch.zeros(5, 3)  # the copy's store is its own
    assert data.x is x


def test_data_converted_dtypes_leave_the_input_alone():
    x = torch.randn(4, 2, dtype=torch.float64)
    ei = torch.tensor([[0, 1], [2, 3]], dtype=torch.int32)
    data = Data(x=x, edge_index=ei)
    out = to_data(data)
    assert out.x.dtype == torch.float32 and out.edge_index.dtype == torch.int64
    assert data.x.dtype == torch.float64 and data.edge_index.dtype == torch.int32


def test_networkx_integer_labels_keep_their_ids():
    G = nx.Graph()
    G.add_nodes_from([2, 0, 1])
    G.add_edge(2, 0)
    for v in G.nodes:
        G.nodes[v]["x"] = [float(v), 1.0]
    data = to_data(G)
    assert data.x[:, 0].tolist() == [0.0, 1.0, 2.0]
    assert sorted(map(tuple, data.edge_index.t().tolist())) == [(0, 2), (2, 0)]


def test_networkx_other_labels_follow_insertion_order():
    G = nx.Graph([("b", "a"), ("a", "c")])
    assert networkx_node_order(G) == ["b", "a", "c"]
    data = to_data(G)  # no features: one degree column
    assert data.x[:, 0].tolist() == [1.0, 2.0, 1.0]


def test_adjacency_pair_with_weights():
    adjacency = sp.csr_matrix(np.array([[0, 2.0, 0], [2.0, 0, 1.0], [0, 1.0, 0]]))
    before = adjacency.copy()
    data = to_data((adjacency, np.ones((3, 2))))
    assert data.edge_index.shape == (2, 4)
    assert sorted(data.edge_weight.tolist()) == [1.0, 1.0, 2.0, 2.0]
    assert (adjacency != before).nnz == 0


def test_default_features():
    G = nx.path_graph(4)
    assert to_data(G).x[:, 0].tolist() == [1.0, 2.0, 2.0, 1.0]
    assert torch.equal(to_data(G, default_features="one_hot").x, torch.eye(4))
    with pytest.raises(ValueError, match="no node features"):
        to_data(G, default_features="raise")


def test_check_node_ids_accepts_columns_and_whole_floats():
    X = np.array([[3.0], [0.0]])
    ids = check_node_ids(X, 4)
    assert ids.dtype == np.int64 and ids.tolist() == [3, 0]
    ids[0] = 1
    assert X[0, 0] == 3.0


@pytest.fixture(scope="module")
def big_graph():
    # 200k nodes x 64 features (51 MB) + 1M edges (16 MB): a deep copy is noticeable.
    g = torch.Generator().manual_seed(0)
    n = 200_000
    x = torch.randn(n, 64, generator=g)
    edge_index = torch.randint(0, n, (2, 1_000_000), generator=g)
    return Data(x=x, edge_index=edge_index)


def test_clone_shares_the_graph(big_graph):
    clf = GraphNodeClassifier(big_graph, hidden_layer_sizes=(4,))
    copy = clone(clf)
    assert copy.graph is big_graph
    assert copy.hidden_layer_sizes == (4,) and copy is not clf
    clf.set_params(hidden_layer_sizes=(8,))
    assert copy.hidden_layer_sizes == (4,)


def test_grid_search_shares_the_graph():
    G = nx.karate_club_graph()
    graph = to_data(G, default_features="one_hot")
    x_before = graph.x.clone()
    seen = []

    class Recording(GraphNodeClassifier):
        def fit(self, X, y, **kw):
            seen.append(self.graph)
            return super().fit(X, y, **kw)

    ids = np.arange(34)
    y = np.arange(34) % 2
    search = GridSearchCV(
        Recording(graph, max_iter=2, random_state=0), {"dropout": [0.0, 0.5]}, cv=2
    )
    search.fit(ids, y)
    assert len(seen) == 5 and all(g is graph for g in seen)
    assert torch.equal(graph.x, x_before)


def test_pickled_estimator_round_trips():
    G = nx.karate_club_graph()
    clf = GraphNodeClassifier(G, default_features="one_hot", max_iter=5, random_state=0)
    clf.fit([0, 33], [0, 1])
    restored = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(restored.predict_proba(np.arange(34)), clf.predict_proba(np.arange(34)))
