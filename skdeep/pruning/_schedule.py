"""Sparsity schedules and unstructured magnitude masks."""

import math

import numpy as np
import torch

__all__ = ["schedule_targets", "magnitude_masks", "MAX_LAYER_SPARSITY", "OUTPUT_SPARSITY_CAP"]

#: No layer is pruned beyond this fraction, so none is ever emptied.
MAX_LAYER_SPARSITY = 0.99
#: The output layer holds few weights and every one of them feeds a prediction
#: directly; it is ranked on its own and pruned at most this much.
OUTPUT_SPARSITY_CAP = 0.5


def schedule_targets(schedule, sparsity, n_steps):
    r"""The sparsity to reach at each pruning step.

    ``one_shot``: one step. ``iterative``: the same fraction of the remaining
    weights at each of ``n_steps`` steps, :math:`s_t = 1 - (1 - s)^{t/n}`.
    ``cubic`` (Zhu & Gupta, 2017): :math:`s_t = s\,(1 - (1 - t/n)^3)`, fast
    pruning while the network is redundant and slow near the target.
    """
    if schedule == "one_shot" or sparsity == 0:
        return [float(sparsity)]
    t = np.arange(1, n_steps + 1) / n_steps
    if schedule == "iterative":
        targets = 1.0 - (1.0 - sparsity) ** t
    else:
        targets = sparsity * (1.0 - (1.0 - t) ** 3)
    targets[-1] = sparsity
    return [float(s) for s in targets]


def _keep_counts(sizes, magnitudes, n_prune, caps):
    """How many weights each layer prunes so that the total is ``n_prune``.

    Water-filling: one global magnitude threshold, except that a layer whose
    share would exceed its cap is fixed at the cap and the threshold is
    recomputed over the others.
    """
    fixed = {}
    while True:
        free = [i for i in range(len(sizes)) if i not in fixed]
        remaining = n_prune - sum(fixed.values())
        if not free or remaining <= 0:
            return {i: fixed.get(i, 0) for i in range(len(sizes))}
        pooled = torch.cat([magnitudes[i] for i in free])
        k = int(min(remaining, pooled.numel()))
        threshold = torch.kthvalue(pooled, k).values if k > 0 else -math.inf
        counts = {i: int((magnitudes[i] <= threshold).sum()) for i in free}
        over = [i for i in free if counts[i] > caps[i]]
        if not over:
            # ties at the threshold: trim the surplus from the largest layers
            surplus = sum(counts.values()) - remaining
            for i in sorted(free, key=lambda j: -counts[j]):
                cut = min(surplus, counts[i])
                counts[i] -= cut
                surplus -= cut
            counts.update(fixed)
            return counts
        for i in over:
            fixed[i] = caps[i]


@torch.no_grad()
def magnitude_masks(weights, sparsity, scope, output_names):
    """Boolean keep-masks pruning the smallest-magnitude weights.

    Parameters
    ----------
    weights : dict of str to Tensor
        The prunable weights (already masked: pruned entries are zero).
    sparsity : float
        Fraction of all these weights to prune.
    scope : {'global', 'layer'}
        One threshold across layers, or ``sparsity`` in every layer.
    output_names : list of str
        Output layers: ranked on their own and pruned at most
        :data:`OUTPUT_SPARSITY_CAP`.

    Returns
    -------
    masks : dict of str to BoolTensor
        ``True`` where a weight is kept. No layer is pruned beyond
        :data:`MAX_LAYER_SPARSITY`, and every row (output unit) keeps a weight.
    """
    names = list(weights)
    mags = [weights[n].detach().abs().flatten().float().cpu() for n in names]
    sizes = [m.numel() for m in mags]
    caps = [_cap(weights[n], MAX_LAYER_SPARSITY) for n in names]
    prune = {}
    out_idx = [i for i, n in enumerate(names) if n in output_names]
    for i in out_idx:
        prune[i] = min(int(round(min(sparsity, OUTPUT_SPARSITY_CAP) * sizes[i])), caps[i])
    body = [i for i in range(len(names)) if i not in out_idx]
    if scope == "layer":
        for i in body:
            prune[i] = min(int(round(sparsity * sizes[i])), caps[i])
    elif body:
        total = int(round(sparsity * sum(sizes))) - sum(prune.values())
        ranked = [lamp_scores(mags[i]) for i in body] if GLOBAL_SCORE == "lamp" else [
            mags[i] for i in body
        ]
        counts = _keep_counts(
            [sizes[i] for i in body], ranked, max(total, 0),
            [caps[i] for i in body],
        )
        for j, i in enumerate(body):
            prune[i] = counts[j]
    masks = {}
    for i, name in enumerate(names):
        keep = torch.ones(sizes[i], dtype=torch.bool)
        if prune[i] > 0:
            order = torch.argsort(mags[i], stable=True)
            keep[order[: prune[i]]] = False
        keep = keep.view(weights[name].shape)
        _keep_one_per_row(keep, weights[name])
        masks[name] = keep.to(weights[name].device)
    return masks


GLOBAL_SCORE = "magnitude"


def lamp_scores(magnitudes):
    r"""Layer-adaptive magnitude scores (LAMP, Lee et al., 2021).

    :math:`	ext{score}(u) = w_u^2 / \sum_{v \ge u} w_v^2` over the layer's
    weights sorted by magnitude: the share of the layer's remaining energy a
    weight carries, comparable across layers of different scales.
    """
    sq = magnitudes.double() ** 2
    order = torch.argsort(sq, stable=True)
    sorted_sq = sq[order]
    tail = torch.flip(torch.cumsum(torch.flip(sorted_sq, [0]), 0), [0])
    scores = torch.empty_like(sq)
    scores[order] = sorted_sq / tail.clamp_min(1e-300)
    return scores


def _cap(weight, fraction):
    n = weight.numel()
    rows = weight.shape[0]
    return max(0, min(int(math.floor(fraction * n)), n - rows))


def _keep_one_per_row(keep, weight):
    """Give every output unit with no weight left its largest weight back."""
    flat_keep = keep.view(keep.shape[0], -1)
    empty = ~flat_keep.any(dim=1)
    if empty.any():
        best = weight.detach().abs().reshape(weight.shape[0], -1).argmax(dim=1).cpu()
        rows = torch.nonzero(empty).flatten()
        flat_keep[rows, best[rows]] = True
