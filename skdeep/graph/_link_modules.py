"""Torch modules and losses for link prediction and graph auto-encoders.

Both modules hold the graph they pass messages over (node features ``x`` and
``edge_index``) as non-persistent buffers, set once by the estimator: message
passing runs over those edges only, never over the pairs being scored or
trained on.  The pairs arrive as the module's input.
"""

import torch
import torch.nn.functional as F
from torch import nn

from .._layers import make_activation
from ._negative_sampling import sample_negative_pairs

__all__ = [
    "LinkModule",
    "AutoEncoderModule",
    "LinkLoss",
    "ReconstructionLoss",
    "prepare_graph",
]


def prepare_graph(gnn, edge_index, n_nodes):
    """``(edge_index, edge_weight)`` as ``gnn`` wants them (GCN: normalised once)."""
    prepare = getattr(gnn, "prepare", None)
    if prepare is None:
        return edge_index, None
    return prepare(edge_index, None, n_nodes)


class _GraphHolder(nn.Module):
    """Holds ``x``, ``edge_index``, the message-passing form of the edges
    (``mp_index``, ``mp_weight``: GCN's normalised adjacency) and the sorted
    keys of the pairs negative sampling must avoid, as buffers (moved with the
    module, pickled with it, not in ``state_dict``)."""

    def set_graph(self, x, edge_index, excluded, gnn):
        n_nodes = int(x.shape[0])
        mp_index, mp_weight = prepare_graph(gnn, edge_index, n_nodes)
        self.register_buffer("x", x, persistent=False)
        self.register_buffer("edge_index", edge_index, persistent=False)
        self.register_buffer("mp_index", mp_index, persistent=False)
        self.register_buffer("mp_weight", mp_weight, persistent=False)
        self.register_buffer("excluded", excluded, persistent=False)
        self.n_nodes = n_nodes


class LinkModule(_GraphHolder):
    r"""Encoder + pair decoder: the logit of an edge between ``u`` and ``v``.

    ``decoder="dot"`` scores :math:`z_u^\top z_v` (the GAE decoder);
    ``decoder="mlp"`` scores :math:`\mathrm{MLP}(z_u \odot z_v)`, which is also
    symmetric in ``u`` and ``v``.  In training mode ``forward`` appends the
    logits of ``negative_ratio`` freshly sampled non-edges per input pair
    (their target, 0, is supplied by :class:`LinkLoss`).

    Parameters
    ----------
    encoder : skdeep.graph._modules.GNNModule
        Maps ``(x, edge_index)`` to embeddings ``(n_nodes, width)``.
    width : int
        The embedding width.
    decoder : {"dot", "mlp"}
        The pair decoder.
    activation : str
        Activation of the MLP decoder's hidden layer.
    negative_ratio : float
        Sampled negatives per input pair in training mode (0: none).
    """

    def __init__(self, encoder, width, decoder="dot", activation="relu", negative_ratio=0.0):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.negative_ratio = negative_ratio
        if decoder == "mlp":
            self.mlp = nn.Sequential(
                nn.Linear(width, width), make_activation(activation), nn.Linear(width, 1)
            )

    def encode(self):
        """Node embeddings ``(n_nodes, d)`` from the held graph."""
        return self.encoder(self.x, self.mp_index, self.mp_weight)

    def decode(self, z, pairs):
        """Logits ``(m, 1)`` for ``pairs`` of shape ``(m, 2)``."""
        h = z[pairs[:, 0]] * z[pairs[:, 1]]
        if self.decoder == "dot":
            return h.sum(dim=1, keepdim=True)
        return self.mlp(h)

    def forward(self, pairs):
        z = self.encode()
        logits = self.decode(z, pairs)
        if self.training and self.negative_ratio > 0:
            n_neg = int(round(self.negative_ratio * pairs.shape[0]))
            neg = sample_negative_pairs(self.n_nodes, n_neg, self.excluded)
            logits = torch.cat([logits, self.decode(z, neg.t())])
        return logits


class AutoEncoderModule(_GraphHolder):
    r"""Graph auto-encoder (GAE) or variational graph auto-encoder (VGAE).

    The encoder gives :math:`\mu` (and, when variational, a second last layer
    gives :math:`\log\sigma`); training samples
    :math:`z = \mu + \sigma\,\epsilon`.  In training mode ``forward(node_ids)``
    returns ``(logits, targets, kl)`` for the edges leaving ``node_ids`` (target
    1) and as many corrupted edges ``(u, random v)`` (target 0); in evaluation
    mode it returns the embeddings :math:`\mu` of ``node_ids``.
    """

    def __init__(self, body, mu_head, logstd_head=None):
        super().__init__()
        self.body = body  # every layer but the last (may hold none)
        self.mu_head = mu_head
        self.logstd_head = logstd_head
        self.variational = logstd_head is not None

    def embed(self):
        """``(mu, logstd)`` for every node (``logstd`` is None for a plain GAE)."""
        index, weight = self.mp_index, self.mp_weight
        h = self.body(self.x, index, weight)
        mu = self.mu_head(h, index, weight)
        if not self.variational:
            return mu, None
        return mu, self.logstd_head(h, index, weight).clamp(max=10)

    def forward(self, node_ids):
        mu, logstd = self.embed()
        if not self.training:
            return mu[node_ids]
        z = mu if logstd is None else mu + torch.randn_like(mu) * logstd.exp()
        in_batch = torch.zeros(self.n_nodes, dtype=torch.bool, device=mu.device)
        in_batch[node_ids] = True
        pos = self.edge_index[:, in_batch[self.edge_index[0]]]
        neg = sample_negative_pairs(self.n_nodes, 0, self.excluded, sources=pos[0])
        pairs = torch.cat([pos, neg], dim=1)
        logits = (z[pairs[0]] * z[pairs[1]]).sum(dim=1)
        targets = torch.cat([logits.new_ones(pos.shape[1]), logits.new_zeros(neg.shape[1])])
        kl = logits.new_zeros(())
        if logstd is not None:
            mu_b, ls_b = mu[node_ids], logstd[node_ids]
            kl = -0.5 * torch.mean(
                torch.sum(1 + 2 * ls_b - mu_b**2 - ls_b.exp() ** 2, dim=1)
            ) / self.n_nodes
        return logits, targets, kl


class LinkLoss(nn.Module):
    """Sigmoid cross-entropy on pair logits; rows past ``len(target)`` are
    sampled negatives (target 0, weight 1)."""

    def forward(self, output, target, weight=None):
        n_extra = output.shape[0] - target.shape[0]
        if n_extra:
            target = torch.cat([target, target.new_zeros((n_extra,) + target.shape[1:])])
            if weight is not None:
                weight = torch.cat([weight, weight.new_ones(n_extra)])
        loss = F.binary_cross_entropy_with_logits(output, target, reduction="none")[:, 0]
        if weight is None:
            return loss.mean()
        return (loss * weight).sum() / weight.sum()


class ReconstructionLoss(nn.Module):
    """Edge reconstruction cross-entropy (positives and sampled negatives
    weighted equally, as in Kipf & Welling 2016) plus the VGAE KL term."""

    def forward(self, output, target=None, weight=None):
        logits, targets, kl = output
        pos = targets == 1
        loss = logits.new_zeros(())
        for part in (pos, ~pos):
            if part.any():
                loss = loss + F.binary_cross_entropy_with_logits(logits[part], targets[part])
        return loss + kl
