"""The tour: every family beside its baseline, progress, and a report a browser renders."""

import csv
import io
import shutil
import subprocess

import numpy as np
import pytest

from skdeep._tour import run_tour, sections

FAMILIES = {
    "digits": ("skdeep.MLPClassifier", "sklearn MLPClassifier"),
    "diabetes": ("skdeep.MLPRegressor", "sklearn MLPRegressor"),
    "images": ("skdeep.CNNClassifier", "skdeep.RNNClassifier (LSTM)", "sklearn MLPClassifier (64,)"),
    "survival": ("skdeep.survival.DeepSurv", "sksurv CoxPHSurvivalAnalysis",
                 "sksurv RandomSurvivalForest"),
}
# Families whose sections run when their package is importable.
OPTIONAL = {
    "graph": ("skdeep.graph GCN", "sklearn LabelSpreading (graph)"),
    "pruning": ("skdeep.pruning.NetworkPruner", "skdeep.MLPClassifier (dense)"),
}


def _expected():
    present = {s.key for s in sections() if not s.missing()}
    return {**FAMILIES, **{k: v for k, v in OPTIONAL.items() if k in present}}


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    output = tmp_path_factory.mktemp("tour")
    stream = io.StringIO()
    results = run_tour(quick=True, device="cpu", output=output, stream=stream, bars=False)
    return results, stream.getvalue(), output


def test_every_family_is_scored_beside_its_baseline_on_the_same_folds(tour):
    results, _, _ = tour
    by_key = {r.key: r for r in results}
    assert set(by_key) == set(_expected())
    for key, names in _expected().items():
        rows = {row.name: row for row in by_key[key].rows}
        assert set(names) <= set(rows)
        assert any(row.baseline for row in rows.values())
        assert any(not row.baseline for row in rows.values())
        assert len({len(row.scores) for row in rows.values()}) == 1
        for row in rows.values():
            assert np.all(row.fit_times > 0)
    # skdeep's models learn: within reach of their baselines, far above chance.
    digits = {row.name: row.scores.mean() for row in by_key["digits"].rows}
    assert digits["skdeep.MLPClassifier"] > digits["sklearn MLPClassifier"] - 0.05
    images = {row.name: row.scores.mean() for row in by_key["images"].rows}
    assert images["skdeep.CNNClassifier"] > 0.9 and images["skdeep.RNNClassifier (LSTM)"] > 0.9
    survival = {row.name: row.scores.mean() for row in by_key["survival"].rows}
    assert survival["skdeep.survival.DeepSurv"] > survival["sksurv CoxPHSurvivalAnalysis"] - 0.05
    if "graph" in by_key:  # 4 communities: chance is about 0.3
        graph = {row.name: row.scores.mean() for row in by_key["graph"].rows}
        assert graph["skdeep.graph GCN"] > 0.6
    if "pruning" in by_key:
        pruning = {row.name: row.scores.mean() for row in by_key["pruning"].rows}
        assert pruning["skdeep.pruning.NetworkPruner"] > pruning["skdeep.MLPClassifier (dense)"] - 0.05


def test_graph_label_spreading_baseline_is_transductive():
    pytest.importorskip("torch_geometric")
    from skdeep._tour._graph import GraphLabelSpreading

    # two cliques joined by one edge; one labelled node in each
    adjacency = np.zeros((8, 8))
    for block in (range(4), range(4, 8)):
        for i in block:
            for j in block:
                adjacency[i, j] = i != j
    adjacency[3, 4] = adjacency[4, 3] = 1
    model = GraphLabelSpreading(adjacency).fit(np.array([[0], [7]]), np.array([0, 1]))
    np.testing.assert_array_equal(model.predict(np.arange(8)[:, None]), [0] * 4 + [1] * 4)


