"""``python -m skdeep``: the tour runs and the bench dispatcher finds benchmarks."""

import pytest

from skdeep.__main__ import main


def test_quick_tour_prints_every_family_beside_its_reference(capsys):
    main(["tour", "--quick"])
    out = capsys.readouterr().out
    for name in (
        "skdeep.MLPClassifier", "sklearn MLPClassifier", "skdeep.MLPRegressor",
        "skdeep.CNNClassifier", "skdeep.RNNClassifier", "skdeep.survival.DeepSurv",
        "sksurv CoxPHSurvivalAnalysis",
    ):
        assert name in out
    scores = [float(line[36:].split()[0]) for line in out.splitlines() if line.startswith("  skdeep.")]
    assert len(scores) == 7 and all(0.3 < s <= 1.0 for s in scores)


def test_unknown_benchmark_lists_the_available_ones():
    with pytest.raises(SystemExit, match="tabular"):
        main(["bench", "no-such-bench"])
