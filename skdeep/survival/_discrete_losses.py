r"""Sample-weighted negative log-likelihoods of the discrete-time survival models.

Every loss is called as ``loss(phi, target, weight)``: ``phi`` is the raw
network output of shape ``(n, m)`` (``(n, K * m)`` for competing risks),
``target`` the tuple made by :mod:`skdeep.survival._discretize` (grid index
``kappa_i``, event code ``d_i`` and the fraction ``rho_i`` of the last
interval lived) and ``weight`` ``None`` or sample weights.  Each returns the
weighted mean over samples ``sum_i w_i l_i / sum_i w_i`` of a per-sample loss
``l_i``, computed in log space (no NaN or infinity on batches without events).

For the grid models a censored sample at ``kappa_i`` lived the part ``rho_i``
of the interval ending there; a target without ``rho`` (a pair) means
``rho = 1``, censored at the grid point itself.  With unit weights and pycox's
labels (censoring moved down to the previous grid point, i.e. ``rho = 1`` at
that point, the same likelihood as ``rho = 0`` at the next) the values equal
pycox's ``nll_logistic_hazard``, ``nll_pmf``, ``nll_mtlr``,
``nll_pc_hazard_loss`` and ``DeepHitSingleLoss`` / ``DeepHitLoss`` up to
pycox's ``epsilon = 1e-7``.
"""

import torch
import torch.nn.functional as F
from torch import nn

from .._losses import divide_by_weight, weighted_mean

__all__ = [
    "LogisticHazardLoss",
    "PMFLoss",
    "MTLRLoss",
    "PCHazardLoss",
    "DeepHitLoss",
    "pmf_logits",
    "mtlr_to_pmf_logits",
]


def pmf_logits(phi, n_causes=1):
    """Log-probabilities of the PMF parametrisation.

    ``phi`` of shape ``(n, K * m)`` gets a zero logit appended for "no event on
    the grid"; the softmax over the ``K * m + 1`` entries is the probability of
    each (cause, grid point) and of survival past the grid.

    Returns
    -------
    log_pmf : Tensor of shape (n, K, m)
    log_rest : Tensor of shape (n,)
        Log-probability of surviving beyond the last grid point.
    """
    n = phi.shape[0]
    logp = torch.log_softmax(F.pad(phi, (0, 1)), dim=1)
    return logp[:, :-1].reshape(n, n_causes, -1), logp[:, -1]


def mtlr_to_pmf_logits(phi):
    r"""MTLR's reverse cumulative sum, :math:`\psi_j = \sum_{k \ge j} \phi_k`."""
    return phi.flip(1).cumsum(1).flip(1)


def _fraction(target, like):
    """``rho`` of a target tuple, 1 (censored at the grid point) when absent."""
    if len(target) > 2:
        return target[2].to(like.dtype)
    return torch.ones(target[0].shape[0], dtype=like.dtype, device=like.device)


def _log_survival_pmf(log_pmf, log_rest, index, fraction):
    """``log S(t) = log(S(tau_kappa) + (1 - rho) f(tau_kappa))``, all causes.

    ``S(tau_kappa)`` is the PMF of every cause after ``kappa`` plus the rest.
    """
    n, k, m = log_pmf.shape
    grid = torch.arange(m, device=index.device).view(1, -1)
    with torch.no_grad():
        log_share = torch.log1p(-fraction.clamp(0.0, 1.0)).view(-1, 1)  # -inf at rho=1
    log_c = torch.where(
        grid > index.view(-1, 1),
        torch.zeros((), dtype=log_pmf.dtype, device=log_pmf.device),
        torch.where(grid == index.view(-1, 1), log_share, float("-inf")),
    )
    masked = (log_pmf + log_c.unsqueeze(1)).reshape(n, -1)
    return torch.logsumexp(torch.cat([masked, log_rest.view(-1, 1)], dim=1), dim=1)


