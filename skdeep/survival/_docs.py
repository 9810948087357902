"""Docstring pieces shared by the continuous-time survival estimators."""

from .._docstrings import training_params_doc

__all__ = ["TRAINING_PARAMS"]

# The base's training parameters from ``solver`` on, with the Cox networks'
# defaults (each model documents its own ``hidden_layer_sizes`` above them).
TRAINING_PARAMS = training_params_doc(max_iter="100", dropout="0.2")
