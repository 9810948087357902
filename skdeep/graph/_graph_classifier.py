"""GraphClassifier: one label per graph, from message passing and global pooling.

``X`` is a list of graphs.  Each is validated by :func:`to_data` and the list is
stored as one zero-padded block per graph (node features ``(n, N_max, d)``,
edges ``(n, E_max, 2)`` and the true node and edge counts), so the shared
training loop can slice mini-batches of graphs by index on the device, as it
does rows of a matrix; the module unpads a batch into one disconnected
``torch_geometric`` batch graph before the convolutions.
"""

import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions
from torch import nn

from .._docstrings import TRAINING_ATTRIBUTES, training_params_doc
from .._heads import ClassifierHead
from .._layers import make_activation
from ..base import BaseNeuralEstimator
from ._input import to_data
from ._link import GRAPH_CONSTRAINTS
from ._link_modules import prepare_graph
from ._modules import GNNModule

__all__ = ["GraphClassifier", "GraphLevelModule"]

POOLINGS = ("mean", "sum", "max", "attention")


def _as_graph_list(X, feature_key, default_features):
    """Validate a list of graphs -> list of ``Data`` (new objects), same feature width."""
    from torch_geometric.data import Data

    if isinstance(X, Data) or type(X).__module__.startswith("networkx"):
        raise TypeError(
            "X must be a list of graphs, one per sample; got a single graph. Wrap it "
            "in a list ([graph]) to classify one graph."
        )
    if isinstance(X, np.ndarray) and X.dtype == object:
        X = list(X)
    if not isinstance(X, (list, tuple)):
        raise TypeError(
            f"X must be a list of graphs (torch_geometric Data or networkx graphs); got "
            f"{type(X).__name__}."
        )
    if len(X) == 0:
        raise ValueError("X is an empty list of graphs; at least one graph is needed.")
    datas = []
    for i, g in enumerate(X):
        try:
            datas.append(to_data(g, feature_key=feature_key, default_features=default_features))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"Graph X[{i}]: {exc}") from exc
    widths = [d.x.shape[1] for d in datas]
    bad = next((i for i, w in enumerate(widths) if w != widths[0]), None)
    if bad is not None:
        raise ValueError(
            f"All graphs must have the same number of node features; X[0] has "
            f"{widths[0]} and X[{bad}] has {widths[bad]}."
        )
    return datas


def pad_graphs(datas):
    """``(x, n_nodes, edges, n_edges)``: zero-padded arrays, one row per graph."""
    n_nodes = np.array([d.num_nodes for d in datas], dtype=np.int64)
    n_edges = np.array([d.edge_index.shape[1] for d in datas], dtype=np.int64)
    width = datas[0].x.shape[1]
    x = np.zeros((len(datas), n_nodes.max(), width), dtype=np.float32)
    edges = np.zeros((len(datas), max(int(n_edges.max()), 1), 2), dtype=np.int64)
    for i, d in enumerate(datas):
        x[i, : n_nodes[i]] = d.x.numpy()
        edges[i, : n_edges[i]] = d.edge_index.t().numpy()
    return x, n_nodes, edges, n_edges


class GraphLevelModule(nn.Module):
    """Convolutions -> global pooling -> linear read-out, on padded graph batches.

    ``forward(x, n_nodes, edges, n_edges)`` takes the blocks of :func:`pad_graphs`
    (``x`` of shape ``(B, N, d)``, ``edges`` ``(B, E, 2)``, counts ``(B,)``) and
    returns logits of shape ``(B, n_outputs)``.
    """

    def __init__(self, gnn, width, pooling, n_outputs, activation="relu", dropout=0.0):
        super().__init__()
        from torch_geometric.nn import AttentionalAggregation

        self.gnn = gnn
        self.activation = make_activation(activation)
        self.pooling = pooling
        if pooling == "attention":
            self.attention = AttentionalAggregation(nn.Linear(width, 1))
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()
        self.output = nn.Linear(width, n_outputs)

    def pool(self, h, batch, size):
        from torch_geometric.nn import global_add_pool, global_max_pool, global_mean_pool

        if self.pooling == "attention":
            return self.attention(h, index=batch, dim_size=size)
        pool = {"mean": global_mean_pool, "sum": global_add_pool, "max": global_max_pool}
        return pool[self.pooling](h, batch, size)

    def embed(self, x, n_nodes, edges, n_edges):
        """The pooled graph embeddings ``(B, width)``."""
        size, n_max = x.shape[0], int(n_nodes.max())
        nodes = torch.arange(n_max, device=x.device) < n_nodes[:, None]
        links = torch.arange(edges.shape[1], device=x.device) < n_edges[:, None]
        offset = torch.cumsum(n_nodes, 0) - n_nodes
        edge_index = (edges + offset[:, None, None])[links].t()
        batch = torch.repeat_interleave(torch.arange(size, device=x.device), n_nodes)
        h = x[:, :n_max][nodes]
        edge_index, edge_weight = prepare_graph(self.gnn, edge_index, h.shape[0])
        h = self.activation(self.gnn(h, edge_index, edge_weight))
        return self.pool(h, batch, size)

    def forward(self, x, n_nodes, edges, n_edges):
        return self.output(self.dropout(self.embed(x, n_nodes, edges, n_edges)))


