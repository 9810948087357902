r"""Hand-written backpropagation for plain dense networks: the small-data fast path.

On iris- or digits-sized data a training step is a handful of small matrix
products, and what it costs is the framework around them: autograd records a
graph and walks it back, ``torch.optim`` runs its Python bookkeeping, and every
module call dispatches through ``nn.Module``.  scikit-learn's numpy MLP pays
none of that.  :class:`DenseBackprop` trains exactly the same network without
it, the way scikit-learn's ``_backprop`` does: for a
:class:`~skdeep._layers.MLPModule` whose hidden layers are ``Linear`` and one of
scikit-learn's activations (identity, logistic, tanh, relu), and a criterion of
:mod:`skdeep._losses` whose output gradient has a closed form
(:class:`~skdeep._losses.LogLoss`, :class:`~skdeep._losses.BinaryLogLoss`,
:class:`~skdeep._losses.SquaredError`, :class:`~skdeep._losses.PoissonLoss`),
one step is

.. math::

    a_0 = x,\quad a_l = f(a_{l-1} W_l^\top + b_l),\quad z = a_{L-1} W_L^\top + b_L,

    \delta_L = \partial \ell / \partial z,\quad
    \nabla W_l = \delta_l^\top a_{l-1},\quad \nabla b_l = \textstyle\sum_i \delta_{l,i},\quad
    \delta_{l-1} = (\delta_l W_l) \odot f'(a_{l-1}),

with :math:`f'` written in terms of the activation's output (as autograd's own
``threshold_backward``, ``tanh_backward`` and ``sigmoid_backward`` do), plus the
L2 penalty's gradient :math:`\alpha W / n_\text{batch}` on the weights, then the
optimizer's update.  Adam and AdamW call torch's fused kernel directly on the
optimizer's own state (created as ``torch.optim.Adam`` creates it, so a later
``optimizer.step()`` carries on from it); other optimizers get the gradients in
``.grad`` and take their own ``step()``.

The result is the update autograd computes, up to floating-point summation
order; ``tests/test_dense_backprop.py`` compares the two paths.  Anything the
formulas above do not cover (dropout, batch normalisation, other activations or
losses, hooks such as the pruner's masks, batch-level callbacks, L1, max-norm,
input noise) trains on the autograd path instead: :func:`plan_for` returns
``None`` for it.
"""

import torch
import torch.nn.functional as F
from torch import nn

from ._layers import MLPModule
from ._losses import (
    BinaryLogLoss,
    LogLoss,
    PoissonLoss,
    SquaredError,
    divide_by_weight,
    squared_norm,
    weighted_mean,
)

__all__ = ["DenseBackprop", "plan_for", "has_hooks"]

_threshold_backward = torch.ops.aten.threshold_backward.default
_tanh_backward = torch.ops.aten.tanh_backward.default
_sigmoid_backward = torch.ops.aten.sigmoid_backward.default

# activation module -> (in-place forward, backward from the output)
_ACTIVATIONS = {
    nn.ReLU: (torch.Tensor.relu_, lambda grad, out: _threshold_backward(grad, out, 0)),
    nn.Tanh: (torch.Tensor.tanh_, _tanh_backward),
    nn.Sigmoid: (torch.Tensor.sigmoid_, _sigmoid_backward),
    nn.Identity: (None, None),
}


def has_hooks(module):
    """Whether a hook (global, or on ``module`` or a sub-module) would see its forward pass."""
    hooks = ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks", "_backward_pre_hooks")
    global_hooks = (
        nn.modules.module._global_forward_pre_hooks,
        nn.modules.module._global_forward_hooks,
        nn.modules.module._global_backward_hooks,
        nn.modules.module._global_backward_pre_hooks,
    )
    if any(global_hooks):
        return True
    return any(getattr(m, name, None) for m in module.modules() for name in hooks)


def _layers(module):
    """``[(linear, forward, backward), ...]`` of an eligible module's hidden layers, or None."""
    if type(module) is not MLPModule:
        return None
    if type(module.output) is not nn.Linear or module.output.bias is None:
        return None
    layers, pending = [], None
    for child in module.hidden:
        kind = type(child)
        if kind is nn.Linear and pending is None and child.bias is not None:
            pending = child
        elif kind in _ACTIVATIONS and pending is not None:
            layers.append((pending, *_ACTIVATIONS[kind]))
            pending = None
        else:
            return None  # dropout, batch norm, another activation, a bias-free layer
    if pending is not None:
        return None
    return layers


