"""Graph input: turn what a user passes into a validated ``torch_geometric`` ``Data``.

Every graph estimator holds its graph as a constructor parameter and calls
:func:`to_data` inside ``fit``.  The user's object is never modified: the
returned :class:`~torch_geometric.data.Data` is a new object whose tensors are
shared with the input where nothing had to change, and freshly allocated where
something did (a dtype conversion, default features).  skdeep never writes into
those tensors.

:func:`check_node_ids` validates ``X`` for the node-level estimators (a column of
node ids), and :class:`SharedGraphMixin` makes :func:`sklearn.base.clone` pass
the graph by reference instead of deep-copying it for every clone.
"""

import copy
from numbers import Integral

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import clone

__all__ = ["to_data", "check_node_ids", "SharedGraphMixin", "networkx_node_order"]

DEFAULT_FEATURES = ("degree", "one_hot", "raise")


def _is_networkx(graph):
    return type(graph).__module__.startswith("networkx")


def networkx_node_order(G):
    """The networkx nodes in the order that gives them the ids 0 to n - 1.

    If the nodes are exactly the integers ``0 .. n - 1`` (as in
    ``networkx.karate_club_graph()``), node ``i`` keeps id ``i`` whatever order
    the nodes were inserted in.  Otherwise nodes get ids in the graph's own
    iteration order, which for networkx is insertion order (the convention of
    :func:`torch_geometric.utils.from_networkx`).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The graph.

    Returns
    -------
    nodes : list
        ``nodes[i]`` is the networkx node with id ``i``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("b", "a"), ("a", "c")])
    >>> networkx_node_order(G)
    ['b', 'a', 'c']
    """
    nodes = list(G.nodes)
    n = len(nodes)
    if all(isinstance(v, Integral) and not isinstance(v, bool) for v in nodes):
        if set(nodes) == set(range(n)):
            return list(range(n))
    return nodes


def _default_features(n_nodes, edge_index, default_features):
    if default_features == "degree":
        deg = torch.zeros(n_nodes, dtype=torch.float32)
        if edge_index.numel():
            deg.index_add_(0, edge_index[1], torch.ones(edge_index.shape[1]))
        return deg.unsqueeze(1)
    if default_features == "one_hot":
        return torch.eye(n_nodes, dtype=torch.float32)
    raise ValueError(
        "The graph has no node features. Attach a feature matrix (Data.x, a networkx "
        "node attribute named by feature_key, or the second item of an (adjacency, "
        "features) pair), or pass default_features='degree' (one column: each node's "
        "degree) or 'one_hot' (the n x n identity)."
    )


def _as_feature_tensor(x, n_nodes, source):
    """Features as a float32 ``(n_nodes, d)`` tensor, checked finite (no copy if possible)."""
    if isinstance(x, torch.Tensor):
        t = x
    else:
        if sp.issparse(x):
            x = x.toarray()
        arr = np.asarray(x)
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"Node features from {source} must be numeric; got dtype {arr.dtype}."
            )
        t = torch.from_numpy(np.ascontiguousarray(arr))
    if t.is_complex() or not (t.is_floating_point() or t.dtype in _INT_DTYPES):
        raise TypeError(f"Node features from {source} must be numeric; got {t.dtype}.")
    if t.ndim == 1:
        t = t.unsqueeze(1)
    if t.ndim != 2:
        raise ValueError(
            f"Node features from {source} must be 2-D (n_nodes, n_features); got shape "
            f"{tuple(t.shape)}."
        )
    if t.shape[0] != n_nodes:
        raise ValueError(
            f"Node features from {source} have {t.shape[0]} rows but the graph has "
            f"{n_nodes} nodes; there must be one feature row per node."
        )
    if t.shape[1] == 0:
        raise ValueError(f"Node features from {source} have 0 columns.")
    if t.dtype != torch.float32:
        t = t.to(torch.float32)  # a new tensor; the user's stays as it was
    if not torch.isfinite(t).all():
        bad = int((~torch.isfinite(t)).any(dim=1).sum())
        raise ValueError(
            f"Node features from {source} contain NaN or infinity ({bad} nodes affected). "
            "Impute or drop them before building the graph (e.g. "
            "sklearn.impute.SimpleImputer on the feature matrix)."
        )
    return t


