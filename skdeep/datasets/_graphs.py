"""A graph-classification task decided by structure alone."""

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["make_graph_classification"]


def _random_tree(n, rng):
    """A random recursive tree: node ``i`` hangs from a uniform earlier node."""
    parents = [int(rng.randint(0, i)) for i in range(1, n)]
    return [(p, i) for i, p in enumerate(parents, start=1)]


def make_graph_classification(
    n_samples=200, *, min_nodes=8, max_nodes=16, n_extra_edges=(2, 4), random_state=None
):
    """Trees (class 0) and graphs with cycles (class 1), without node features.

    Every graph starts as a random recursive tree on ``n`` nodes (``n`` uniform
    in ``[min_nodes, max_nodes]``; node ``i`` attaches to a uniform earlier
    node).  Class-1 graphs then get ``k`` extra edges between non-adjacent
    nodes (``k`` uniform in ``n_extra_edges``), which closes ``k`` independent
    cycles.  The
    label is therefore a property of the structure only (a graph is a tree iff
    it has ``n - 1`` edges and is connected); no node carries a feature, so a
    model must read it from the edges (the graph estimators give featureless
    graphs each node's degree).  The classes are balanced.

    Parameters
    ----------
    n_samples : int, default=200
        Number of graphs.
    min_nodes, max_nodes : int, default=8, 16
        Range of the number of nodes per graph (inclusive).
    n_extra_edges : tuple of int, default=(2, 4)
        Least and most edges added to a class-1 tree (inclusive).  More edges
        make the classes easier to tell apart.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    graphs : list of torch_geometric.data.Data
        Undirected graphs (both directions of each edge in ``edge_index``),
        ``num_nodes`` set, no ``x``.
    y : ndarray of shape (n_samples,)
        0 for a tree, 1 for a graph with a cycle.

    Examples
    --------
    >>> from skdeep.datasets import make_graph_classification
    >>> graphs, y = make_graph_classification(4, random_state=0)
    >>> [int(g.edge_index.shape[1] // 2 - g.num_nodes + 1) > 0 for g in graphs] == list(y == 1)
    True
    """
    from torch_geometric.data import Data

    if min_nodes < 3 or max_nodes < min_nodes:
        raise ValueError(
            f"Need 3 <= min_nodes <= max_nodes; got min_nodes={min_nodes}, "
            f"max_nodes={max_nodes} (a cycle needs 3 nodes)."
        )
    lo, hi = n_extra_edges
    if not 1 <= lo <= hi:
        raise ValueError(f"n_extra_edges must be (low, high) with 1 <= low <= high; got {n_extra_edges}.")
    rng = check_random_state(random_state)
    y = np.arange(n_samples) % 2
    rng.shuffle(y)
    graphs = []
    for label in y:
        n = int(rng.randint(min_nodes, max_nodes + 1))
        edges = _random_tree(n, rng)
        if label:
            present = {frozenset(e) for e in edges}
            n_extra = int(rng.randint(lo, hi + 1))
            n_extra = min(n_extra, (n - 1) * (n - 2) // 2)  # non-edges left
            while n_extra:
                u, v = (int(a) for a in rng.choice(n, 2, replace=False))
                if frozenset((u, v)) not in present:
                    present.add(frozenset((u, v)))
                    edges.append((u, v))
                    n_extra -= 1
        e = torch.tensor(edges, dtype=torch.int64).t()
        graphs.append(Data(edge_index=torch.cat([e, e.flip(0)], dim=1), num_nodes=n))
    return graphs, y