def _pmf_nll(log_pmf, log_rest, index, event, fraction):
    """Per-sample ``-log f_d(tau_kappa)`` for events, ``-log S(t)`` otherwise."""
    n = log_pmf.shape[0]
    rows = torch.arange(n, device=index.device)
    cause = (event.long() - 1).clamp_min(0)
    log_f = log_pmf[rows, cause, index]
    log_s = _log_survival_pmf(log_pmf, log_rest, index, fraction)
    return -torch.where(event > 0, log_f, log_s)


class _DiscreteLoss(nn.Module):
    def per_sample(self, phi, target):
        raise NotImplementedError

    def forward(self, phi, target, weight=None):
        return weighted_mean(self.per_sample(phi, target), weight)


class LogisticHazardLoss(_DiscreteLoss):
    r"""Discrete-time hazard ("Nnet-survival", logistic hazard) likelihood.

    With :math:`h_{ij} = \sigma(\phi_{ij})` the hazard at grid point :math:`j`,

    .. math::

        l_i = -\sum_{j < \kappa_i} \log(1 - h_{ij})
              - d_i \log h_{i\kappa_i} - (1 - d_i)\,\rho_i \log(1 - h_{i\kappa_i}),

    a sum of binary cross-entropies up to the sample's own grid point, the
    last one weighted by the part :math:`\rho_i` of the interval a censored
    sample lived.
    """

    def per_sample(self, phi, target):
        index, event = target[0], target[1]
        grid = torch.arange(phi.shape[1], device=phi.device).view(1, -1)
        at_own = grid == index.view(-1, 1)
        is_event = event.view(-1, 1) > 0
        bce = F.binary_cross_entropy_with_logits(
            phi, (at_own & is_event).to(phi.dtype), reduction="none"
        )
        own = torch.where(is_event, 1.0, _fraction(target, phi).view(-1, 1))
        weight = torch.where(grid < index.view(-1, 1), 1.0, torch.where(at_own, own, 0.0))
        return (bce * weight).sum(1)


class PMFLoss(_DiscreteLoss):
    r"""Probability-mass-function likelihood (also DeepHit's likelihood term).

    With :math:`f_{ij} = \operatorname{softmax}(\phi_{i1}, \dots, \phi_{im}, 0)_j`,

    .. math::

        l_i = -d_i \log f_{i\kappa_i} - (1 - d_i)\log \Bigl(1 - \sum_{j \le \kappa_i} f_{ij}
              + (1 - \rho_i) f_{i\kappa_i}\Bigr),

    the survival of a censored sample interpolated linearly (constant density)
    over the part :math:`\rho_i` of its interval it lived.

    ``n_causes > 1``: :math:`\phi` holds ``K`` blocks of ``m`` logits, one
    softmax runs over all ``K m + 1`` of them, an event of cause :math:`k` uses
    :math:`f^{(k)}_{i\kappa_i}` and a censored sample the probability of no
    event of any cause up to :math:`\tau_{\kappa_i}`.
    """

    def __init__(self, n_causes=1):
        super().__init__()
        self.n_causes = n_causes

    def logits(self, phi):
        return phi

    def per_sample(self, phi, target):
        log_pmf, log_rest = pmf_logits(self.logits(phi), self.n_causes)
        return _pmf_nll(log_pmf, log_rest, target[0], target[1], _fraction(target, phi))


class MTLRLoss(PMFLoss):
    r"""(Neural) multi-task logistic regression likelihood.

    The PMF likelihood of :class:`PMFLoss` on the reverse cumulative sums
    :math:`\psi_{ij} = c \sum_{k \ge j} \phi_{ik}` (Yu et al., 2011; Fotso,
    2018), with ``scale`` :math:`c` (1 in pycox; :class:`NMTLR` uses
    :math:`1/m`, a reparametrisation of the same model).
    """

    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale

    def logits(self, phi):
        return self.scale * mtlr_to_pmf_logits(phi)