class _FusedAdam:
    """One Adam/AdamW update through torch's fused kernel, on the optimizer's own state."""

    def __init__(self, optimizer, params):
        position = {id(p): i for i, p in enumerate(params)}
        self.groups = []
        for group in optimizer.param_groups:
            members = list(group["params"])
            for p in members:
                state = optimizer.state[p]
                if not state:  # as torch.optim.Adam's lazy initialisation (fused)
                    state["step"] = torch.zeros((), dtype=torch.float32, device=p.device)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            self.groups.append(
                (
                    group,
                    [position[id(p)] for p in members],
                    members,
                    [optimizer.state[p]["exp_avg"] for p in members],
                    [optimizer.state[p]["exp_avg_sq"] for p in members],
                    [optimizer.state[p]["step"] for p in members],
                )
            )
        self.kernel = (
            torch._fused_adamw_
            if any(g.get("decoupled_weight_decay") for g in optimizer.param_groups)
            or isinstance(optimizer, torch.optim.AdamW)
            else torch._fused_adam_
        )

    @staticmethod
    def eligible(optimizer, params):
        if type(optimizer) not in (torch.optim.Adam, torch.optim.AdamW):
            return False
        ids = {id(p) for p in params}
        members = [id(p) for g in optimizer.param_groups for p in g["params"]]
        if sorted(members) != sorted(ids):
            return False
        decoupled = {bool(g.get("decoupled_weight_decay")) for g in optimizer.param_groups}
        if len(decoupled) > 1:
            return False
        for group in optimizer.param_groups:
            if not group.get("fused") or torch.is_tensor(group["lr"]):
                return False
            if group["amsgrad"] or group["maximize"] or group["capturable"]:
                return False
            if group["differentiable"]:
                return False
        for p in params:
            state = optimizer.state.get(p)
            if state and set(state) != {"step", "exp_avg", "exp_avg_sq"}:
                return False
            if state and state["step"].dtype != torch.float32:
                return False
        return True

    def current(self, optimizer):
        """Whether the optimizer still holds the state tensors captured here."""
        return all(
            optimizer.state[p].get("step") is step
            for _, _, params, _, _, steps in self.groups
            for p, step in zip(params, steps)
        )

    def __call__(self, grads):
        for group, index, params, exp_avgs, exp_avg_sqs, steps in self.groups:
            beta1, beta2 = group["betas"]
            torch._foreach_add_(steps, 1)
            self.kernel(
                params,
                [grads[i] for i in index],
                exp_avgs,
                exp_avg_sqs,
                [],
                steps,
                amsgrad=False,
                lr=group["lr"],
                beta1=beta1,
                beta2=beta2,
                weight_decay=group["weight_decay"],
                eps=group["eps"],
                maximize=False,
                grad_scale=None,
                found_inf=None,
            )


class _OptimizerStep:
    """Any other optimizer: gradients into ``.grad``, then its own ``step()``."""

    def __init__(self, optimizer, params):
        self.optimizer, self.params = optimizer, params

    def current(self, optimizer):
        return True

    def __call__(self, grads):
        for p, g in zip(self.params, grads):
            p.grad = g
        self.optimizer.step()


def _make_step(optimizer, params):
    """The fused Adam/AdamW call where it applies, else the optimizer's own ``step()``."""
    if _FusedAdam.eligible(optimizer, params):
        return _FusedAdam(optimizer, params)
    return _OptimizerStep(optimizer, params)


