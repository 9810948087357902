"""Uniform neighbour sampling for mini-batch training (GraphSAGE-style), in plain torch.

PyG's :class:`~torch_geometric.loader.NeighborLoader` needs ``pyg-lib`` or
``torch-sparse``; when neither is importable skdeep uses :class:`NeighborSampler`
below.  Both produce the same mini-batch layout: a
:class:`~torch_geometric.data.Data` whose first ``batch_size`` nodes are the seed
nodes, with ``n_id`` (global ids of the local nodes), a local ``edge_index`` and
``x = x[n_id]``.
"""

import torch

__all__ = ["NeighborSampler", "PyGNeighborSampler", "make_sampler", "has_pyg_lib"]


def has_pyg_lib():
    """Whether PyG's compiled neighbour sampler (``pyg-lib`` or ``torch-sparse``) is usable."""
    try:
        import torch_geometric.typing as t
    except ImportError:  # pragma: no cover
        return False
    return bool(getattr(t, "WITH_PYG_LIB", False) or getattr(t, "WITH_TORCH_SPARSE", False))


class NeighborSampler:
    r"""Sample a fixed number of incoming neighbours per node and hop, without replacement.

    Messages flow along ``edge_index[0] -> edge_index[1]``, so the neighbours of
    node :math:`v` are the sources of the edges that point to :math:`v`.  For a
    node of in-degree :math:`d` and a fan-out :math:`k`, every neighbour is kept
    when :math:`d \le k`; otherwise a uniform random subset of size :math:`k` is
    drawn (each neighbour is kept with probability :math:`k / d`), as in
    GraphSAGE (Hamilton et al., 2017) and PyG's ``NeighborLoader(replace=False)``.

    The graph is stored once in compressed sparse rows over targets (``rowptr``,
    ``col``); a hop costs time linear in the in-degrees of its frontier plus a
    sort of the candidate edges, all vectorised torch operations.

    Parameters
    ----------
    edge_index : torch.Tensor of shape (2, n_edges)
        Source and target node ids.
    n_nodes : int
        Number of nodes.
    num_neighbors : sequence of int
        Fan-out per hop, first hop (the seeds' neighbours) first; ``-1`` keeps
        every neighbour.
    edge_weight : torch.Tensor of shape (n_edges,), optional
        Carried into the mini-batches for the sampled edges.

    Examples
    --------
    >>> import torch
    >>> edge_index = torch.tensor([[1, 2, 3, 0], [0, 0, 0, 1]])
    >>> sampler = NeighborSampler(edge_index, 4, num_neighbors=[2])
    >>> n_id, local_edges, _ = sampler.sample(torch.tensor([0]))
    >>> int(n_id[0]), local_edges.shape
    (0, torch.Size([2, 2]))
    """

    def __init__(self, edge_index, n_nodes, num_neighbors, edge_weight=None):
        edge_index = edge_index.cpu()
        order = torch.argsort(edge_index[1], stable=True)
        self.col = edge_index[0, order].contiguous()
        counts = torch.bincount(edge_index[1], minlength=n_nodes)
        self.rowptr = torch.zeros(n_nodes + 1, dtype=torch.int64)
        torch.cumsum(counts, 0, out=self.rowptr[1:])
        self.edge_weight = None if edge_weight is None else edge_weight.cpu()[order]
        self.n_nodes = n_nodes
        self.num_neighbors = [int(k) for k in num_neighbors]
        self._local = torch.full((n_nodes,), -1, dtype=torch.int64)

    def _sample_hop(self, frontier, k, generator):
        """Positions into ``col`` of the sampled incoming edges of ``frontier``."""
        start = self.rowptr[frontier]
        deg = self.rowptr[frontier + 1] - start
        total = int(deg.sum())
        if total == 0:
            return torch.empty(0, dtype=torch.int64), torch.empty(0, dtype=torch.int64)
        owner = torch.repeat_interleave(torch.arange(frontier.numel()), deg)
        first = torch.cumsum(deg, 0) - deg  # where each owner's run begins
        offset = torch.arange(total) - first[owner]
        if k >= 0 and bool((deg > k).any()):
            # Sort each owner's run by a random key: the first k are a uniform
            # sample without replacement.
            key = owner.double() + torch.rand(total, generator=generator, dtype=torch.float64)
            perm = torch.argsort(key)
            offset = offset[perm]
            keep = (torch.arange(total) - first[owner]) < k  # owner is sorted already
            owner, offset = owner[keep], offset[keep]
        return owner, start[owner] + offset

    def sample(self, seeds, generator=None):
        """Sample the computation graph of ``seeds``.

        Parameters
        ----------
        seeds : torch.Tensor of shape (batch_size,)
            Distinct global node ids.
        generator : torch.Generator, optional
            Source of randomness (torch's global generator by default).

        Returns
        -------
        n_id : torch.Tensor of shape (n_local,)
            Global ids of the sampled nodes, the seeds first in their order.
        edge_index : torch.Tensor of shape (2, n_sampled_edges)
            Sampled edges in local ids (``n_id`` positions), source first.
        edge_weight : torch.Tensor of shape (n_sampled_edges,) or None
            Their weights, when the graph has weights.
        """
        seeds = seeds.cpu()
        local = self._local
        local[seeds] = torch.arange(seeds.numel())
        parts, srcs, dsts, eids = [seeds], [], [], []
        count, frontier = seeds.numel(), seeds
        try:
            for k in self.num_neighbors:
                owner, pos = self._sample_hop(frontier, k, generator)
                src = self.col[pos]
                fresh = src[local[src] < 0].unique()
                local[fresh] = torch.arange(count, count + fresh.numel())
                count += fresh.numel()
                srcs.append(local[src])
                dsts.append(local[frontier[owner]])
                eids.append(pos)
                parts.append(fresh)
                frontier = fresh
            n_id = torch.cat(parts)
        finally:
            local[torch.cat(parts)] = -1  # leave the map clean for the next batch
        edge_index = torch.stack([torch.cat(srcs), torch.cat(dsts)])
        weight = None if self.edge_weight is None else self.edge_weight[torch.cat(eids)]
        return n_id, edge_index, weight


