"""Negative sampling of node pairs, seeded by torch's generator.

:func:`torch_geometric.utils.negative_sampling` draws from Python's global
``random`` module, which the estimators' ``random_state`` does not seed (and
must not reseed: it belongs to the user).  This sampler draws with torch on the
graph's device, so :func:`skdeep._training.seeded` makes it reproducible.  The
method is PyG's "sparse" one: draw candidate pairs uniformly, reject self-loops
and known pairs (a sorted-key lookup), redraw the rejects a few times.
"""

import torch

__all__ = ["pair_keys", "sample_negative_pairs"]


def pair_keys(pairs, n_nodes, symmetric=True):
    """Sorted unique int64 keys ``u * n + v`` of ``pairs`` (shape ``(2, m)``).

    With ``symmetric`` both directions of every pair are included.
    """
    u, v = pairs[0].long(), pairs[1].long()
    keys = u * n_nodes + v
    if symmetric:
        keys = torch.cat([keys, v * n_nodes + u])
    return torch.unique(keys)  # sorted


def sample_negative_pairs(n_nodes, n_samples, excluded, *, sources=None, n_tries=10):
    """Draw node pairs that are neither self-loops nor in ``excluded``.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    n_samples : int
        Number of pairs wanted (ignored when ``sources`` is given).
    excluded : torch.Tensor
        Sorted int64 keys from :func:`pair_keys` (on the device to sample on).
    sources : torch.Tensor or None
        If given, one negative per source node: ``(source, random target)``,
        as in the corrupted-target sampling of graph auto-encoders.
    n_tries : int
        Rounds of redrawing rejected candidates; the few still rejected after
        that (only in nearly complete graphs) are dropped.

    Returns
    -------
    pairs : torch.Tensor of shape (2, n_drawn), int64, ``n_drawn <= n_samples``.
    """
    device = excluded.device
    if sources is None:
        u = torch.randint(0, n_nodes, (n_samples,), device=device)
    else:
        u = sources.long()
    v = torch.randint(0, n_nodes, u.shape, device=device)
    bad = _rejected(u, v, n_nodes, excluded)
    for _ in range(n_tries):
        if not bool(bad.any()):
            break
        v[bad] = torch.randint(0, n_nodes, (int(bad.sum()),), device=device)
        bad = _rejected(u, v, n_nodes, excluded)
    keep = ~bad
    return torch.stack([u[keep], v[keep]])


def _rejected(u, v, n_nodes, excluded):
    bad = u == v
    if excluded.numel():
        keys = u * n_nodes + v
        pos = torch.searchsorted(excluded, keys).clamp_max(excluded.numel() - 1)
        bad |= excluded[pos] == keys
    return bad
