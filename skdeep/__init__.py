"""skdeep: deep networks as first-class scikit-learn estimators."""

from .neural_network import MLPClassifier, MLPRegressor

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "MLPRegressor", "__version__"]