class PyGNeighborSampler:
    """PyG's compiled sampler (``pyg-lib`` / ``torch-sparse``) behind :class:`NeighborSampler`'s API.

    Wraps :class:`torch_geometric.sampler.NeighborSampler` (the sampler inside
    :class:`~torch_geometric.loader.NeighborLoader`) with ``replace=False`` and
    returns what :meth:`NeighborSampler.sample` returns.  Its random draws come
    from pyg-lib's own generator, so ``generator`` is ignored.
    """

    def __init__(self, edge_index, n_nodes, num_neighbors, edge_weight=None):
        from torch_geometric.data import Data
        from torch_geometric.sampler import NeighborSampler as _PyGSampler

        self._sampler = _PyGSampler(
            Data(edge_index=edge_index.cpu(), num_nodes=n_nodes),
            num_neighbors=[int(k) for k in num_neighbors],
            replace=False,
        )
        self.edge_weight = None if edge_weight is None else edge_weight.cpu()

    def sample(self, seeds, generator=None):
        """Same contract as :meth:`NeighborSampler.sample`."""
        from torch_geometric.sampler import NodeSamplerInput

        out = self._sampler.sample_from_nodes(NodeSamplerInput(input_id=None, node=seeds.cpu()))
        edge_index = torch.stack([out.row, out.col])  # source, target (NeighborLoader's layout)
        weight = None
        if self.edge_weight is not None:
            perm = getattr(self._sampler, "perm", None)
            weight = self.edge_weight[out.edge if perm is None else perm[out.edge]]
        return out.node, edge_index, weight


def make_sampler(edge_index, n_nodes, num_neighbors, edge_weight=None):
    """PyG's sampler when ``pyg-lib`` or ``torch-sparse`` is importable, skdeep's otherwise."""
    cls = PyGNeighborSampler if has_pyg_lib() else NeighborSampler
    return cls(edge_index, n_nodes, num_neighbors, edge_weight)
