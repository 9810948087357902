r"""Losses of the continuous-time Cox networks (DeepSurv, CoxTime).

Each loss is called as ``loss(output, target, weight)`` with the raw module
output, the target tuple ``(time, event)`` of the mini-batch and ``None`` or a
1-D tensor of sample weights, like the losses of :mod:`skdeep._losses`.  A
mini-batch without events carries no information about the hazard: its loss is
exactly zero with a zero gradient (never ``0 / 0``).
"""

import torch
from torch import nn

from .._losses import divide_by_weight

__all__ = ["CoxPHLoss", "CoxTimeLoss", "cox_ph_loss"]

_TINY = 1e-300


def _zero_loss(output):
    """A zero that keeps the graph (so ``backward`` works and gives zero grads)."""
    return output.sum() * 0.0


def cox_ph_loss(eta, time, event, weight=None, ties="breslow"):
    r"""Negative Cox partial log-likelihood of a batch, exact with tied times.

    With risk sets :math:`R(t) = \{j : T_j \ge t\}`, distinct event times
    :math:`t_k`, the events :math:`D_k` at :math:`t_k` (:math:`d_k` of them),
    weights :math:`w_i` and :math:`S_k = \sum_{j \in R(t_k)} w_j e^{\eta_j}`:

    .. math::

        \text{Breslow:}\quad -\ell = -\frac{1}{\sum_i w_i} \sum_k \Big[
            \sum_{i \in D_k} w_i \eta_i - \Big(\sum_{i\in D_k} w_i\Big) \log S_k \Big]

        \text{Efron:}\quad -\ell = -\frac{1}{\sum_i w_i} \sum_k \Big[
            \sum_{i \in D_k} w_i \eta_i - \bar w_k \sum_{r=0}^{d_k - 1}
            \log\Big(S_k - \tfrac{r}{d_k} E_k\Big) \Big]

    where :math:`E_k = \sum_{i \in D_k} w_i e^{\eta_i}` and :math:`\bar w_k` is
    the mean weight of :math:`D_k` (the weighted Efron approximation of R's
    ``survival::coxph``).  Normalising by the total weight of the batch is what
    :class:`sksurv.linear_model.CoxPHSurvivalAnalysis` minimises (divided by
    ``n_samples``), so coefficients and ``alpha`` agree with it.

    Parameters
    ----------
    eta : Tensor of shape (n,) or (n, 1)
        Log-risk scores :math:`\eta_i`.
    time : Tensor of shape (n,)
        Observed times.
    event : Tensor of shape (n,)
        1 for an event, 0 for censoring.
    weight : Tensor of shape (n,) or None
        Sample weights.
    ties : {'breslow', 'efron'}
        How tied event times enter the likelihood.

    Returns
    -------
    loss : Tensor of shape ()
        The loss; zero (with zero gradient) when the batch has no event.
    """
    eta = eta.reshape(-1)
    if not bool((event > 0).any()):
        return _zero_loss(eta)
    x = eta.double()
    e = (event > 0).double()
    w = torch.ones_like(x) if weight is None else weight.double()
    order = torch.argsort(time, stable=True)
    t, e, x, w = time[order], e[order], x[order], w[order]
    _, inv, counts = torch.unique_consecutive(t, return_inverse=True, return_counts=True)
    n_groups = counts.shape[0]
    shift = x.max().detach()
    ex = w * torch.exp(x - shift)
    per_time = x.new_zeros(n_groups).index_add_(0, inv, ex)
    risk = torch.flip(torch.cumsum(torch.flip(per_time, (0,)), 0), (0,))
    if ties == "breslow":
        log_risk = torch.log(risk.clamp_min(_TINY))[inv] + shift
        ll = (w * e * (x - log_risk)).sum()
    else:
        ev_exp = x.new_zeros(n_groups).index_add_(0, inv, ex * e)
        n_ev = x.new_zeros(n_groups).index_add_(0, inv, e)
        w_ev = x.new_zeros(n_groups).index_add_(0, inv, w * e)
        w_bar = w_ev / n_ev.clamp_min(1.0)
        # rank r of each event among the events of its time (0, 1, ..., d_k - 1)
        first = torch.cumsum(n_ev, 0) - n_ev
        rank = torch.cumsum(e, 0) - 1.0 - first[inv]
        denom = risk[inv] - rank / n_ev[inv].clamp_min(1.0) * ev_exp[inv]
        log_denom = torch.log(denom.clamp_min(_TINY)) + shift
        ll = (w * e * x).sum() - (e * w_bar[inv] * log_denom).sum()
    return -divide_by_weight(ll, w.sum())  # zero-weight batch: 0, not 0/0; float64: L-BFGS needs the precision (1e-3 agreement)


