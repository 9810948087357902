"""Every example script runs headless in its quick mode and saves its figure."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_and_saves_its_figure(script, monkeypatch, tmp_path, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script)])
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("SKDEEP_EXAMPLES_QUICK", "1")
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        plt.close("all")
    saved = list(tmp_path.glob("*.png"))
    out = capsys.readouterr().out
    if not saved and "skipping" in out:  # an example on data that is not on this machine
        pytest.skip(out.strip().splitlines()[-1])
    assert saved, f"{script.name} saved no figure"
    assert all(p.stat().st_size > 10_000 for p in saved)
