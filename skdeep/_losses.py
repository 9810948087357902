"""Sample-weighted losses for the classification and regression heads.

Every loss takes ``(output, target, weight)`` where ``output`` is the raw module
output (logits, or the linear predictor for Poisson), ``target`` the encoded
target on the same device and ``weight`` ``None`` or a 1-D tensor of sample
weights.  Each returns the weighted mean over samples of a per-sample loss,
``sum_i w_i l_i / sum_i w_i``, which is what scikit-learn's MLP minimises
(``np.average(..., weights=sample_weight)``).  The per-sample losses are
scikit-learn's too, so ``loss_curve_`` values are comparable.
"""

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["weighted_mean", "divide_by_weight", "squared_norm", "REGRESSION_LOSSES"]


def divide_by_weight(total, weight_sum):
    """``total / weight_sum``, and ``total`` itself where ``weight_sum`` is zero.

    A mini-batch whose sample weights are all zero has a weighted total of zero
    (and a zero gradient); dividing it by its zero weight would give ``0 / 0 =
    NaN``.  Dividing by one instead keeps the exact zero without a host sync.
    """
    return total / torch.where(weight_sum > 0, weight_sum, torch.ones_like(weight_sum))


def squared_norm(norms):
    """``sum v^2`` over a list of 0-d norm tensors (``torch._foreach_norm``), as a 0-d tensor."""
    if len(norms) == 1:
        return norms[0].square()
    return torch.linalg.vector_norm(torch.stack(norms)).square()


def weighted_mean(per_sample, weight):
    """``sum(w * l) / sum(w)``, or the plain mean when ``weight`` is None.

    A batch of zero total weight gives zero with a zero gradient, never NaN.
    """
    if weight is None:
        return per_sample.mean()
    return divide_by_weight((per_sample * weight).sum(), weight.sum())


class WeightedLoss(nn.Module):
    """Base class: subclasses implement :meth:`per_sample`."""

    def per_sample(self, output, target):
        raise NotImplementedError

    def mean(self, output, target):
        """The unweighted mean of :meth:`per_sample`; subclasses fuse it."""
        return self.per_sample(output, target).mean()

    def forward(self, output, target, weight=None):
        if weight is None:
            return self.mean(output, target)
        return weighted_mean(self.per_sample(output, target), weight)


class LogLoss(WeightedLoss):
    r"""Multiclass cross-entropy on logits; ``target`` holds class indices.

    .. math:: \ell_i = -\log \operatorname{softmax}(z_i)_{y_i}
    """

    def per_sample(self, output, target):
        return F.cross_entropy(output, target, reduction="none")

    def mean(self, output, target):
        return F.cross_entropy(output, target)


class BinaryLogLoss(WeightedLoss):
    r"""Sigmoid cross-entropy summed over outputs (binary and multilabel).

    .. math:: \ell_i = -\sum_k y_{ik}\log\sigma(z_{ik}) + (1-y_{ik})\log(1-\sigma(z_{ik}))
    """

    def per_sample(self, output, target):
        loss = F.binary_cross_entropy_with_logits(output, target, reduction="none")
        return loss.sum(dim=1)

    def mean(self, output, target):
        n_outputs = output.shape[1]
        return n_outputs * F.binary_cross_entropy_with_logits(output, target)


class SquaredError(WeightedLoss):
    r"""Half squared error averaged over outputs: :math:`\tfrac12\,\mathrm{mean}_k (y_{ik}-z_{ik})^2`."""

    def per_sample(self, output, target):
        return 0.5 * (output - target).pow(2).mean(dim=1)

    def mean(self, output, target):
        return 0.5 * F.mse_loss(output, target)


class AbsoluteError(WeightedLoss):
    r"""Absolute error averaged over outputs: :math:`\mathrm{mean}_k |y_{ik}-z_{ik}|`."""

    def per_sample(self, output, target):
        return (output - target).abs().mean(dim=1)


class HuberLoss(WeightedLoss):
    r"""Huber loss with threshold ``delta``, averaged over outputs.

    .. math:: \ell = \tfrac12 r^2 \text{ if } |r|\le\delta \text{ else } \delta(|r|-\tfrac12\delta)
    """

    def __init__(self, delta=1.0):
        super().__init__()
        self.delta = delta

    def per_sample(self, output, target):
        loss = F.huber_loss(output, target, reduction="none", delta=self.delta)
        return loss.mean(dim=1)


class PoissonLoss(WeightedLoss):
    r"""Half Poisson deviance with a log link, summed over outputs.

    With :math:`\mu = e^z`: :math:`\ell = \sum_k y\log(y/\mu) - y + \mu`,
    scikit-learn's ``poisson_loss``.
    """

    def per_sample(self, output, target):
        loss = torch.xlogy(target, target) - target * output - target + output.exp()
        return loss.sum(dim=1)


REGRESSION_LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": HuberLoss,
    "poisson": PoissonLoss,
}