_INT_DTYPES = (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool)


def _check_edge_index(edge_index, n_nodes):
    if not isinstance(edge_index, torch.Tensor):
        edge_index = torch.as_tensor(np.asarray(edge_index))
    if edge_index.is_floating_point() or edge_index.dtype == torch.bool:
        raise TypeError(f"edge_index must hold integer node ids; got dtype {edge_index.dtype}.")
    if edge_index.ndim != 2 or edge_index.shape[0] != 2:
        raise ValueError(
            f"edge_index must have shape (2, n_edges); got {tuple(edge_index.shape)}."
        )
    if edge_index.dtype != torch.int64:
        edge_index = edge_index.to(torch.int64)
    if edge_index.numel():
        lo, hi = int(edge_index.min()), int(edge_index.max())
        if lo < 0 or hi >= n_nodes:
            raise ValueError(
                f"edge_index holds node ids from {lo} to {hi}, but the graph has {n_nodes} "
                f"nodes (valid ids are 0 to {n_nodes - 1}). Fix the edge list or set "
                "num_nodes / add the missing feature rows."
            )
    return edge_index


def _from_data(data, feature_key, default_features):
    out = copy.copy(data)  # shallow: a new store, the same tensors
    n_nodes = data.num_nodes
    if n_nodes is None or n_nodes == 0:
        raise ValueError("The graph has no nodes.")
    if data.edge_index is None:
        out.edge_index = torch.empty((2, 0), dtype=torch.int64)
    else:
        out.edge_index = _check_edge_index(data.edge_index, n_nodes)
    x = getattr(data, feature_key, None) if feature_key in data else None
    if x is None:
        x = _default_features(n_nodes, out.edge_index, default_features)
        source = "the default features"
    else:
        source = f"Data.{feature_key}"
    out.x = _as_feature_tensor(x, n_nodes, source)
    if feature_key != "x" and feature_key in out:
        del out[feature_key]
    out.num_nodes = n_nodes
    return out


def _from_networkx(G, feature_key, default_features):
    from torch_geometric.data import Data

    nodes = networkx_node_order(G)
    n_nodes = len(nodes)
    if n_nodes == 0:
        raise ValueError("The networkx graph has no nodes.")
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    if edges:
        ei = torch.tensor(edges, dtype=torch.int64).t()
        if not G.is_directed():
            loops = ei[0] == ei[1]
            ei = torch.cat([ei, ei[:, ~loops].flip(0)], dim=1)
    else:
        ei = torch.empty((2, 0), dtype=torch.int64)
    attrs = [G.nodes[v].get(feature_key) for v in nodes]
    have = [a is not None for a in attrs]
    if any(have) and not all(have):
        missing = [nodes[i] for i, h in enumerate(have) if not h][:5]
        raise ValueError(
            f"{len(have) - sum(have)} of {n_nodes} nodes have no {feature_key!r} attribute "
            f"(e.g. {missing}); give every node a feature vector or none at all."
        )
    if all(have):
        try:
            x = np.asarray([np.ravel(np.asarray(a)) for a in attrs])
        except ValueError as exc:
            raise ValueError(
                f"The {feature_key!r} node attributes have different lengths; every node "
                "needs a feature vector of the same length."
            ) from exc
        source = f"the networkx node attribute {feature_key!r}"
    else:
        x = _default_features(n_nodes, ei, default_features)
        source = "the default features"
    data = Data(edge_index=ei, num_nodes=n_nodes)
    data.x = _as_feature_tensor(x, n_nodes, source)
    return data


