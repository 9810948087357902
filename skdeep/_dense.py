"""The dense-network mixin: an MLP body and scikit-learn's weight attributes.

Shared by the MLP drop-ins and every family whose network is a plain
multi-layer perceptron (the discrete-time survival models, for one). It sits on
the ground floor beside :mod:`skdeep.base` so those families stay siblings.
"""

import numpy as np
import torch

from ._docstrings import TRAINING_ATTRIBUTES
from ._layers import MLPModule

__all__ = ["DenseNetworkMixin", "DENSE_ATTRIBUTES"]


DENSE_ATTRIBUTES = (
    """
    coefs_ : list of ndarray
        ``coefs_[i]`` is the ``(fan_in, fan_out)`` weight matrix of layer ``i``.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    n_layers_ : int
        Number of layers, input and output included.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
"""
    + TRAINING_ATTRIBUTES
)


class DenseNetworkMixin:
    """Module construction and the sklearn-style weight attributes."""

    def _build_module(self, X, y):
        return MLPModule(
            X.shape[1],
            self._hidden_layer_sizes(),
            self.n_outputs_,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )

    def _work_per_sample(self, n_features):
        widths = [n_features, *self._hidden_layer_sizes(), getattr(self, "n_outputs_", 1)]
        return sum(a * b for a, b in zip(widths, widths[1:]))

    @property
    def coefs_(self):
        """Weight matrices ``(fan_in, fan_out)``, input layer first."""
        return [lin.weight.detach().cpu().numpy().T.copy() for lin in self._linears()]

    @coefs_.setter
    def coefs_(self, coefs):
        self._assign_layers(coefs, "weight", "coefs_", transpose=True)

    @property
    def intercepts_(self):
        """Bias vectors, first hidden layer first."""
        return [lin.bias.detach().cpu().numpy().copy() for lin in self._linears()]

    @intercepts_.setter
    def intercepts_(self, intercepts):
        self._assign_layers(intercepts, "bias", "intercepts_", transpose=False)

    def _assign_layers(self, arrays, attr, name, transpose):
        """Write ``arrays`` (as scikit-learn lays them out) into the network."""
        if not hasattr(self, "net_"):
            raise AttributeError(
                f"{name} can only be assigned on a fitted {type(self).__name__}; "
                "call fit or partial_fit first."
            )
        linears = self._linears()
        arrays = list(arrays)
        if len(arrays) != len(linears):
            raise ValueError(
                f"{name} needs {len(linears)} arrays, one per layer; got {len(arrays)}."
            )
        values = []
        for i, (lin, value) in enumerate(zip(linears, arrays)):
            param = getattr(lin, attr)
            value = np.asarray(value, dtype=np.float64)
            value = value.T if transpose else value
            if value.shape != tuple(param.shape):
                expected = tuple(param.shape[::-1]) if transpose else tuple(param.shape)
                raise ValueError(
                    f"{name}[{i}] has shape {np.shape(arrays[i])}; the network's layer "
                    f"needs {expected}."
                )
            if not np.isfinite(value).all():
                raise ValueError(f"{name}[{i}] contains NaN or infinite values.")
            values.append(value)
        with torch.no_grad():
            for lin, value in zip(linears, values):
                param = getattr(lin, attr)
                param.copy_(torch.as_tensor(value, dtype=param.dtype, device=param.device))

    @property
    def n_layers_(self):
        """Number of layers, input and output included."""
        return len(self._linears()) + 1

    def _linears(self):
        if not hasattr(self, "net_"):
            raise AttributeError("This estimator is not fitted yet.")
        return self.net_.module_.linears()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
