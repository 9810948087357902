"""Families are siblings: each imports only from the ground floor, never another family."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skdeep"
FAMILIES = sorted(
    p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
)
# Layers above the families may import any of them (the tour, the plots, the pruner).
ABOVE = {"pruning", "_tour"}


def _imported_packages(path):
    """Top-level skdeep sub-packages a module imports (relative or absolute)."""
    tree = ast.parse(path.read_text())
    depth_of_module = len(path.relative_to(PACKAGE).parts) - 1
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                up = node.level - 1
                parts = list(path.relative_to(PACKAGE).parts[:-1])
                if up > depth_of_module:
                    continue
                base = parts[: len(parts) - up]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.startswith("skdeep."):
                target = node.module.split(".")[1:]
            else:
                continue
            if target:
                found.add(target[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("skdeep."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("family", [f for f in FAMILIES if f not in ABOVE])
def test_family_imports_only_the_ground_floor(family):
    others = set(FAMILIES) - {family, "datasets"}
    for path in (PACKAGE / family).rglob("*.py"):
        bad = _imported_packages(path) & others
        assert not bad, f"{path.relative_to(PACKAGE)} imports the families {sorted(bad)}"


def test_ground_floor_imports_no_family():
    for path in PACKAGE.glob("*.py"):
        if path.name in {"__init__.py", "__main__.py", "plotting.py"}:
            continue
        bad = _imported_packages(path) & set(FAMILIES)
        assert not bad, f"{path.name} is ground floor but imports {sorted(bad)}"
