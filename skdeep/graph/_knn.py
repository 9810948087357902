"""The k-nearest-neighbour graph used when a graph estimator gets no graph (``graph=None``).

Each training row becomes a node whose incoming edges come from its ``k``
nearest other training rows.  At prediction every new row becomes an extra node
whose incoming edges come from its ``k`` nearest *training* rows only, so a new
row's prediction depends on the training data and on itself, never on the other
rows it is predicted with (the inductive convention of
:class:`sklearn.semi_supervised.LabelSpreading`).
"""

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

__all__ = ["KNNGraph"]


class KNNGraph:
    """A directed k-nearest-neighbour graph over training rows, extendable by new rows.

    Parameters
    ----------
    X : ndarray of shape (n_train, d)
        Training rows.
    k : int
        Number of neighbours feeding each node (capped by the number of rows).
    """

    def __init__(self, X, k):
        self.X = np.asarray(X)  # float32 or float64, as validated
        self.k = int(k)
        self.nn = NearestNeighbors().fit(self.X)
        n = self.X.shape[0]
        k_fit = min(self.k, n - 1)
        if k_fit > 0:
            idx = self.nn.kneighbors(n_neighbors=k_fit, return_distance=False)
            self.edge_index = _edges(idx, offset=0)
        else:
            self.edge_index = torch.empty((2, 0), dtype=torch.int64)

    def training_data(self):
        """The training graph as a ``Data`` (node ``i`` = training row ``i``)."""
        from torch_geometric.data import Data

        return Data(x=torch.from_numpy(self.X), edge_index=self.edge_index, num_nodes=len(self.X))

    def extended_data(self, X_new):
        """Training graph plus ``X_new`` as nodes ``n_train ..``; returns ``(data, ids)``."""
        from torch_geometric.data import Data

        n = self.X.shape[0]
        X_new = np.asarray(X_new, dtype=self.X.dtype)
        idx = self.nn.kneighbors(X_new, n_neighbors=min(self.k, n), return_distance=False)
        edge_index = torch.cat([self.edge_index, _edges(idx, offset=n)], dim=1)
        x = torch.from_numpy(np.concatenate([self.X, X_new]))
        ids = np.arange(n, n + X_new.shape[0])
        return Data(x=x, edge_index=edge_index, num_nodes=x.shape[0]), ids


def _edges(neighbours, offset):
    """``neighbours[i]`` -> edges ``neighbours[i, j] -> offset + i``."""
    m, k = neighbours.shape
    src = torch.from_numpy(np.ascontiguousarray(neighbours, dtype=np.int64).ravel())
    dst = torch.arange(offset, offset + m).repeat_interleave(k)
    return torch.stack([src, dst])