class GraphClassifier(ClassifierHead, BaseNeuralEstimator):
    _fixed_dtype = torch.float32  # graph features are float32 (see to_data)
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **{k: v for k, v in GRAPH_CONSTRAINTS.items() if k != "graph"},
        "pooling": [StrOptions(set(POOLINGS))],
    }

    def __init__(
        self,
        conv="sage",
        hidden_layer_sizes=(32, 32),
        activation="relu",
        *,
        pooling="sum",
        heads=1,
        feature_key="x",
        default_features="degree",
        solver="adam",
        alpha=0.0,
        batch_size=32,
        learning_rate="constant",
        learning_rate_init=0.01,
        power_t=0.5,
        max_iter=50,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        batch_norm=False,
        l1=0.0,
        max_norm=None,
        input_noise=0.0,
        device="auto",
        callbacks=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            batch_norm=batch_norm,
            l1=l1,
            max_norm=max_norm,
            input_noise=input_noise,
            device=device,
            callbacks=callbacks,
        )
        self.conv = conv
        self.pooling = pooling
        self.heads = heads
        self.feature_key = feature_key
        self.default_features = default_features

    def _validate_X(self, X, reset):
        datas = _as_graph_list(X, self.feature_key, self.default_features)
        width = datas[0].x.shape[1]
        if reset:
            self.n_features_in_ = width
        elif width != self.n_features_in_:
            raise ValueError(
                f"The graphs have {width} node features, but {type(self).__name__} was "
                f"fitted on graphs with {self.n_features_in_}."
            )
        return datas

    def _training_inputs(self, X):
        return pad_graphs(X)

    def _build_module(self, X, y):
        sizes = self._hidden_layer_sizes()
        gnn = GNNModule(
            self.n_features_in_,
            sizes[:-1],
            sizes[-1],
            conv=self.conv,
            heads=self.heads,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )
        return GraphLevelModule(
            gnn, sizes[-1], self.pooling, self.n_outputs_, self.activation, self.dropout
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.classifier_tags.multi_label = False
        return tags


_GC_PARAMS = """
    conv : {'gcn', 'gat', 'sage', 'gin'}, default='sage'
        The message-passing layer.  GraphSAGE keeps each node's own state
        beside the mean of its neighbours' (a root weight), which with sum
        pooling reads counts such as edges minus nodes; GIN (Xu et al., 2019)
        is in theory as discriminative but trains less smoothly on degree
        features (see the user guide).

    hidden_layer_sizes : array-like of int, default=(32, 32)
        Output width of each graph convolution (every one is followed by the
        activation); the last is the width of the pooled graph embedding.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \\
'gelu'}, default='relu'
        Activation after each convolution.

    pooling : {'sum', 'mean', 'max', 'attention'}, default='sum'
        Global readout over each graph's nodes: ``global_add_pool``,
        ``global_mean_pool``, ``global_max_pool`` or a learnt softmax attention
        (:class:`~torch_geometric.nn.aggr.AttentionalAggregation`).

    heads : int, default=1
        Attention heads of GAT layers.

    feature_key : str, default='x'
        The node-feature attribute of each ``Data`` or networkx graph.

    default_features : {'degree', 'one_hot', 'raise'}, default='degree'
        Features of graphs that have none; ``'one_hot'`` only works when every
        graph has the same number of nodes (it gives ``n_nodes`` columns).
"""

GraphClassifier.__doc__ = f"""Graph classification: a label for each whole graph.

    Every graph goes through the same graph convolutions; a global pooling
    turns its node states into one vector
    :math:`h_G = \\mathrm{{pool}}(\\{{h_v : v \\in G\\}})` and a linear layer
    with softmax (or logistic, for two classes) gives the class probabilities,
    trained with the log-loss.  ``X`` is a list of graphs
    (:class:`torch_geometric.data.Data` or networkx graphs, with node features
    of one width, or none: see ``default_features``); lists index like arrays,
    so ``cross_val_score`` and ``GridSearchCV`` split graphs as they split
    rows.  Edge attributes and edge weights are not used.

    Parameters
    ----------{_GC_PARAMS}
{training_params_doc(
    alpha="0.0", batch_size="32", learning_rate_init="0.01", max_iter="50"
)}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_features_in_ : int
        Width of the node features.
{TRAINING_ATTRIBUTES}
    See Also
    --------
    skdeep.datasets.make_graph_classification : Trees versus graphs with cycles.

    Examples
    --------
    >>> from skdeep.datasets import make_graph_classification
    >>> from skdeep.graph import GraphClassifier
    >>> graphs, y = make_graph_classification(200, random_state=0)
    >>> clf = GraphClassifier(max_iter=30, random_state=0).fit(graphs[:150], y[:150])
    >>> clf.score(graphs[150:], y[150:]) > 0.9
    True
    """