class PCHazardLoss(_DiscreteLoss):
    r"""Piecewise-constant hazard likelihood.

    With :math:`\eta_{ij} = \operatorname{softplus}(\phi_{ij})` the hazard
    integrated over interval :math:`j` and :math:`\rho_i` the fraction of
    interval :math:`\kappa_i` lived,

    .. math::

        l_i = -d_i \log \eta_{i\kappa_i} + \rho_i\,\eta_{i\kappa_i}
              + \sum_{j < \kappa_i} \eta_{ij}.

    (The density uses the hazard rate :math:`\eta / \Delta\tau`; the constant
    :math:`\log \Delta\tau` is dropped, as in pycox.)
    """

    def per_sample(self, phi, target):
        index, event, fraction = target[0], target[1], target[2]
        eta = F.softplus(phi)
        rows = torch.arange(phi.shape[0], device=phi.device)
        phi_k = phi[rows, index]
        # log(softplus(x)) without underflow: ~ x for very negative x.
        log_eta_k = torch.where(phi_k < -15, phi_k, torch.log(F.softplus(phi_k.clamp_min(-15))))
        before = torch.arange(phi.shape[1], device=phi.device).view(1, -1) < index.view(-1, 1)
        cum = eta.masked_fill(~before, 0.0).sum(1)
        return -(event > 0).to(phi.dtype) * log_eta_k + fraction * eta[rows, index] + cum


class DeepHitLoss(_DiscreteLoss):
    r"""DeepHit: PMF likelihood plus a concordance-ranking penalty.

    .. math::

        L = (1 - \lambda) \, \overline{l^{\mathrm{PMF}}}
            + \lambda \, \overline{l^{\mathrm{rank}}}, \qquad
        l^{\mathrm{rank}}_i = \sum_{k} 1\{d_i = k\}
            \frac{\sum_j w_j A_{ij} \exp\bigl(-(F^{(k)}_i(\tau_{\kappa_i})
            - F^{(k)}_j(\tau_{\kappa_i})) / \sigma\bigr)}{\sum_j w_j},

    where :math:`\lambda` is ``ranking_weight``, :math:`F^{(k)}` the cumulative
    incidence of cause :math:`k` and :math:`A_{ij} = 1` when sample :math:`i`
    had an event strictly before sample :math:`j`'s time, or at the same grid
    point as :math:`j`'s censoring (Lee et al., 2018; a sample censored inside
    an interval, :math:`\rho_j < 1`, counts at the interval's start for the
    ranking, as in pycox). Both terms are weighted means over the batch.
    pycox's ``alpha`` is :math:`1 - \lambda`.
    """

    def __init__(self, ranking_weight=0.5, sigma=0.1, n_causes=1):
        super().__init__()
        self.ranking_weight = ranking_weight
        self.sigma = sigma
        self.n_causes = n_causes

    def forward(self, phi, target, weight=None):
        index, event = target[0], target[1]
        fraction = _fraction(target, phi)
        log_pmf, log_rest = pmf_logits(phi, self.n_causes)
        nll = weighted_mean(_pmf_nll(log_pmf, log_rest, index, event, fraction), weight)
        if self.ranking_weight == 0:
            return nll
        # the last grid point a sample censored inside an interval is known to pass
        known = index - ((event == 0) & (fraction < 1)).to(index.dtype)
        rank = weighted_mean(self.rank_per_sample(log_pmf.exp(), known, event, weight), weight)
        return (1.0 - self.ranking_weight) * nll + self.ranking_weight * rank

    def rank_per_sample(self, pmf, index, event, weight):
        n = pmf.shape[0]
        # A_ij: i has an event before j's time, or at j's censoring grid point.
        earlier = index.view(-1, 1) < index.view(1, -1)
        tied = (index.view(-1, 1) == index.view(1, -1)) & (event.view(1, -1) == 0)
        acceptable = (earlier | tied) & (event.view(-1, 1) > 0)
        w = torch.ones(n, device=pmf.device, dtype=pmf.dtype) if weight is None else weight
        cif = pmf.cumsum(2)  # (n, K, m)
        cause = (event.long() - 1).clamp_min(0)
        # F^{(k_i)}_j(tau_{kappa_i}) for every pair: (n_i, n_j)
        cif_pairs = cif[:, cause, index].T
        diff = cif_pairs.diagonal().view(-1, 1) - cif_pairs
        terms = acceptable.to(pmf.dtype) * torch.exp(-diff / self.sigma) * w.view(1, -1)
        return divide_by_weight(terms.sum(1), w.sum())