class DenseBackprop:
    """Training epochs of a plain :class:`~skdeep._layers.MLPModule` without autograd.

    Build it with :func:`plan_for`, which returns ``None`` when the module,
    criterion or optimizer is not covered; :meth:`skdeep._training.TrainingNet.run_epoch`
    then calls :meth:`begin_epoch` once and :meth:`batch` in place of its
    autograd step.
    """

    def __init__(self, module, criterion, optimizer, layers):
        self.module, self.criterion, self.optimizer = module, criterion, optimizer
        self.hidden = layers
        self.output = module.output
        linears = [lin for lin, _, _ in layers] + [self.output]
        # gradients come out in this order: weight, bias, layer by layer
        self.params = [p for lin in linears for p in (lin.weight, lin.bias)]
        self.weights = [lin.weight for lin in linears]
        self.step = _make_step(optimizer, self.params)
        self.output_gradient = {
            LogLoss: _log_loss,
            BinaryLogLoss: _binary_log_loss,
            SquaredError: _squared_error,
            PoissonLoss: _poisson,
        }[type(criterion)]

    def holds_parameters_of(self, module):
        """Whether ``module`` still has exactly the parameters this plan updates."""
        params = list(module.parameters())
        return len(params) == len(self.params) and all(
            a is b for a, b in zip(params, self.params)
        )

    @torch.no_grad()
    def batch(self, xb, yb, wb, m, l2):
        """One step on a batch of ``m`` rows; returns ``(loss, squared weight norm)`` tensors."""
        acts = [xb]
        h = xb
        for lin, forward, _ in self.hidden:
            h = torch.addmm(lin.bias, h, lin.weight.t())
            if forward is not None:
                forward(h)
            acts.append(h)
        out = self.output
        z = torch.addmm(out.bias, h, out.weight.t())
        loss, delta = self.output_gradient(z, yb, wb, m)
        grads = [None] * len(self.params)
        position = len(self.params)
        for layer in range(len(self.hidden), -1, -1):
            a = acts[layer]
            position -= 2
            grads[position] = torch.mm(delta.t(), a)
            grads[position + 1] = delta.sum(0)
            if layer:
                lin, _, backward = self.hidden[layer - 1]
                W = out.weight if layer == len(self.hidden) else self.hidden[layer][0].weight
                delta = torch.mm(delta, W)
                if backward is not None:
                    delta = backward(delta, a)
        squared = None
        if l2:
            squared = squared_norm(torch._foreach_norm(self.weights))
            weight_grads = grads[0::2]
            if wb is None:
                torch._foreach_add_(weight_grads, self.weights, alpha=l2 / m)
                penalty_scale = 1.0 / m
            else:
                wsum = wb.sum()
                penalty_scale = divide_by_weight((wsum > 0).to(wsum.dtype), wsum)
                torch._foreach_add_(weight_grads, torch._foreach_mul(self.weights, penalty_scale * l2))
            loss = loss + (0.5 * l2) * squared * penalty_scale
        self.step(grads)
        return loss

    def begin_epoch(self):
        """Called before each epoch: re-read the optimizer's state if it was replaced
        (``load_state_dict``)."""
        if not self.step.current(self.optimizer):
            self.step = _make_step(self.optimizer, self.params)


def _row_scale(wb, m, per_output=1):
    """``w_i / sum(w)`` as a column (``1 / m`` without weights), divided by ``per_output``."""
    if wb is None:
        return 1.0 / (m * per_output)
    wsum = wb.sum()
    return (divide_by_weight(wb, wsum) / per_output).unsqueeze(1)


def _log_loss(z, yb, wb, m):
    """Softmax cross-entropy: ``(loss, d loss / d z)``; ``yb`` holds class indices."""
    logp = torch.log_softmax(z, 1)
    column = yb.unsqueeze(1)
    loss = weighted_mean(logp.gather(1, column).squeeze(1), wb).neg()
    delta = logp.exp_()
    delta.scatter_add_(1, column, delta.new_full((), -1.0).expand(column.shape))
    return loss, delta.mul_(_row_scale(wb, m))


def _binary_log_loss(z, yb, wb, m):
    """Sigmoid cross-entropy summed over outputs."""
    if wb is None:
        loss = F.binary_cross_entropy_with_logits(z, yb, reduction="sum") / m
    else:
        per_sample = F.binary_cross_entropy_with_logits(z, yb, reduction="none").sum(1)
        loss = weighted_mean(per_sample, wb)
    delta = torch.sigmoid(z).sub_(yb)
    return loss, delta.mul_(_row_scale(wb, m))


def _squared_error(z, yb, wb, m):
    """Half squared error averaged over outputs."""
    residual = z - yb
    k = z.shape[1]
    if wb is None:
        loss = 0.5 * residual.square().mean()
    else:
        loss = weighted_mean(0.5 * residual.square().mean(1), wb)
    return loss, residual.mul_(_row_scale(wb, m, k))


def _poisson(z, yb, wb, m):
    """Half Poisson deviance with a log link, summed over outputs."""
    mu = z.exp()
    per_sample = (torch.xlogy(yb, yb) - yb * z - yb + mu).sum(1)
    return weighted_mean(per_sample, wb), mu.sub_(yb).mul_(_row_scale(wb, m))


def plan_for(module, criterion, optimizer):
    """A :class:`DenseBackprop` for this module, criterion and optimizer, or None.

    Hooks are not looked at here: they can come and go after the plan is made,
    so the caller checks :func:`has_hooks` before each epoch.
    """
    if type(criterion) not in (LogLoss, BinaryLogLoss, SquaredError, PoissonLoss):
        return None
    if any(not p.requires_grad or not p.is_floating_point() for p in module.parameters()):
        return None
    layers = _layers(module)
    if layers is None:
        return None
    params = list(module.parameters())
    if len(params) != 2 * (len(layers) + 1):
        return None
    return DenseBackprop(module, criterion, optimizer, layers)