def _from_adjacency(adjacency, features, default_features):
    from torch_geometric.data import Data

    if not sp.issparse(adjacency):
        adjacency = np.asarray(adjacency)
        if adjacency.ndim != 2:
            raise ValueError(
                f"The adjacency matrix must be 2-D; got shape {adjacency.shape}."
            )
    if adjacency.shape[0] != adjacency.shape[1]:
        raise ValueError(
            f"The adjacency matrix must be square (n_nodes, n_nodes); got shape "
            f"{adjacency.shape}."
        )
    n_nodes = adjacency.shape[0]
    if n_nodes == 0:
        raise ValueError("The adjacency matrix has no nodes.")
    coo = sp.coo_matrix(adjacency)  # a new object; the user's matrix is untouched
    values = np.asarray(coo.data)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"The adjacency matrix must be numeric; got dtype {values.dtype}.")
    if not np.isfinite(values).all():
        raise ValueError("The adjacency matrix contains NaN or infinite edge weights.")
    keep = values != 0
    ei = torch.from_numpy(np.vstack([coo.row[keep], coo.col[keep]]).astype(np.int64))
    data = Data(edge_index=ei, num_nodes=n_nodes)
    weights = values[keep].astype(np.float32)
    if weights.size and not np.all(weights == 1):
        if np.any(weights < 0):
            raise ValueError("The adjacency matrix has negative edge weights.")
        data.edge_weight = torch.from_numpy(weights)
    if features is None:
        x = _default_features(n_nodes, ei, default_features)
        source = "the default features"
    else:
        x, source = features, "the feature matrix"
    data.x = _as_feature_tensor(x, n_nodes, source)
    return data


def to_data(graph, *, feature_key="x", default_features="degree"):
    """Validate a graph and return it as a :class:`torch_geometric.data.Data`.

    Parameters
    ----------
    graph : Data, networkx graph or tuple (adjacency, features)
        One of

        * a :class:`torch_geometric.data.Data` with ``edge_index`` of shape
          ``(2, n_edges)`` and node features ``x`` of shape ``(n_nodes, d)``
          (other attributes, e.g. ``y`` or masks, are kept);
        * a networkx graph whose nodes carry a feature vector in the node
          attribute ``feature_key``.  Node ids follow
          :func:`networkx_node_order`: nodes labelled exactly ``0 .. n - 1`` keep
          their labels, other nodes are numbered in insertion order.  An
          undirected graph gives both directions of each edge;
        * a pair ``(adjacency, features)``: a square scipy sparse (or dense)
          adjacency matrix, entry ``(i, j) != 0`` meaning an edge ``i -> j``
          (non-unit values become ``edge_weight``), and a ``(n_nodes, d)``
          feature matrix or ``None``.

    feature_key : str, default="x"
        Name of the node-feature attribute (on ``Data`` or on networkx nodes).

    default_features : {"degree", "one_hot", "raise"}, default="degree"
        What a graph without node features gets: ``"degree"`` one column holding
        each node's (in-)degree, ``"one_hot"`` the ``n x n`` identity (one
        learnable embedding per node; memory grows as ``n**2``), ``"raise"`` a
        ``ValueError``.

    Returns
    -------
    data : torch_geometric.data.Data
        A new object with ``x`` (float32, finite), ``edge_index`` (int64, ids in
        range) and ``num_nodes``; possibly ``edge_weight``.  Tensors that needed
        no change are shared with the input, never written to.

    Raises
    ------
    TypeError
        For an unsupported graph type or non-numeric features/edges.
    ValueError
        For out-of-range edges, NaN/infinite features, a non-square adjacency,
        features whose row count differs from the node count, or missing features
        with ``default_features="raise"``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> adjacency = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]))
    >>> data = to_data((adjacency, np.eye(3)))
    >>> data.num_nodes, data.edge_index.shape[1], data.x.shape
    (3, 4, torch.Size([3, 3]))
    """
    if default_features not in DEFAULT_FEATURES:
        raise ValueError(
            f"default_features must be one of {DEFAULT_FEATURES}; got {default_features!r}."
        )
    from torch_geometric.data import Data

    if isinstance(graph, Data):
        return _from_data(graph, feature_key, default_features)
    if _is_networkx(graph):
        return _from_networkx(graph, feature_key, default_features)
    if isinstance(graph, tuple) and len(graph) == 2:
        return _from_adjacency(graph[0], graph[1], default_features)
    if sp.issparse(graph):
        return _from_adjacency(graph, None, default_features)
    raise TypeError(
        "graph must be a torch_geometric.data.Data, a networkx graph or a tuple "
        f"(scipy sparse adjacency, feature matrix); got {type(graph).__name__}."
    )


