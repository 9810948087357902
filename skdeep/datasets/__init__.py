"""Data sets: simulators with known truth and loaders for bundled data."""

from ._graphs import make_graph_classification
from ._sequences import make_adding_problem
from ._survival import make_survival_data

__all__ = ["make_adding_problem", "make_graph_classification", "make_survival_data"]
