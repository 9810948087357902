"""Small graphs shared by the graph tests."""

import networkx as nx
import numpy as np
import torch


def karate():
    """Zachary's karate club and its two clubs as 0/1 labels."""
    G = nx.karate_club_graph()
    clubs = np.array([G.nodes[v]["club"] == "Officer" for v in G.nodes], dtype=int)
    return G, clubs


def two_communities(n=60, p_in=0.3, p_out=0.02, n_features=4, seed=0):
    """A two-block stochastic block model whose features barely inform the block."""
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1], n // 2)
    same = labels[:, None] == labels[None, :]
    upper = np.triu(rng.random((n, n)) < np.where(same, p_in, p_out), k=1)
    src, dst = np.nonzero(upper)
    edge_index = torch.as_tensor(np.vstack([np.r_[src, dst], np.r_[dst, src]]), dtype=torch.int64)
    x = rng.normal(size=(n, n_features)) + 0.3 * labels[:, None]
    return torch.as_tensor(x, dtype=torch.float32), edge_index, labels
