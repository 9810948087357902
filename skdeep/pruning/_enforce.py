"""Keeping masks enforced, and sparsity-inducing updates, without touching the training loop.

* :class:`MaskEnforcer` zeroes the pruned entries before every forward pass
  of the layers holding them (forward pre-hooks), so every loss, gradient and
  prediction sees the pruned network, whatever loop drives it (the estimator's
  own ``fit``, ``partial_fit``, L-BFGS or a validation pass).
* :class:`ProximalStep` and :class:`ADMMPenalty` are skorch callbacks added
  to the fitted net for the sparsity-inducing phase: the first soft-thresholds
  the weights after each optimizer step, the second adds the gradient of
  ADMM's augmented-Lagrangian term before each step.
"""

import torch
from skorch.callbacks import Callback

__all__ = ["MaskEnforcer", "ProximalStep", "ADMMPenalty", "added_callback", "apply_masks"]


@torch.no_grad()
def apply_masks(params, masks):
    """Zero the pruned entries of every masked parameter, in place."""
    for name, mask in masks.items():
        params[name].mul_(mask.to(params[name].dtype))


class MaskEnforcer:
    """Context manager: pruned entries stay zero during every forward pass inside.

    A forward pre-hook on each layer that holds a masked parameter zeroes the
    pruned entries before the layer runs, so even code that calls a
    sub-network directly (Cox-Time's loss and baseline call ``module.g``) sees
    the pruned weights. ``masks`` (name -> bool tensor) may be replaced in
    place between steps.
    """

    def __init__(self, module, masks):
        self.module = module
        self.masks = masks
        self.params = dict(module.named_parameters())

    def _hook(self, layer, args):
        for name in self.owned.get(id(layer), ()):
            mask = self.masks.get(name)
            if mask is None:
                continue
            param = self.params[name]
            with torch.no_grad():
                # Write only when a pruned entry moved (after an optimizer step):
                # an in-place write between two forwards of one batch (Cox-Time
                # evaluates g several times) would break autograd.
                if param.masked_fill(mask, 0).any():
                    param.mul_(mask.to(param.dtype))

    def __enter__(self):
        self.owned = {}
        self.handles = []
        for prefix, layer in self.module.named_modules():
            owned = [
                f"{prefix}.{p}" if prefix else p
                for p, _ in layer.named_parameters(recurse=False)
            ]
            if owned:
                self.owned[id(layer)] = owned
                self.handles.append(layer.register_forward_pre_hook(self._hook))
        return self

    def __exit__(self, *exc):
        for handle in self.handles:
            handle.remove()
        apply_masks(self.params, self.masks)


class added_callback:
    """Context manager: ``callback`` is one of ``net``'s callbacks inside."""

    def __init__(self, net, callback):
        self.net, self.callback = net, callback

    def __enter__(self):
        self.net.callbacks_.append(("skdeep_pruning", self.callback))
        return self.callback

    def __exit__(self, *exc):
        self.net.callbacks_ = [
            (n, cb) for n, cb in self.net.callbacks_ if cb is not self.callback
        ]


class ProximalStep(Callback):
    r"""Soft-threshold after each optimizer step (proximal gradient).

    For ``groups=False`` the L1 proximal map
    :math:`w \leftarrow \operatorname{sign}(w)\max(|w| - \eta\lambda, 0)`; for
    ``groups=True`` the group-lasso map on each unit's incoming weights
    :math:`w_g \leftarrow w_g \max(0, 1 - \eta\lambda / \lVert w_g \rVert_2)`,
    where :math:`\eta` is the current learning rate.
    """

    def __init__(self, params, strength, groups=False):
        self.params = params
        self.strength = strength
        self.groups = groups

    @torch.no_grad()
    def on_batch_end(self, net, training=False, **kwargs):
        if not training:
            return
        shrink = net.optimizer_.param_groups[0]["lr"] * self.strength
        for p in self.params:
            if self.groups:
                norms = p.reshape(p.shape[0], -1).norm(dim=1).clamp_min(1e-12)
                scale = (1 - shrink / norms).clamp_min(0)
                p.mul_(scale.view(-1, *([1] * (p.ndim - 1))))
            else:
                p.copy_(p.sign() * (p.abs() - shrink).clamp_min(0))


class ADMMPenalty(Callback):
    r"""Gradient of ADMM's term :math:`\frac{\rho}{2}\lVert W - Z + U\rVert^2`.

    ``targets`` maps each parameter to :math:`Z - U`, updated between rounds.
    """

    def __init__(self, params, rho):
        self.params = params
        self.rho = rho
        self.targets = {}

    @torch.no_grad()
    def on_grad_computed(self, net, named_parameters=None, training=False, **kwargs):
        for name, p in self.params.items():
            if p.grad is not None and name in self.targets:
                p.grad.add_(p - self.targets[name], alpha=self.rho)
