"""Graph neural networks as scikit-learn estimators.

The graph estimators hold their graph as a parameter (``graph=``): a
:class:`torch_geometric.data.Data`, a networkx graph or an
``(adjacency, features)`` pair, validated by :func:`to_data`.  For node-level
tasks ``X`` is a column of node ids into that graph, so cross-validation splits
nodes while message passing still sees every edge.
"""

from ._input import SharedGraphMixin, check_node_ids, networkx_node_order, to_data
from ._autoencoder import GraphAutoEncoder
from ._graph_classifier import GraphClassifier
from ._link import LinkPredictor
from ._node import PUBLISHED_DEFAULTS, GraphNodeClassifier
from ._sampler import NeighborSampler

__all__ = [
    "GraphNodeClassifier",
    "LinkPredictor",
    "GraphAutoEncoder",
    "GraphClassifier",
    "PUBLISHED_DEFAULTS",
    "NeighborSampler",
    "to_data",
    "check_node_ids",
    "networkx_node_order",
    "SharedGraphMixin",
]