class CoxPHLoss(nn.Module):
    """DeepSurv's loss: :func:`cox_ph_loss` on the module's ``(n, 1)`` output.

    Parameters
    ----------
    ties : {'breslow', 'efron'}, default='breslow'
        Handling of tied event times.
    """

    def __init__(self, ties="breslow"):
        super().__init__()
        self.ties = ties

    def forward(self, output, target, weight=None):
        time, event = target[0], target[1]
        return cox_ph_loss(output, time, event, weight, ties=self.ties)


class CoxTimeLoss(nn.Module):
    r"""Case-control partial likelihood of Cox-Time (Kvamme et al., 2019, eq. 9).

    For every case (a sample :math:`i` with an event) ``n_controls`` controls
    :math:`j` are drawn uniformly, with replacement, from the risk set
    :math:`\{j \ne i : T_j \ge T_i\}`, and with :math:`g` the network

    .. math::

        -\ell = \frac{1}{\sum_i w_i} \sum_{i:\delta_i = 1} w_i
            \log\Big(1 + \sum_{j \in \tilde R_i}
            e^{g(x_j, T_i) - g(x_i, T_i)}\Big).

    The sum over cases is divided by the batch's total weight (its size
    without weights), as :func:`cox_ph_loss` divides the partial likelihood:
    the penalty ``alpha / n_batch`` then weighs the same against both Cox
    losses. (pycox averages over the cases instead, which at a 10% event rate
    made the same ``alpha`` a ten times weaker prior for Cox-Time than for
    DeepSurv.)

    Controls are drawn among the mini-batch's samples: the batch is a uniform
    random subset of the training set, so a uniform draw from its risk set is a
    uniform draw from the full risk set, as in the paper.  A case whose batch
    risk set holds nobody else (the latest time of the batch) contributes zero.

    The module's forward returns its input features unchanged during training;
    this loss evaluates the bound network ``g`` (see :meth:`bind`) on the pairs
    it samples, which needs the case's time as an input of the controls.

    Parameters
    ----------
    n_controls : int, default=1
        Controls sampled per case and per epoch.
    """

    def __init__(self, n_controls=1):
        super().__init__()
        self.n_controls = n_controls
        object.__setattr__(self, "network", None)

    def bind(self, network):
        """Use ``network`` (``g(x, t)``) without registering its parameters here."""
        object.__setattr__(self, "network", network)
        return self

    def forward(self, output, target, weight=None):
        x = output
        time, event = target[0], target[1]
        cases = torch.nonzero(event > 0).reshape(-1)
        if cases.numel() == 0:
            return _zero_loss(x)
        n = x.shape[0]
        at_risk = time[None, :] >= time[cases][:, None]
        at_risk[torch.arange(cases.numel(), device=x.device), cases] = False
        has_control = at_risk.any(dim=1)
        t_case = time[cases].reshape(-1, 1).to(x.dtype)
        controls = []
        for _ in range(self.n_controls):
            score = torch.rand(cases.numel(), n, device=x.device).masked_fill(~at_risk, -1.0)
            controls.append(score.argmax(dim=1))
        controls = torch.stack(controls, dim=1)  # (n_cases, n_controls)
        g_case = self.network(x[cases], t_case)
        g_ctrl = self.network(
            x[controls.reshape(-1)], t_case.repeat_interleave(self.n_controls, dim=0)
        ).reshape(cases.numel(), self.n_controls)
        diff = (g_ctrl - g_case).masked_fill(~has_control[:, None], float("-inf"))
        zeros = torch.zeros_like(g_case)
        per_case = torch.logsumexp(torch.cat([zeros, diff], dim=1), dim=1)
        if weight is None:
            return per_case.sum() / n
        return divide_by_weight((per_case * weight[cases]).sum(), weight.sum())
