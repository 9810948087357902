"""Data sets: simulators with known truth and loaders for bundled data."""

from ._survival import make_survival_data

__all__ = ["make_survival_data"]