def test_tables_and_per_fold_progress_are_printed(tour):
    results, out, _ = tour
    assert out.startswith("skdeep ")
    for result in results:
        assert result.title in out
        for row in result.rows:
            line = next(l for l in out.splitlines() if l.startswith(f"  {row.name} "))
            assert f"{row.scores.mean():.4f}" in line
    # plain lines (not a terminal): one line per section start and per fold
    assert out.count("fold 3/3") == sum(len(r.rows) for r in results)
    assert f"[{len(results)}/{len(results)}]" in out
    assert "Report: " in out


def test_report_is_one_self_contained_page_with_pictures(tour):
    results, _, output = tour
    page = (output / "index.html").read_text()
    assert "<img" in page and 'src="http' not in page and "<link" not in page
    assert page.count("data:image/png;base64,") >= 5
    for result in results:
        assert f'id="{result.key}"' in page
    with open(output / "results.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sum(len(r.rows) for r in results)


def test_progress_bars_on_a_terminal():
    from skdeep._tour._progress import Progress

    stream = io.StringIO()
    progress = Progress(2, stream=stream, bars=True)
    progress.start_section("first family", 2)
    progress.fold_done("model", 1, 2, 0.9, 0.1)
    progress.fold_done("model", 2, 2, 0.9, 0.1)
    progress.end_section()
    progress.close()
    text = stream.getvalue()
    assert "families" in text and "folds" in text and "2/2" in text


def test_registry_skips_a_family_whose_package_is_missing(monkeypatch):
    from skdeep._tour import _core

    monkeypatch.setitem(_core.REGISTRY, "ghost", _core.Section(
        "ghost", "Ghost family", "score", lambda ctx: None, ("skdeep_no_such_package",), 999))
    stream = io.StringIO()
    results = run_tour(quick=True, device="cpu", output=None, only=["ghost"], stream=stream,
                       bars=False)
    assert results == [] and "Ghost family: skipped, needs skdeep_no_such_package" in stream.getvalue()
    keys = [s.key for s in sections()]
    assert keys[:4] == ["digits", "diabetes", "images", "survival"]
    assert {"graph", "pruning"} <= set(keys)  # registered, run when their package exists


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_report_renders_in_a_headless_browser(tour, tmp_path):
    results, _, output = tour
    # A probe copy counts the pictures the browser decoded once the page has loaded.
    probe = output / "probe.html"
    probe.write_text((output / "index.html").read_text().replace(
        "</body>", "<script>window.addEventListener('load',()=>document.body.dataset.decoded="
        "[...document.images].filter(i=>i.complete&&i.naturalWidth>100).length)</script></body>"))
    flags = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", probe.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    for result in results:
        assert f"<h2>{result.title}</h2>".replace("'", "&#x27;") in dom.replace("'", "&#x27;")
    n_images = sum(len(r.figures) for r in results)
    assert f'data-decoded="{n_images}"' in dom
    shot = tmp_path / "report.png"
    subprocess.run([*flags, "--window-size=1200,3000", f"--screenshot={shot}",
                    (output / "index.html").as_uri()], capture_output=True, timeout=120, check=True)
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[:2] == (3000, 1200)
    assert pixels[..., :3].std() > 0.05  # text, tables and plots, not a blank page


def test_a_failing_section_is_reported_and_the_others_still_run(monkeypatch, tmp_path):
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    from skdeep._tour import TourError, _core

    def boom(ctx):
        raise RuntimeError("kaput")

    def fine(ctx):
        X, y = load_iris(return_X_y=True)
        ctx.cv([("logistic", LogisticRegression(max_iter=300), True)], X, y,
               KFold(2, shuffle=True, random_state=0))

    monkeypatch.setitem(_core.REGISTRY, "boom", _core.Section("boom", "Boom", "acc", boom, (), 1))
    monkeypatch.setitem(_core.REGISTRY, "fine", _core.Section("fine", "Fine", "acc", fine, (), 2))
    stream = io.StringIO()
    with pytest.raises(TourError, match="boom"):
        run_tour(output=tmp_path, only=["boom", "fine"], stream=stream, bars=False)
    out = stream.getvalue()
    assert "Boom: FAILED (RuntimeError: kaput)" in out and "logistic" in out
    assert 'id="fine"' in (tmp_path / "index.html").read_text()
