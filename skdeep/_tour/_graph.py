"""Tour section: graph node classification beside scikit-learn's label spreading."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold

from ._core import section


class GraphLabelSpreading(ClassifierMixin, BaseEstimator):
    """scikit-learn's ``LabelSpreading`` on a graph, with node ids as ``X``.

    Transductive like a GCN: ``fit`` spreads the labels of the nodes in ``X``
    over the whole graph (the symmetrically normalised adjacency is the
    kernel); ``predict`` reads the spread labels of the nodes asked for.
    """

    def __init__(self, adjacency=None, alpha=0.2, max_iter=100):
        self.adjacency = adjacency
        self.alpha = alpha
        self.max_iter = max_iter

    def fit(self, X, y):
        from sklearn.semi_supervised import LabelSpreading

        nodes = np.asarray(X).ravel().astype(int)
        n = self.adjacency.shape[0]
        labels = np.full(n, -1)
        labels[nodes] = y
        adjacency = self.adjacency

        def kernel(A, B):
            return adjacency[np.ix_(A.ravel().astype(int), B.ravel().astype(int))]

        self.model_ = LabelSpreading(kernel=kernel, alpha=self.alpha, max_iter=self.max_iter)
        self.model_.fit(np.arange(n).reshape(-1, 1).astype(float), labels)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.transduction_[np.asarray(X).ravel().astype(int)]


def _layout(adjacency):
    """networkx's spring layout when networkx is installed, else a spectral layout."""
    try:
        import networkx as nx
    except ImportError:
        pass
    else:
        positions = nx.spring_layout(nx.from_numpy_array(adjacency), seed=0)
        return np.array([positions[i] for i in range(len(adjacency))])
    degree = adjacency.sum(axis=1)
    d = 1 / np.sqrt(np.maximum(degree, 1))
    laplacian = np.eye(len(degree)) - d[:, None] * adjacency * d[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    return vectors[:, 1:3] * d[:, None]


@section("graph", "Karate club: graph neural network beside label spreading", "accuracy",
         requires=("skdeep.graph", "torch_geometric"), order=50)
def karate_club(ctx):
    from torch_geometric.datasets import KarateClub

    from ..graph import GraphNodeClassifier

    data = KarateClub()[0]
    n = data.num_nodes
    y = data.y.numpy()
    adjacency = np.zeros((n, n))
    edges = data.edge_index.numpy()
    adjacency[edges[0], edges[1]] = 1.0
    node_ids = np.arange(n).reshape(-1, 1)
    folds = min(ctx.folds, int(np.bincount(y).min()))
    ctx.result.description = (
        f"Zachary's karate club ({n} members, {edges.shape[1] // 2} friendships, "
        f"{len(np.unique(y))} communities; bundled with PyTorch Geometric), {folds}-fold "
        "stratified CV over the nodes. X is a column of node ids: both models see the "
        "whole graph and only the training nodes' labels (transductive). GCN and GAT "
        f"have their published settings{' but 100 epochs' if ctx.quick else ''}; the "
        "baseline is scikit-learn's LabelSpreading with the adjacency as kernel."
    )
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    epochs = ctx.epochs(100)
    gcn, gat, spread = ctx.cv([
        ("skdeep.graph GCN", GraphNodeClassifier(graph=data, **ctx.skdeep(**epochs)), False),
        ("skdeep.graph GAT", GraphNodeClassifier(graph=data, conv="gat", **ctx.skdeep(**epochs)),
         False),
        ("sklearn LabelSpreading (graph)", GraphLabelSpreading(adjacency), True),
    ], node_ids, y, cv, oof=True)

    def draw(axes):
        xy = _layout(adjacency)
        for ax, row, name in [(axes[0], gcn, "GCN"), (axes[1], spread, "label spreading")]:
            ax.plot(*np.array([[xy[i], xy[j], [np.nan, np.nan]]
                               for i, j in edges.T if i < j]).reshape(-1, 2).T,
                    color="0.75", lw=0.6, zorder=1)
            wrong = row.oof_predictions != y
            ax.scatter(*xy.T, c=row.oof_predictions, cmap="tab10", vmin=0, vmax=9, s=70,
                       edgecolors=np.where(wrong, "red", "black"),
                       linewidths=np.where(wrong, 2.0, 0.5), zorder=2)
            ax.set_title(f"{name}: {np.mean(~wrong):.0%} of nodes right out of fold")
            ax.set_axis_off()

    ctx.figure("Out-of-fold predictions on the graph",
               "Each member coloured by the community the model predicted when it was in "
               "the test fold; red rings mark mistakes.", draw, size=(10, 4.6), ncols=2)
