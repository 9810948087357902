"""Pruning: make a fitted skdeep network sparse, smaller and faster.

:class:`NetworkPruner` wraps any skdeep network estimator, trains it, prunes
it on a schedule (magnitude, structured, low-rank, ADMM, proximal) and
fine-tunes it with the pruned weights held at zero.
"""

from ._lowrank import LowRankLinear
from ._pruner import NetworkPruner

__all__ = ["NetworkPruner", "LowRankLinear"]
