"""Convolutional networks on images: :class:`CNNClassifier`, :class:`CNNRegressor`."""

from ._cnn import CNNClassifier, CNNRegressor

__all__ = ["CNNClassifier", "CNNRegressor"]
