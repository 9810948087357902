"""Recurrent networks on sequences: :class:`RNNClassifier`, :class:`RNNRegressor`."""

from ._rnn import RNNClassifier, RNNRegressor

__all__ = ["RNNClassifier", "RNNRegressor"]