def check_node_ids(X, n_nodes):
    """Validate ``X`` as node ids into a graph of ``n_nodes`` nodes.

    Parameters
    ----------
    X : array-like of shape (n_samples, 1) or (n_samples,)
        Node ids: integers (or floats without a fractional part) in
        ``[0, n_nodes)``.
    n_nodes : int
        Number of nodes of the graph.

    Returns
    -------
    ids : ndarray of shape (n_samples,) and dtype int64
        A new array; ``X`` is not modified.

    Examples
    --------
    >>> check_node_ids([[0], [2.0]], n_nodes=3)
    array([0, 2])
    """
    if sp.issparse(X):
        raise TypeError(
            "X must be a dense column of node ids, not a sparse matrix; for node "
            "features pass graph=None."
        )
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    arr = np.asarray(X)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"X must be a column of node ids, shape (n_samples, 1) or (n_samples,); got "
            f"shape {arr.shape}. The node features live in the graph; X only says which "
            "nodes to use."
        )
    if arr.shape[0] == 0:
        raise ValueError("X holds 0 node ids; at least one is required.")
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"Node ids in X must be integers; got dtype {arr.dtype}.")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError("Node ids in X contain NaN or infinity; ids must be integers.")
        frac = arr != np.floor(arr)
        if frac.any():
            raise ValueError(
                f"Node ids in X must be integers; got {arr[frac][:3].tolist()} with a "
                "fractional part."
            )
    if arr.min() < 0:
        raise ValueError(
            f"Node ids in X must be >= 0; got {arr.min()}. Ids run from 0 to {n_nodes - 1}."
        )
    if arr.max() >= n_nodes:
        raise ValueError(
            f"Node id {arr.max()} in X is out of range: the graph has {n_nodes} nodes "
            f"(ids 0 to {n_nodes - 1})."
        )
    return arr.astype(np.int64)  # always a copy


class SharedGraphMixin:
    """Make :func:`sklearn.base.clone` share the ``graph`` parameter by reference.

    scikit-learn's default clone deep-copies every parameter that is not an
    estimator, which for a graph estimator inside ``GridSearchCV`` or
    ``cross_validate`` would copy the whole graph once per candidate and fold.
    Graph estimators never write into their graph, so every clone can hold the
    same object.  (With ``n_jobs > 1`` joblib still pickles the estimator, and
    with it the graph, to each worker process.)

    Graph networks compute in float32, the dtype of the graph features
    :func:`to_data` makes (``X`` holds node ids, not the features).
    """

    _fixed_dtype = torch.float32

    def __sklearn_clone__(self):
        params = self.get_params(deep=False)
        new_params = {
            name: value if name == "graph" else clone(value, safe=False)
            for name, value in params.items()
        }
        new = type(self)(**new_params)
        if hasattr(self, "_metadata_request"):
            new._metadata_request = copy.deepcopy(self._metadata_request)
        if hasattr(self, "_sklearn_output_config"):
            new._sklearn_output_config = copy.deepcopy(self._sklearn_output_config)
        return new
