"""The documentation builds with ``sphinx-build -W`` offline, gallery not executed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_build_without_warnings_offline(tmp_path):
    for module in ("sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme"):
        pytest.importorskip(module)
    env = {**os.environ, "SKDEEP_DOCS_INTERSPHINX": "0", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", "plot_gallery=0", "-d", str(tmp_path / "doctrees"), str(DOCS),
         str(tmp_path / "html")],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    html = tmp_path / "html"
    for page in ("index.html", "tour.html", "plotting.html", "coming_from.html",
                 "benchmarks.html", "auto_examples/index.html",
                 "generated/skdeep.MLPClassifier.html",
                 "generated/skdeep.plotting.TrainingHistoryDisplay.html"):
        assert (html / page).exists(), page
