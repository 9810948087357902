"""skdeep: deep networks as first-class scikit-learn estimators.

The estimators are imported on first use (``from skdeep import MLPClassifier``
works as usual), so ``import skdeep`` and ``skdeep --help`` do not load torch.
"""

import importlib

__version__ = "0.1.0"

# public name -> sub-package that defines it
_LAZY = {
    "MLPClassifier": "neural_network",
    "MLPRegressor": "neural_network",
    "CNNClassifier": "convolutional",
    "CNNRegressor": "convolutional",
    "RNNClassifier": "recurrent",
    "RNNRegressor": "recurrent",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skdeep' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
