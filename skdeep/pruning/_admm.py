"""Sparsity-inducing training: ADMM (Zhang et al., 2018) and proximal L1 / group lasso.

Both train for the first half of ``fine_tune_epochs`` with a term that draws
the weights towards a sparse network, then prune hard (magnitude or unit
masks) and fine-tune with the masks enforced for the second half.
"""

import torch

from .._prunable import output_weight_names, prunable_weights
from ._enforce import ADMMPenalty, ProximalStep, added_callback
from ._schedule import magnitude_masks, schedule_targets
from ._structured import group_masks, unit_groups, unit_masks

__all__ = ["sparsity_training", "DEFAULT_PENALTY"]

#: ``penalty='auto'``: ADMM's rho and the proximal strength lambda (per unit of
#: learning rate), for standardised inputs and the skdeep default initialisation.
DEFAULT_PENALTY = {"admm": 0.05, "proximal": 1.0}


def _zero_fraction(params):
    total = sum(p.numel() for p in params)
    return float(sum(int((p == 0).sum()) for p in params)) / max(total, 1)


def sparsity_training(pruner, est, granularity):
    """Run ``pruner.method``'s sparsity-inducing phase on ``est``, then prune hard."""
    module = est.net_.module_
    epochs = pruner.fine_tune_epochs
    first = (epochs + 1) // 2
    strength = DEFAULT_PENALTY[pruner.method] if pruner.penalty == "auto" else pruner.penalty
    targets = schedule_targets(pruner.schedule, pruner.sparsity, pruner.n_steps)
    weights = prunable_weights(module)
    outputs = output_weight_names(module)
    if pruner.method == "proximal":
        if granularity == "unit":
            params = [g.layer.weight for g in unit_groups(module)]
        else:
            params = [w for n, w in weights.items() if n not in outputs]
        with added_callback(est.net_, ProximalStep(params, strength, granularity == "unit")):
            pruner._train(est, first)
        pruner._record(est, len(pruner.pruning_history_), _zero_fraction(params))
    else:
        _admm(pruner, est, granularity, strength, targets, first)
    # hard pruning on the schedule, then masked fine-tuning
    if granularity == "unit":
        pruner._prune_units(est, epochs - first, targets)
    else:
        pruner._prune_weights(est, epochs - first, targets)


def _admm(pruner, est, granularity, rho, targets, epochs):
    r"""ADMM on :math:`f(W) + g(Z)` s.t. :math:`W = Z`, :math:`g` the indicator of
    the sparse set: a W-step (training with :math:`\frac{\rho}{2}\|W - Z + U\|^2`),
    a Z-step (Euclidean projection of :math:`W + U` onto the sparse set: keep the
    largest weights or units) and a dual step :math:`U \leftarrow U + W - Z`,
    once per round; the rounds follow the sparsity schedule."""
    module = est.net_.module_
    outputs = output_weight_names(module)
    groups = unit_groups(module) if granularity == "unit" else None
    params = dict(module.named_parameters())

    def masks_at(sparsity):
        if groups is not None:
            return group_masks(groups, unit_masks(groups, sparsity, pruner.scope))
        return magnitude_masks(prunable_weights(module), sparsity, pruner.scope, outputs)

    names = list(masks_at(targets[0]))
    dual = {n: torch.zeros_like(params[n]) for n in names}

    @torch.no_grad()
    def project(sparsity):
        for n in names:
            params[n].add_(dual[n])
        try:
            masks = masks_at(sparsity)
            return {n: params[n] * masks[n] for n in names}
        finally:
            for n in names:
                params[n].sub_(dual[n])

    penalty = ADMMPenalty({n: params[n] for n in names}, rho)
    split = pruner._epochs(len(targets), epochs)
    with added_callback(est.net_, penalty):
        z = project(targets[0])
        for k, n_epochs in enumerate(split):
            penalty.targets = {n: z[n] - dual[n] for n in names}
            pruner._train(est, n_epochs)
            z = project(targets[min(k + 1, len(targets) - 1)])
            with torch.no_grad():
                for n in names:
                    dual[n].add_(params[n] - z[n])
    residual = sum(float((params[n] - z[n]).detach().pow(2).sum()) for n in names)
    norm = sum(float(params[n].detach().pow(2).sum()) for n in names)
    pruner.admm_residual_ = (residual / max(norm, 1e-300)) ** 0.5
    pruner._record(est, len(pruner.pruning_history_), _zero_fraction(params[n] for n in names))
