"""skdeep's uniform neighbour sampler: right frequencies, right layout."""

import numpy as np
import pytest
import torch
from scipy.stats import chisquare
from torch_geometric.data import Data

from skdeep.graph import NeighborSampler
from skdeep.graph._sampler import PyGNeighborSampler, has_pyg_lib, make_sampler
from skdeep.graph._modules import GNNModule, NodeModule

from ._graphs import two_communities


def _star_graph():
    # node 0 <- 1..10 (in-degree 10); node 20 <- 21..24 (in-degree 4); 21 <- 30, 31
    src = list(range(1, 11)) + [21, 22, 23, 24] + [30, 31]
    dst = [0] * 10 + [20] * 4 + [21, 21]
    return torch.tensor([src, dst]), 32


def test_each_neighbour_drawn_with_probability_k_over_degree():
    edge_index, n = _star_graph()
    sampler = NeighborSampler(edge_index, n, num_neighbors=[3])
    g = torch.Generator().manual_seed(0)
    draws = 3000
    counts = np.zeros(n)
    for _ in range(draws):
        n_id, local, _ = sampler.sample(torch.tensor([0, 20]), generator=g)
        src = n_id[local[0]].numpy()
        dst = n_id[local[1]].numpy()
        assert (dst == 0).sum() == 3 and (dst == 20).sum() == 3  # k of each, no repeats
        assert len(set(src[dst == 0])) == 3 and len(set(src[dst == 20])) == 3
        np.add.at(counts, src, 1)
    # every neighbour of 0 is kept with probability 3/10, of 20 with 3/4
    assert chisquare(counts[1:11], np.full(10, draws * 3 / 10)).pvalue > 0.001
    assert chisquare(counts[21:25], np.full(4, draws * 3 / 4)).pvalue > 0.001
    # and the test can fail: a sampler always keeping the first three would not pass
    biased = np.r_[np.full(3, draws), np.zeros(7)]
    assert chisquare(biased, np.full(10, draws * 3 / 10)).pvalue < 1e-6


def test_layout_seeds_first_and_edges_exist():
    edge_index, n = _star_graph()
    sampler = NeighborSampler(edge_index, n, num_neighbors=[-1, 1])
    n_id, local, _ = sampler.sample(torch.tensor([20, 0]), generator=torch.Generator().manual_seed(1))
    assert n_id[:2].tolist() == [20, 0]
    assert len(set(n_id.tolist())) == len(n_id)
    edges = set(map(tuple, edge_index.t().tolist()))
    sampled = set(zip(n_id[local[0]].tolist(), n_id[local[1]].tolist()))
    assert sampled <= edges
    # hop 1 keeps all 14 incoming edges; hop 2 samples one of 21's two neighbours
    assert len(sampled) == 15 and sum(d == 21 for _, d in sampled) == 1


def test_all_neighbours_give_the_full_graph_outputs_for_sage():
    x, edge_index, _ = two_communities(n=40)
    data = Data(x=x, edge_index=edge_index, num_nodes=40)
    torch.manual_seed(0)
    module = NodeModule(GNNModule(4, [8], 3, conv="sage"))
    sampler = NeighborSampler(edge_index, 40, num_neighbors=[-1, -1])
    module.attach(data, torch.device("cpu"), sampler)
    seeds = torch.tensor([5, 3, 5, 17])
    module.train()  # sampling path (no dropout in this module)
    sampled = module(seeds)
    module.eval()  # full-graph path
    assert torch.allclose(sampled, module(seeds), atol=1e-5)


def test_weights_follow_their_edges():
    edge_index = torch.tensor([[1, 2, 3], [0, 0, 0]])
    weight = torch.tensor([10.0, 20.0, 30.0])
    sampler = NeighborSampler(edge_index, 4, num_neighbors=[2], edge_weight=weight)
    n_id, local, w = sampler.sample(torch.tensor([0]), generator=torch.Generator().manual_seed(0))
    assert (w == 10.0 * n_id[local[0]]).all()


@pytest.mark.parametrize("k", [0, 1])
def test_isolated_and_zero_fanout(k):
    edge_index = torch.tensor([[1], [0]])
    sampler = NeighborSampler(edge_index, 3, num_neighbors=[k])
    n_id, local, _ = sampler.sample(torch.tensor([2, 0]))
    assert n_id[:2].tolist() == [2, 0] and local.shape[1] == k


@pytest.mark.skipif(not has_pyg_lib(), reason="needs pyg-lib or torch-sparse")
def test_pyg_sampler_gives_the_same_layout():
    edge_index, n = _star_graph()
    sampler = PyGNeighborSampler(edge_index, n, num_neighbors=[-1, 1])
    n_id, local, _ = sampler.sample(torch.tensor([20, 0]))
    assert n_id[:2].tolist() == [20, 0]
    edges = set(map(tuple, edge_index.t().tolist()))
    sampled = set(zip(n_id[local[0]].tolist(), n_id[local[1]].tolist()))
    assert sampled <= edges and len(sampled) == 15


def test_make_sampler_picks_by_what_is_installed():
    edge_index, n = _star_graph()
    expected = PyGNeighborSampler if has_pyg_lib() else NeighborSampler
    assert type(make_sampler(edge_index, n, [2])) is expected
