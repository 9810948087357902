"""Structured pruning: whole hidden neurons and convolution channels.

A *unit group* is one layer of units that can be removed together: the rows
of the layer that computes them (weight rows, bias entries, batch-norm
entries) and the slices of the next layer that read them (columns of the
next dense layer, input channels of the next convolution, or the block of
columns a flattened channel occupies in the first dense layer). Pruning a
unit masks both sides, so the masked network and the rebuilt smaller one
compute exactly the same function, whatever the activation.
"""

import math

import torch
from torch import nn

from .._prunable import conv_bodies, dense_bodies
from ._schedule import MAX_LAYER_SPARSITY, _keep_counts

__all__ = ["unit_groups", "unit_masks", "group_masks", "shrink"]


class UnitGroup:
    """One layer of removable units (see the module docstring)."""

    def __init__(self, name, layer, norm, reader, reader_name, repeat=1):
        self.name = name  # qualified name of the producing layer
        self.layer = layer  # nn.Linear or nn.Conv2d producing the units
        self.norm = norm  # BatchNorm after it, or None
        self.reader = reader  # the layer reading the units
        self.reader_name = reader_name
        self.repeat = repeat  # columns per unit in the reader (flattened channels)

    @property
    def size(self):
        return self.layer.weight.shape[0]

    @torch.no_grad()
    def scores(self):
        """``||incoming_j|| * ||outgoing_j||``: the unit's weight in the network."""
        w_in = self.layer.weight.reshape(self.size, -1).norm(dim=1)
        w_out = self._reader_slices(self.reader.weight).pow(2).sum(dim=(0, 2, 3)).sqrt()
        return (w_in * w_out).float().cpu()

    def _reader_slices(self, w):
        """The reader's weight as ``(out, size, repeat, rest)``."""
        return w.reshape(w.shape[0], self.size, self.repeat, -1)

    def masks(self, keep):
        """Parameter masks (name -> bool tensor) removing the units not in ``keep``."""
        keep = keep.to(self.layer.weight.device)
        out = {
            f"{self.name}.weight": keep.view(-1, *([1] * (self.layer.weight.ndim - 1)))
            .expand_as(self.layer.weight)
            .clone(),
        }
        if self.layer.bias is not None:
            out[f"{self.name}.bias"] = keep.clone()
        w = self.reader.weight
        cols = keep.repeat_interleave(self.repeat)
        shape = [1, -1] + [1] * (w.ndim - 2)
        out[f"{self.reader_name}.weight"] = cols.view(*shape).expand_as(w).clone()
        return out

    @torch.no_grad()
    def shrink(self, keep):
        """Rebuild the layers in place with only the kept units."""
        idx = torch.nonzero(keep).flatten().to(self.layer.weight.device)
        _take(self.layer, "weight", idx, 0)
        _take(self.layer, "bias", idx, 0)
        if isinstance(self.layer, nn.Linear):
            self.layer.out_features = len(idx)
        else:
            self.layer.out_channels = len(idx)
        if self.norm is not None:
            for attr in ("weight", "bias", "running_mean", "running_var"):
                _take(self.norm, attr, idx, 0)
            self.norm.num_features = len(idx)
        cols = (idx.view(-1, 1) * self.repeat + torch.arange(self.repeat, device=idx.device))
        _take(self.reader, "weight", cols.flatten(), 1)
        if isinstance(self.reader, nn.Linear):
            self.reader.in_features = self.reader.weight.shape[1]
        else:
            self.reader.in_channels = self.reader.weight.shape[1]


def _take(layer, attr, idx, dim):
    value = getattr(layer, attr, None)
    if value is None:
        return
    new = value.detach().index_select(dim, idx).clone()
    if isinstance(value, nn.Parameter):
        setattr(layer, attr, nn.Parameter(new, requires_grad=value.requires_grad))
    else:
        setattr(layer, attr, new)


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def unit_groups(module):
    """Every :class:`UnitGroup` of a skdeep module: dense neurons and conv channels."""
    groups = []
    for body in dense_bodies(module):
        linears = body.linears()
        for k, block in enumerate(body.blocks):
            pos, layer = block[0]
            norm = next((m for _, m in block if isinstance(m, nn.BatchNorm1d)), None)
            reader = linears[k + 1]
            if k + 1 < len(body.blocks):
                reader_name = _join(body.prefix, f"hidden.{body.blocks[k + 1][0][0]}")
            else:
                reader_name = _join(body.prefix, "output")
            if type(layer) is nn.Linear and type(reader) is nn.Linear:
                groups.append(
                    UnitGroup(_join(body.prefix, f"hidden.{pos}"), layer, norm, reader,
                              reader_name)
                )
    for prefix, owner in conv_bodies(module):
        convs = [(i, m) for i, m in enumerate(owner.conv) if isinstance(m, nn.Conv2d)]
        first_dense = next((m for m in owner.hidden if isinstance(m, nn.Linear)), None)
        if first_dense is None:
            dense, dense_name = owner.output, _join(prefix, "output")
        else:
            pos = list(owner.hidden).index(first_dense)
            dense, dense_name = first_dense, _join(prefix, f"hidden.{pos}")
        for k, (pos, conv) in enumerate(convs):
            end = convs[k + 1][0] if k + 1 < len(convs) else len(owner.conv)
            norm = next(
                (m for m in list(owner.conv)[pos:end] if isinstance(m, nn.BatchNorm2d)), None
            )
            if k + 1 < len(convs):
                reader, reader_name, repeat = convs[k + 1][1], _join(prefix, f"conv.{end}"), 1
            else:
                reader, reader_name = dense, dense_name
                repeat = dense.in_features // conv.out_channels
            groups.append(
                UnitGroup(_join(prefix, f"conv.{pos}"), conv, norm, reader, reader_name, repeat)
            )
    return groups


def unit_masks(groups, sparsity, scope, scores=None):
    """Keep-vectors (one bool tensor per group) removing ``sparsity`` of the units.

    Units are ranked by :meth:`UnitGroup.scores` (or the given ``scores``); for
    ``scope='global'`` each group's scores are divided by their mean so layers
    of different scales compete fairly. Every group keeps at least 1% of its
    units and never fewer than one.
    """
    scores = [g.scores() for g in groups] if scores is None else scores
    sizes = [g.size for g in groups]
    caps = [min(int(math.floor(MAX_LAYER_SPARSITY * n)), n - 1) for n in sizes]
    if scope == "layer":
        counts = {i: min(int(round(sparsity * n)), caps[i]) for i, n in enumerate(sizes)}
    else:
        normed = [s / s.mean().clamp_min(1e-12) for s in scores]
        total = int(round(sparsity * sum(sizes)))
        counts = _keep_counts(sizes, normed, total, caps)
    keeps = []
    for i, s in enumerate(scores):
        keep = torch.ones(sizes[i], dtype=torch.bool)
        keep[torch.argsort(s, stable=True)[: counts[i]]] = False
        keeps.append(keep)
    return keeps


def group_masks(groups, keeps):
    """Merge the groups' parameter masks (a reader may also be a producer)."""
    masks = {}
    for group, keep in zip(groups, keeps):
        for name, mask in group.masks(keep).items():
            masks[name] = masks[name] & mask if name in masks else mask
    return masks


def shrink(groups, keeps):
    """Physically remove the pruned units (producers first, then readers)."""
    for group, keep in zip(groups, keeps):
        group.shrink(keep.cpu())
