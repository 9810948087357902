"""Every public skdeep estimator, small and fast, for the cross-family sweeps.

``ESTIMATORS`` is a list of ``(id, factory)``; a factory returns an unfitted
estimator with tiny settings (a few epochs, a few units, the CPU).  A new
family joins every sweep (``tests/test_edge_inputs.py``, ``tests/test_dtype.py``)
by adding one line here.  :func:`fit_data` gives data of the right kind for an
id: class labels, real targets or a structured survival array.
"""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sksurv.util import Surv

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor
from skdeep import RNNClassifier, RNNRegressor
from skdeep.graph import GraphNodeClassifier
from skdeep.survival import NMTLR, PMF, CoxTime, DeepHit, DeepSurv, LogisticHazard, PCHazard

_FAST = dict(max_iter=3, random_state=0, device="cpu")
_CNN = dict(conv_channels=(2,), hidden_layer_sizes=(4,), image_shape=(1, 1, -1), batch_size=16)
_RNN = dict(hidden_size=4)
_GRID = dict(hidden_layer_sizes=(4,), n_durations=4)

ESTIMATORS = [
    ("MLPClassifier", lambda: MLPClassifier(hidden_layer_sizes=(4,), **_FAST)),
    ("MLPRegressor", lambda: MLPRegressor(hidden_layer_sizes=(4,), **_FAST)),
    ("CNNClassifier", lambda: CNNClassifier(**_CNN, **_FAST)),
    ("CNNRegressor", lambda: CNNRegressor(**_CNN, **_FAST)),
    ("RNNClassifier", lambda: RNNClassifier(**_RNN, **_FAST)),
    ("RNNRegressor", lambda: RNNRegressor(**_RNN, **_FAST)),
    ("DeepSurv", lambda: DeepSurv(hidden_layer_sizes=(4,), **_FAST)),
    ("CoxTime", lambda: CoxTime(hidden_layer_sizes=(4,), **_FAST)),
    ("DeepHit", lambda: DeepHit(**_GRID, **_FAST)),
    ("LogisticHazard", lambda: LogisticHazard(**_GRID, **_FAST)),
    ("PMF", lambda: PMF(**_GRID, **_FAST)),
    ("NMTLR", lambda: NMTLR(**_GRID, **_FAST)),
    ("PCHazard", lambda: PCHazard(**_GRID, **_FAST)),
    ("GraphNodeClassifier", lambda: GraphNodeClassifier(hidden_layer_sizes=(4,), **_FAST)),
]

IDS = [name for name, _ in ESTIMATORS]
FACTORIES = dict(ESTIMATORS)


def kind(estimator):
    """``'classifier'``, ``'regressor'`` or ``'survival'``."""
    if is_classifier(estimator):
        return "classifier"
    if is_regressor(estimator):
        return "regressor"
    return "survival"


def target(estimator, X, random_state=0):
    """A target of the estimator's kind for the rows of a 2-D ``X``."""
    rng = np.random.RandomState(random_state)
    n = X.shape[0]
    signal = X[:, 0] - X[:, 1]
    if kind(estimator) == "classifier":
        y = (signal > np.median(signal)).astype(int)
        y[:2] = [0, 1][:n]  # both classes, whatever the rows
        return y
    if kind(estimator) == "regressor":
        return signal + 0.1 * rng.normal(size=n)
    time = np.exp(-0.5 * signal) * rng.exponential(size=n) + 0.1
    event = rng.rand(n) < 0.7
    event[:2] = True  # events, whatever the rows
    return Surv.from_arrays(event, time)


def fit_data(name, n_samples=40, n_features=4, random_state=0):
    """``(X, y)`` for the estimator ``name``: float64 ``X`` and a fitting target."""
    rng = np.random.RandomState(random_state)
    X = rng.normal(size=(n_samples, n_features))
    return X, target(FACTORIES[name](), X, random_state)
