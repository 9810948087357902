"""Docstring pieces shared by the survival estimators."""

from ..neural_network._mlp import _SHARED_PARAMS

__all__ = ["TRAINING_PARAMS"]

# The base's training parameters from ``solver`` on (each model documents its
# own ``hidden_layer_sizes`` and ``activation`` defaults above them).
TRAINING_PARAMS = "    solver :" + _SHARED_PARAMS.split("    solver :", 1)[1]
