"""skdeep: deep networks as first-class scikit-learn estimators."""

from .neural_network import MLPClassifier, MLPRegressor
from .convolutional import CNNClassifier, CNNRegressor
from .recurrent import RNNClassifier, RNNRegressor

__version__ = "0.1.0"

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "CNNClassifier",
    "CNNRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "__version__",
]
