"""Feed-forward networks: drop-ins for :mod:`sklearn.neural_network`."""

from ._mlp import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
