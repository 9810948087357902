"""Plain torch modules of the continuous-time survival networks (no sklearn here)."""

import torch
from torch import nn

from .._layers import dense_stack, glorot_uniform_

__all__ = ["RiskNet", "TimeRiskNet", "CoxTimeModule"]


class RiskNet(nn.Module):
    """Log-risk network :math:`\\eta(x)`: hidden layers and one output, no bias.

    A Cox model's baseline hazard absorbs any constant, so the output layer has
    no bias; with no hidden layer this is exactly the linear predictor
    :math:`x^\\top\\beta` of the Cox model.

    Parameters
    ----------
    n_features : int
        Input width ``d``; ``forward`` takes ``x`` of shape ``(n, d)``.
    hidden_layer_sizes : sequence of int
        Hidden layer widths (may be empty).
    activation, dropout, batch_norm
        As in :func:`skdeep._layers.dense_stack`.
    """

    def __init__(self, n_features, hidden_layer_sizes, activation="relu", dropout=0.0,
                 batch_norm=False):
        super().__init__()
        self.hidden, width = dense_stack(
            n_features, hidden_layer_sizes, activation, dropout, batch_norm
        )
        self.output = nn.Linear(width, 1, bias=False)
        glorot_uniform_(self.output, activation)

    def linears(self):
        """The ``nn.Linear`` layers, input to output."""
        return [m for m in self.hidden if isinstance(m, nn.Linear)] + [self.output]

    def features(self, x):
        """Activations of the last hidden layer (``x`` itself with no hidden layer)."""
        return self.hidden(x)

    def forward(self, x):
        """Log-risk of shape ``(n, 1)``."""
        return self.output(self.hidden(x))


class TimeRiskNet(RiskNet):
    """Time-dependent log-risk :math:`g(x, t)`: a :class:`RiskNet` on ``[x, t]``.

    ``forward(x, t)`` takes ``x`` of shape ``(n, d)`` and ``t`` of shape
    ``(n, 1)`` (standardised times) and returns ``(n, 1)``.
    """

    def __init__(self, n_features, hidden_layer_sizes, activation="relu", dropout=0.0,
                 batch_norm=False):
        super().__init__(n_features + 1, hidden_layer_sizes, activation, dropout, batch_norm)

    def forward(self, x, t):
        return super().forward(torch.cat([x, t.to(x.dtype)], dim=1))


class CoxTimeModule(nn.Module):
    """Cox-Time's module: :class:`TimeRiskNet` ``g`` and a training pass-through.

    ``forward(x, t)`` returns :math:`g(x, t)`.  Called with the features alone
    (``forward(x)``, as the shared training loop calls every module) it returns
    ``x`` unchanged: Cox-Time's loss needs ``g`` at each case's time for the case
    *and* its sampled controls, so :class:`~skdeep.survival._losses.CoxTimeLoss`
    evaluates ``g`` itself on the pairs it draws.
    """

    def __init__(self, n_features, hidden_layer_sizes, activation="relu", dropout=0.0,
                 batch_norm=False):
        super().__init__()
        self.g = TimeRiskNet(n_features, hidden_layer_sizes, activation, dropout, batch_norm)

    def linears(self):
        """The ``nn.Linear`` layers of ``g``, input to output."""
        return self.g.linears()

    def forward(self, x, t=None):
        if t is None:
            return x
        return self.g(x, t)
