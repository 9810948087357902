"""Bad input to NetworkPruner: clear errors before any training."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from skdeep import MLPClassifier, RNNClassifier
from skdeep.pruning import NetworkPruner


class _NoFit(MLPClassifier):
    """Fails if any training starts."""

    def fit(self, X, y, sample_weight=None):
        raise AssertionError("training started before the parameters were checked")


X = np.random.RandomState(0).rand(40, 6)
y = np.arange(40) % 2


@pytest.mark.parametrize("sparsity", [1.0, -0.1, 1.5])
def test_sparsity_outside_unit_interval(sparsity):
    with pytest.raises(ValueError, match=r"'sparsity' parameter .* range \[0(\.0)?, 1(\.0)?\)"):
        NetworkPruner(_NoFit(), sparsity=sparsity).fit(X, y)


def test_not_a_skdeep_network():
    with pytest.raises(TypeError, match="wraps skdeep network estimators.*LogisticRegression"):
        NetworkPruner(LogisticRegression()).fit(X, y)


def test_rank_larger_than_the_layer():
    with pytest.raises(ValueError, match="rank=50 is larger than the hidden layer of width 8"):
        NetworkPruner(_NoFit(hidden_layer_sizes=(16, 8)), method="low_rank", rank=50).fit(X, y)


def test_rank_larger_than_the_input_side_of_a_layer():
    # 6 input features: the first hidden layer is 16 x 6, so rank 7 cannot fit
    est = MLPClassifier((16, 16), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=r"rank=7 is larger than the layer hidden.0 of shape \(16, 6\)"):
        NetworkPruner(est, method="low_rank", rank=7).fit(X, y)


def test_prefit_with_an_unfitted_estimator():
    with pytest.raises(NotFittedError, match="prefit=True but the MLPClassifier .* is not fitted"):
        NetworkPruner(MLPClassifier(), prefit=True).fit(X, y)


def test_structured_on_a_recurrent_network_without_dense_layers():
    est = RNNClassifier(hidden_layer_sizes=())
    with pytest.raises(ValueError, match="RNNClassifier with hidden_layer_sizes=\\(\\) has none "
                                         "\\(recurrent units are not removed"):
        NetworkPruner(est, method="structured").fit(X.reshape(40, 3, 2), y)


def test_low_rank_needs_hidden_layers():
    with pytest.raises(ValueError, match="factorises hidden dense layers"):
        NetworkPruner(_NoFit(hidden_layer_sizes=()), method="low_rank").fit(X, y)


@pytest.mark.parametrize("method", ["admm", "proximal"])
def test_sparsity_training_needs_a_stochastic_solver(method):
    with pytest.raises(ValueError, match="solver='lbfgs'.*use a stochastic solver"):
        NetworkPruner(_NoFit(solver="lbfgs"), method=method).fit(X, y)


def test_granularity_that_does_not_apply():
    with pytest.raises(ValueError, match="granularity='unit' does not apply to method='magnitude'"):
        NetworkPruner(_NoFit(), granularity="unit").fit(X, y)


def test_rank_with_another_method():
    with pytest.raises(ValueError, match="rank and energy only apply to method='low_rank'"):
        NetworkPruner(_NoFit(), rank=3).fit(X, y)


def test_rank_and_energy_together():
    with pytest.raises(ValueError, match="not both"):
        NetworkPruner(_NoFit(), method="low_rank", rank=3, energy=0.9).fit(X, y)


def test_unknown_method():
    with pytest.raises(ValueError, match="'method' parameter"):
        NetworkPruner(_NoFit(), method="random").fit(X, y)
