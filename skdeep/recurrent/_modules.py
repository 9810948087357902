"""Plain torch modules for recurrent networks (no scikit-learn in here).

:class:`RNNModule` reads a batch of sequences with an LSTM, GRU or Elman RNN
and maps the final hidden state (many-to-one) through a dense stack to raw
outputs. Variable-length batches are packed with
:func:`torch.nn.utils.rnn.pack_padded_sequence`, so padding never enters the
recurrence.
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from .._layers import dense_stack, glorot_uniform_

__all__ = ["CELLS", "RNNModule"]

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class RNNModule(nn.Module):
    r"""A recurrent network with a many-to-one head, returning raw outputs.

    For a sequence :math:`x_1, \dots, x_T` the last recurrent layer's final
    hidden state :math:`h_T` (for ``bidirectional``, the forward :math:`h_T`
    concatenated with the backward :math:`h_1`) feeds a dense stack and a
    linear output layer.

    Parameters
    ----------
    n_features : int
        Features per time step ``F``.
    cell : {'lstm', 'gru', 'rnn'}
        The recurrent cell (``'rnn'`` is the Elman RNN with ``tanh``).
    hidden_size : int
        Width ``H`` of the recurrent state.
    num_layers : int
        Number of stacked recurrent layers.
    bidirectional : bool
        Also read each sequence backwards.
    hidden_layer_sizes : sequence of int
        Widths of the dense layers after the recurrence (may be empty).
    n_outputs : int
        Output width.
    activation : str
        Activation of the dense layers.
    dropout : float
        Dropout between recurrent layers and after dense hidden activations.
    batch_norm : bool
        Batch-normalise the dense pre-activations.

    Notes
    -----
    ``forward(x, lengths=None)`` takes ``x`` of shape ``(n, T, F)`` and, for
    padded batches, ``lengths`` of shape ``(n,)`` (integers in ``[1, T]``; the
    steps past ``lengths[i]`` are ignored). It returns ``(n, n_outputs)``.
    LSTM forget-gate biases start at 1, which helps long-range memory.
    """

    def __init__(
        self,
        n_features,
        cell,
        hidden_size,
        num_layers,
        bidirectional,
        hidden_layer_sizes,
        n_outputs,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
    ):
        super().__init__()
        self.rnn = CELLS[cell](
            n_features,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
        )
        if cell == "lstm":
            with torch.no_grad():
                for name, bias in self.rnn.named_parameters():
                    if name.startswith("bias_ih"):
                        bias[hidden_size : 2 * hidden_size].fill_(1.0)
                    elif name.startswith("bias_hh"):
                        bias[hidden_size : 2 * hidden_size].fill_(0.0)
        self.n_directions = 2 if bidirectional else 1
        self.hidden, width = dense_stack(
            hidden_size * self.n_directions, hidden_layer_sizes, activation, dropout, batch_norm
        )
        self.output = nn.Linear(width, n_outputs)
        glorot_uniform_(self.output, activation)

    def features(self, x, lengths=None):
        """Input of the output layer, shape ``(n, width)``."""
        n = x.shape[0]
        if lengths is not None:
            x = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, state = self.rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state  # LSTM: (h_n, c_n)
        last = h_n.view(self.rnn.num_layers, self.n_directions, n, -1)[-1]
        return self.hidden(last.transpose(0, 1).reshape(n, -1))

    def forward(self, x, lengths=None):
        return self.output(self.features(x, lengths))
