"""The Cox partial likelihoods against scikit-survival's and by hand."""

import numpy as np
import pytest
import torch
from sksurv.linear_model.coxph import CoxPHOptimizer

from skdeep.survival._losses import CoxPHLoss, CoxTimeLoss, cox_ph_loss
from skdeep.survival._modules import TimeRiskNet


def _tied_data(n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    time = rng.randint(1, 12, size=n).astype(float)  # many ties
    event = rng.rand(n) < 0.7
    return X, time, event


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_cox_loss_matches_sksurv(ties):
    X, time, event = _tied_data()
    w = np.array([0.3, -0.2, 0.5])
    expected = CoxPHOptimizer(X, event, time, alpha=np.zeros(3), ties=ties).nlog_likelihood(w)
    eta = torch.tensor(X @ w)
    got = cox_ph_loss(eta, torch.tensor(time), torch.tensor(event, dtype=torch.float64), ties=ties)
    np.testing.assert_allclose(float(got), expected, rtol=1e-10)


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_cox_gradient_matches_sksurv(ties):
    X, time, event = _tied_data(seed=1)
    w = np.array([0.1, 0.4, -0.3])
    opt = CoxPHOptimizer(X, event, time, alpha=np.zeros(3), ties=ties)
    opt.update(w)
    wt = torch.tensor(w, requires_grad=True)
    loss = cox_ph_loss(torch.tensor(X) @ wt, torch.tensor(time),
                       torch.tensor(event, dtype=torch.float64), ties=ties)
    loss.backward()
    np.testing.assert_allclose(wt.grad.numpy(), opt.gradient, rtol=1e-8, atol=1e-12)


def test_breslow_integer_weights_equal_repeated_rows():
    X, time, event = _tied_data(n=30, seed=2)
    eta = X @ np.array([0.2, -0.1, 0.3])
    reps = np.random.RandomState(0).randint(1, 4, size=30)
    t = torch.tensor
    weighted = cox_ph_loss(t(eta), t(time), t(event * 1.0), t(reps * 1.0))
    repeated = cox_ph_loss(t(np.repeat(eta, reps)), t(np.repeat(time, reps)),
                           t(np.repeat(event, reps) * 1.0))
    np.testing.assert_allclose(float(weighted), float(repeated), rtol=1e-10)


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_constant_weights_do_not_change_the_gradient(ties):
    X, time, event = _tied_data(n=40, seed=3)
    t = torch.tensor
    grads = []
    for weight in (None, torch.full((40,), 2.5, dtype=torch.float64)):
        eta = t(X[:, 0], requires_grad=True)
        cox_ph_loss(eta, t(time), t(event * 1.0), weight, ties=ties).backward()
        grads.append(eta.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def test_efron_equals_breslow_without_ties():
    rng = np.random.RandomState(4)
    eta, time = torch.tensor(rng.normal(size=50)), torch.tensor(rng.permutation(50) + 1.0)
    event = torch.tensor((rng.rand(50) < 0.6) * 1.0)
    np.testing.assert_allclose(float(cox_ph_loss(eta, time, event, ties="efron")),
                               float(cox_ph_loss(eta, time, event, ties="breslow")))


@pytest.mark.parametrize("loss", [CoxPHLoss("breslow"), CoxPHLoss("efron")])
def test_batch_without_events_gives_zero_loss_and_gradient(loss):
    eta = torch.tensor([[0.5], [1e4], [-3.0]], requires_grad=True)
    target = (torch.tensor([1.0, 2.0, 2.0]), torch.zeros(3))
    value = loss(eta, target, None)
    value.backward()
    assert float(value) == 0.0
    assert torch.equal(eta.grad, torch.zeros_like(eta))


def test_cox_loss_is_finite_for_huge_scores():
    eta = torch.tensor([[800.0], [-800.0], [0.0]], requires_grad=True)
    target = (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 1.0, 0.0]))
    value = CoxPHLoss("efron")(eta, target, None)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(eta.grad).all()


def test_coxtime_loss_zero_without_events_and_finite_otherwise():
    torch.manual_seed(0)
    g = TimeRiskNet(2, [4])
    loss = CoxTimeLoss(n_controls=2).bind(g)
    x = torch.randn(8, 2, requires_grad=True)
    t = torch.linspace(-1, 1, 8)
    value = loss(x, (t, torch.zeros(8)), None)
    value.backward()
    assert float(value) == 0.0 and torch.equal(x.grad, torch.zeros_like(x))
    value = loss(x, (t, torch.ones(8)), torch.ones(8))
    assert torch.isfinite(value) and float(value) > 0
    # the last case has nobody else at risk: alone it contributes exactly zero
    only_last = torch.zeros(8)
    only_last[-1] = 1
    assert float(loss(x, (t, only_last), None)) == 0.0


def test_coxtime_loss_with_one_control_is_the_paper_formula():
    torch.manual_seed(0)
    g = TimeRiskNet(1, [])
    loss = CoxTimeLoss(n_controls=1).bind(g)
    x = torch.tensor([[0.0], [1.0]])
    t = torch.tensor([0.0, 1.0])
    value = loss(x, (t, torch.tensor([1.0, 0.0])), None)
    # the only control of case 0 is sample 1, evaluated at the case's time 0
    t0 = torch.zeros(1, 1)
    diff = g(x[1:], t0) - g(x[:1], t0)
    # summed over the cases and divided by the batch size (2), as DeepSurv's loss is
    assert torch.allclose(value, torch.log1p(torch.exp(diff)).reshape(()) / 2)
    # a time-independent g with the whole risk set as controls is Cox's partial
    # likelihood: the same value as DeepSurv's loss, normalisation included
    eta = g(x, t0.expand(2, 1))
    cox = cox_ph_loss(eta, t, torch.tensor([1.0, 0.0]))
    assert torch.allclose(value.double(), cox)
