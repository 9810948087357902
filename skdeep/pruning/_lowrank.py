"""Low-rank factorisation of dense layers."""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .._prunable import dense_bodies

__all__ = ["LowRankLinear", "factorizable_layers", "choose_rank", "factorize"]


class LowRankLinear(nn.Linear):
    r"""A dense layer stored as two thin factors, :math:`y = B(Ax) + b`.

    :math:`A` is ``(rank, in_features)`` and :math:`B` is
    ``(out_features, rank)``: ``rank * (in_features + out_features)`` weights
    instead of ``in_features * out_features``. It is an ``nn.Linear`` for
    every reader of ``weight`` (which returns the product :math:`BA`), so
    attributes such as ``coefs_`` keep working.

    Parameters
    ----------
    first : Tensor of shape (rank, in_features)
    second : Tensor of shape (out_features, rank)
    bias : Tensor of shape (out_features,) or None
    """

    def __init__(self, first, second, bias=None):
        nn.Module.__init__(self)
        self.in_features = first.shape[1]
        self.out_features = second.shape[0]
        self.first = nn.Parameter(first.detach().clone())
        self.second = nn.Parameter(second.detach().clone())
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone())

    @property
    def rank(self):
        return self.first.shape[0]

    @property
    def weight(self):
        return self.second @ self.first

    def forward(self, x):
        return F.linear(F.linear(x, self.first), self.second, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, rank={self.rank}"


def factorizable_layers(module):
    """``(owner Sequential, index, layer)`` for every hidden ``nn.Linear`` of the dense bodies."""
    found = []
    for body in dense_bodies(module):
        for block in body.blocks:
            pos, layer = block[0]
            if type(layer) is nn.Linear:
                found.append((body.owner.hidden, pos, layer))
    return found


def choose_rank(singular_values, shape, sparsity, rank, energy):
    """The rank for one layer: given, by retained energy, or by parameter budget.

    With ``rank`` and ``energy`` both None, the rank keeps a fraction
    ``1 - sparsity`` of the layer's ``m * n`` weights: ``r (m + n) <= (1 - s) m n``.
    """
    m, n = shape
    if rank is not None:
        return int(rank)
    if energy is not None:
        sq = singular_values.double() ** 2
        cumulative = torch.cumsum(sq, 0) / sq.sum().clamp_min(1e-300)
        return int(torch.searchsorted(cumulative, torch.tensor(energy, dtype=cumulative.dtype))) + 1
    return max(1, int(math.floor((1 - sparsity) * m * n / (m + n))))


@torch.no_grad()
def factorize(module, sparsity, rank=None, energy=None):
    """Replace each hidden dense layer by a :class:`LowRankLinear` (truncated SVD).

    Layers whose chosen rank would not save parameters are left dense.
    Returns ``{layer name: rank}`` of the factorised layers.
    """
    names = {id(layer): name for name, layer in module.named_modules()}
    ranks = {}
    for owner, pos, layer in factorizable_layers(module):
        w = layer.weight.detach()
        u, s, vh = torch.linalg.svd(w.double(), full_matrices=False)
        r = min(choose_rank(s, w.shape, sparsity, rank, energy), len(s))
        if r * sum(w.shape) >= w.numel():
            continue
        root = s[:r].sqrt()
        first = (root.view(-1, 1) * vh[:r]).to(w.dtype)
        second = (u[:, :r] * root.view(1, -1)).to(w.dtype)
        owner[pos] = LowRankLinear(first, second, layer.bias)
        ranks[names[id(layer)]] = r
    return ranks
