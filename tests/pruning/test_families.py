"""NetworkPruner on the other families: CNN channels, RNN weights, survival models."""

import numpy as np
import pytest
import torch

from skdeep import CNNClassifier, RNNClassifier
from skdeep.datasets import make_survival_data
from skdeep.pruning import NetworkPruner
from skdeep.survival import DeepSurv, LogisticHazard

from .._all_estimators import FACTORIES, IDS, fit_data

CNN = dict(conv_channels=(8, 16), hidden_layer_sizes=(32,), max_iter=8, random_state=0,
           device="cpu")


@pytest.fixture(scope="module")
def images(digits):
    X, y = digits
    return X[:600].reshape(-1, 1, 8, 8), y[:600], X[600:900].reshape(-1, 1, 8, 8), y[600:900]


@pytest.mark.parametrize("global_pooling", [None, "avg"])
def test_cnn_channels_are_removed_and_the_export_predicts_the_same(images, global_pooling):
    X, y, X_test, y_test = images
    cnn = CNNClassifier(global_pooling=global_pooling, batch_norm=True, **CNN).fit(X, y)
    pruner = NetworkPruner(cnn, method="structured", sparsity=0.5, scope="layer", n_steps=2,
                           fine_tune_epochs=4, prefit=True).fit(X, y)
    small = pruner.to_dense()
    assert small.conv_channels == (4, 8)
    assert small.hidden_layer_sizes == (16,)
    convs = [m for m in small.net_.module_.conv if isinstance(m, torch.nn.Conv2d)]
    assert [c.weight.shape[:2] for c in convs] == [(4, 1), (8, 4)]
    np.testing.assert_allclose(small.predict_proba(X_test), pruner.predict_proba(X_test),
                               atol=1e-5)
    assert pruner.transform(X_test).shape == (len(X_test), 16)
    assert pruner.score(X_test, y_test) > 0.5


def test_cnn_magnitude_prunes_convolutions(images):
    X, y, X_test, _ = images
    pruner = NetworkPruner(CNNClassifier(**CNN), sparsity=0.7, n_steps=2,
                           fine_tune_epochs=2).fit(X, y)
    assert any(name.startswith("conv.") for name in pruner.masks_)
    weights = dict(pruner.estimator_.net_.module_.named_parameters())
    for name, mask in pruner.masks_.items():
        assert np.all(weights[name].detach().numpy()[~mask] == 0)
    assert pruner.sparsity_ == pytest.approx(0.7, abs=0.01)
    assert pruner.predict(X_test).shape == (len(X_test),)


def test_rnn_recurrent_weights_are_pruned(digits):
    X, y = digits
    seq = X[:400].reshape(-1, 8, 8)
    rnn = RNNClassifier(hidden_size=16, hidden_layer_sizes=(), max_iter=5, random_state=0,
                        device="cpu")
    pruner = NetworkPruner(rnn, sparsity=0.6, n_steps=2, fine_tune_epochs=2).fit(seq, y[:400])
    assert {"rnn.weight_ih_l0", "rnn.weight_hh_l0", "output.weight"} <= set(pruner.masks_)
    weights = dict(pruner.estimator_.net_.module_.named_parameters())
    for name, mask in pruner.masks_.items():
        assert np.all(weights[name].detach().numpy()[~mask] == 0)
    np.testing.assert_array_equal(pruner.predict(seq[:20]), pruner.estimator_.predict(seq[:20]))
    assert pruner.transform(seq[:5]).shape == (5, 16)


@pytest.fixture(scope="module")
def survival():
    X, y = make_survival_data(600, n_features=8, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


def test_deepsurv_keeps_its_survival_api(survival):
    X, y, X_test, y_test = survival
    model = DeepSurv(hidden_layer_sizes=(32, 32), max_iter=40, random_state=0, device="cpu")
    dense = model.fit(X, y)
    pruner = NetworkPruner(model, method="structured", sparsity=0.5, n_steps=2,
                           fine_tune_epochs=10).fit(X, y)
    surv = pruner.predict_survival_function(X_test[:3], return_array=True)
    assert surv.shape == (3, len(pruner.estimator_.unique_times_))
    assert np.all(np.diff(surv, axis=1) <= 1e-12)
    # the baseline hazard was refitted for the pruned network: a perfect match with it
    np.testing.assert_allclose(
        surv, pruner.to_dense().predict_survival_function(X_test[:3], return_array=True),
        atol=1e-6)
    assert pruner.score(X_test, y_test) >= dense.score(X_test, y_test) - 0.03
    assert pruner.transform(X_test).shape[1] == sum(pruner.to_dense().hidden_layer_sizes[-1:])


def test_discrete_time_model_is_pruned(survival):
    X, y, X_test, y_test = survival
    model = LogisticHazard(hidden_layer_sizes=(32,), max_iter=30, random_state=0, device="cpu")
    pruner = NetworkPruner(model, sparsity=0.8, n_steps=2, fine_tune_epochs=6).fit(X, y)
    assert pruner.score(X_test, y_test) > 0.6
    assert pruner.predict_survival_function(X_test[:2], return_array=True).shape[0] == 2


@pytest.mark.parametrize("name", IDS)
def test_every_estimator_can_be_pruned(name):
    """Magnitude pruning of every public estimator: masks hold, predictions delegate."""
    X, y = fit_data(name, n_samples=60)
    pruner = NetworkPruner(FACTORIES[name](), sparsity=0.5, n_steps=2, fine_tune_epochs=2)
    pruner.fit(X, y)
    weights = dict(pruner.estimator_.net_.module_.named_parameters())
    assert pruner.masks_
    for param, mask in pruner.masks_.items():
        assert np.all(weights[param].detach().numpy()[~mask] == 0), param
    np.testing.assert_array_equal(pruner.predict(X[:5]), pruner.estimator_.predict(X[:5]))
    assert np.isfinite(pruner.score(X, y))


def test_graph_node_classifier_is_pruned_by_magnitude():
    import networkx as nx

    from skdeep.graph import GraphNodeClassifier

    G = nx.karate_club_graph()
    clubs = np.array([G.nodes[v]["club"] for v in G.nodes])
    clf = GraphNodeClassifier(G, default_features="one_hot", random_state=0, device="cpu")
    ids = np.arange(34)
    pruner = NetworkPruner(clf, sparsity=0.5, n_steps=2, fine_tune_epochs=4)
    pruner.fit(ids[::2], clubs[::2])
    # the weights of the message-passing layers (torch-geometric Linear) are pruned
    assert set(pruner.masks_) == {"gnn.convs.0.lin.weight", "gnn.convs.1.lin.weight"}
    assert pruner.sparsity_ == pytest.approx(0.5, abs=0.02)
    assert pruner.score(ids[1::2], clubs[1::2]) > 0.8
    with pytest.raises(ValueError, match="GraphNodeClassifier's network .* has none that "
                                         "skdeep can remove"):
        NetworkPruner(clf, method="structured", fine_tune_epochs=1).fit(ids[::2], clubs[::2])
