"""Torch modules of the graph family (no scikit-learn in here).

:class:`GNNModule` is a stack of message-passing layers from
:mod:`torch_geometric.nn` mapping node features to per-node outputs;
:class:`NodeModule` binds it to one graph so that it can be called with a batch of
node ids, which is what skdeep's training loop feeds a module.
"""

import torch
from torch import nn

from .._layers import make_activation

__all__ = ["GNNModule", "NodeModule", "CONVS"]

CONVS = ("gcn", "gat", "sage", "gin")


def _conv(kind, n_in, n_out, *, heads=1, concat=True, dropout=0.0):
    from torch_geometric import nn as gnn

    if kind == "gcn":
        # GNNModule.prepare normalises the adjacency once per graph, not per layer and step.
        return gnn.GCNConv(n_in, n_out, normalize=False)
    if kind == "gat":
        return gnn.GATConv(n_in, n_out, heads=heads, concat=concat, dropout=dropout)
    if kind == "sage":
        return gnn.SAGEConv(n_in, n_out)
    mlp = nn.Sequential(nn.Linear(n_in, n_out), nn.ReLU(), nn.Linear(n_out, n_out))
    return gnn.GINConv(mlp, train_eps=True)


class GNNModule(nn.Module):
    r"""Message-passing layers: ``dropout -> conv -> [norm] -> activation`` per hidden layer.

    The output layer is a convolution too (as in Kipf & Welling, 2017 and
    Velickovic et al., 2018), so a network with ``L`` hidden layers aggregates
    over ``L + 1`` hops.

    Parameters
    ----------
    n_features : int
        Width ``d`` of the node features.
    hidden_layer_sizes : sequence of int
        Hidden widths; for ``conv="gat"`` the width *per head*.
    n_outputs : int
        Output width per node.
    conv : {"gcn", "gat", "sage", "gin"}
        :class:`~torch_geometric.nn.conv.GCNConv`,
        :class:`~torch_geometric.nn.conv.GATConv`,
        :class:`~torch_geometric.nn.conv.SAGEConv` (mean aggregation) or
        :class:`~torch_geometric.nn.conv.GINConv` (a two-layer MLP per layer).
    heads : int
        Attention heads of the hidden GAT layers (concatenated); the output
        layer has one head.
    activation : str
        Name of a hidden activation (see :data:`skdeep._layers.ACTIVATIONS`).
    dropout : float
        Dropout on the input of every layer (and on GAT's attention weights).
    batch_norm : bool
        Batch-normalise each hidden layer's output.

    Shapes: ``forward(x, edge_index, edge_weight=None)`` takes ``x`` of shape
    ``(n_nodes, d)`` and ``edge_index`` of shape ``(2, n_edges)`` and returns
    ``(n_nodes, n_outputs)``.
    """

    def __init__(
        self,
        n_features,
        hidden_layer_sizes,
        n_outputs,
        conv="gcn",
        heads=1,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
    ):
        super().__init__()
        self.conv_kind = conv
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        n_in = n_features
        for width in hidden_layer_sizes:
            self.convs.append(_conv(conv, n_in, width, heads=heads, dropout=dropout))
            n_in = width * heads if conv == "gat" else width
            self.norms.append(nn.BatchNorm1d(n_in) if batch_norm else nn.Identity())
        self.convs.append(_conv(conv, n_in, n_outputs, heads=1, concat=False, dropout=dropout))
        self.activation = make_activation(activation)
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()

    def prepare(self, edge_index, edge_weight, n_nodes):
        r"""The ``(edge_index, edge_weight)`` that :meth:`forward` expects for a graph.

        For GCN this is the symmetric normalisation
        :math:`\hat D^{-1/2} (A + I) \hat D^{-1/2}` (computed once per graph
        rather than in every layer at every step); the other layers take the
        graph as it is.
        """
        if self.conv_kind != "gcn":
            return edge_index, edge_weight
        from torch_geometric.nn.conv.gcn_conv import gcn_norm

        return gcn_norm(edge_index, edge_weight, n_nodes, add_self_loops=True)

    def forward(self, x, edge_index, edge_weight=None):
        """Outputs per node; for GCN, pass the graph through :meth:`prepare` first."""
        weighted = edge_weight is not None and self.conv_kind == "gcn"
        for i, conv in enumerate(self.convs):
            x = self.dropout(x)
            x = conv(x, edge_index, edge_weight) if weighted else conv(x, edge_index)
            if i < len(self.norms):
                x = self.activation(self.norms[i](x))
        return x


class NodeModule(nn.Module):
    """A :class:`GNNModule` bound to a graph: ``forward(node_ids)`` -> outputs of those nodes.

    In training mode with a ``sampler`` each call runs the network on the
    sampled computation graph of the batch (seed nodes first); otherwise on the
    whole graph.  The graph tensors are plain attributes, not buffers: they are
    neither saved in ``state_dict`` nor pickled (the estimator re-attaches its
    graph with :meth:`attach` before use).
    """

    def __init__(self, gnn):
        super().__init__()
        self.gnn = gnn
        self.detach_graph()

    def attach(self, data, device, sampler=None):
        """Use ``data`` (validated ``Data``) on ``device``, with an optional sampler."""
        dtype = self._dtype()
        self.x = data.x.to(device, dtype)
        weight = getattr(data, "edge_weight", None)
        self.edge_index, self.edge_weight = self._prepare(
            data.edge_index.to(device),
            None if weight is None else weight.to(device, dtype),
            data.num_nodes,
        )
        self.sampler = sampler
        return self

    def _dtype(self):
        return next(self.gnn.parameters()).dtype

    def _prepare(self, edge_index, edge_weight, n_nodes):
        edge_index, edge_weight = self.gnn.prepare(edge_index, edge_weight, n_nodes)
        if edge_weight is not None:
            edge_weight = edge_weight.to(self._dtype())
        return edge_index, edge_weight

    def detach_graph(self):
        self.x = self.edge_index = self.edge_weight = self.sampler = None

    def full(self):
        """Outputs of every node of the attached graph."""
        return self.gnn(self.x, self.edge_index, self.edge_weight)

    def forward(self, node_ids):
        if self.sampler is None or not self.training:
            return self.full()[node_ids]
        seeds, inverse = torch.unique(node_ids, return_inverse=True)
        n_id, edge_index, weight = self.sampler.sample(seeds)
        device = self.x.device
        n_id = n_id.to(device)
        edge_index, weight = self._prepare(
            edge_index.to(device), None if weight is None else weight.to(device), n_id.numel()
        )
        out = self.gnn(self.x.index_select(0, n_id), edge_index, weight)
        return out[: seeds.numel()][inverse]

    def __getstate__(self):
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__
        state = dict(state)
        for key in ("x", "edge_index", "edge_weight", "sampler"):
            state[key] = None
        return state
