"""Shared torch building blocks (no scikit-learn in here): the ground floor.

Every family builds on these: :func:`dense_stack` is the dense block the CNN,
RNN, survival and graph families reuse for their heads, :func:`glorot_uniform_`
is scikit-learn's initialisation and :class:`MLPModule` is the whole
multi-layer perceptron. Families import from here, never from each other.
"""

import math

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "make_activation", "glorot_uniform_", "dense_stack", "MLPModule"]

ACTIVATIONS = {
    "identity": nn.Identity,
    "logistic": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
}


def make_activation(name):
    """A fresh activation module for one of :data:`ACTIVATIONS`' names."""
    return ACTIVATIONS[name]()


@torch.no_grad()
def glorot_uniform_(linear, activation):
    r"""scikit-learn's MLP initialisation, in place.

    Weights and biases are drawn from :math:`U(-b, b)` with
    :math:`b = \sqrt{f / (\text{fan\_in} + \text{fan\_out})}`, :math:`f = 2` for
    the logistic activation and :math:`f = 6` otherwise (Glorot & Bengio, 2010).
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = math.sqrt(factor / (linear.in_features + linear.out_features))
    linear.weight.uniform_(-bound, bound)
    if linear.bias is not None:
        linear.bias.uniform_(-bound, bound)


def dense_stack(n_in, hidden_layer_sizes, activation="relu", dropout=0.0, batch_norm=False):
    """Hidden dense layers: ``Linear -> [BatchNorm1d] -> activation -> [Dropout]``.

    Parameters
    ----------
    n_in : int
        Input width.
    hidden_layer_sizes : sequence of int
        Width of each hidden layer (may be empty).
    activation : str
        A key of :data:`ACTIVATIONS`.
    dropout : float
        Dropout probability after each hidden activation (0 disables it).
    batch_norm : bool
        Whether to normalise each hidden layer's pre-activations.

    Returns
    -------
    layers : torch.nn.Sequential
        The stack, mapping ``(n, n_in)`` to ``(n, hidden_layer_sizes[-1])``.
    n_out : int
        Width of the stack's output.
    """
    layers = []
    for width in hidden_layer_sizes:
        linear = nn.Linear(n_in, width)
        glorot_uniform_(linear, activation)
        layers.append(linear)
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(make_activation(activation))
        if dropout:
            layers.append(nn.Dropout(dropout))
        n_in = width
    return nn.Sequential(*layers), n_in


class MLPModule(nn.Module):
    """A multi-layer perceptron returning raw outputs (logits or values).

    Parameters
    ----------
    n_features : int
        Input width ``d``; ``forward`` takes ``x`` of shape ``(n, d)``.
    hidden_layer_sizes : sequence of int
        Hidden layer widths.
    n_outputs : int
        Output width; ``forward`` returns shape ``(n, n_outputs)``.
    activation, dropout, batch_norm
        As in :func:`dense_stack`.
    """

    def __init__(
        self,
        n_features,
        hidden_layer_sizes,
        n_outputs,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
    ):
        super().__init__()
        self.hidden, width = dense_stack(
            n_features, hidden_layer_sizes, activation, dropout, batch_norm
        )
        self.output = nn.Linear(width, n_outputs)
        glorot_uniform_(self.output, activation)

    def linears(self):
        """The ``nn.Linear`` layers, input to output (``coefs_`` come from these)."""
        return [m for m in self.hidden if isinstance(m, nn.Linear)] + [self.output]

    def features(self, x):
        """Activations of the last hidden layer."""
        return self.hidden(x)

    def forward(self, x):
        return self.output(self.hidden(x))
