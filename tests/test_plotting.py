"""Display objects: they draw what the estimator learned, on the axes given."""

import sys

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skdeep import MLPClassifier, MLPRegressor  # noqa: E402
from skdeep.plotting import (  # noqa: E402
    PruningCurveDisplay,
    SurvivalCurveDisplay,
    TrainingHistoryDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_training_history_draws_loss_and_validation_scores(iris):
    X, y = iris
    clf = make_pipeline(StandardScaler(), MLPClassifier(
        (8,), max_iter=12, early_stopping=True, n_iter_no_change=50, random_state=0)).fit(X, y)
    model = clf[-1]
    _, ax = plt.subplots()
    display = TrainingHistoryDisplay.from_estimator(clf, ax=ax)
    assert display.ax_ is ax and display.figure_ is ax.figure
    np.testing.assert_allclose(display.line_.get_ydata(), model.loss_curve_)
    np.testing.assert_allclose(display.score_line_.get_ydata(), model.validation_scores_)
    assert display.line_.get_label() == "MLPClassifier"


def test_training_history_reads_the_skorch_history_for_lbfgs(iris):
    X, y = iris
    reg = MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=15, random_state=0).fit(X[:, :3], X[:, 3])
    display = TrainingHistoryDisplay.from_estimator(reg, name="lbfgs")
    expected = getattr(reg, "loss_curve_", None) or list(reg.net_.history[:, "train_loss"])
    np.testing.assert_allclose(display.line_.get_ydata(), expected)
    assert display.score_line_ is None


def test_training_history_of_an_unfitted_estimator_says_so():
    with pytest.raises(ValueError, match="fit it first"):
        TrainingHistoryDisplay.from_estimator(MLPClassifier())


def test_survival_curves_are_the_predicted_step_functions():
    from skdeep.datasets import make_survival_data
    from skdeep.survival import DeepSurv

    X, y = make_survival_data(150, n_features=3, random_state=0)
    model = DeepSurv((8,), max_iter=5, random_state=0).fit(X, y)
    display = SurvivalCurveDisplay.from_estimator(model, X[:2], y=y, labels=["a", "b"])
    expected = model.predict_survival_function(X[:2], return_array=True)
    for line, values in zip(display.lines_, expected):
        np.testing.assert_allclose(line.get_ydata(), values)
        np.testing.assert_allclose(line.get_xdata(), model.unique_times_)
    assert [line.get_label() for line in display.lines_] == ["a", "b"]
    assert display.km_line_ is not None and display.km_line_.get_ydata()[-1] < 1
    with pytest.raises(ValueError, match="Got 1 labels for 2 curves"):
        SurvivalCurveDisplay(display.times, display.survival, labels=["a"]).plot()


def test_survival_display_rejects_an_estimator_without_survival_functions(iris):
    with pytest.raises(TypeError, match="predict_survival_function"):
        SurvivalCurveDisplay.from_estimator(MLPClassifier(), iris[0][:2])


class _FakePruner:
    def __init__(self, history):
        self.pruning_history_ = history


@pytest.mark.parametrize("history", [
    {"sparsity": [0.0, 0.5, 0.8], "score": [0.9, 0.88, 0.7]},
    pd.DataFrame({"sparsity": [0.0, 0.5, 0.8], "score": [0.9, 0.88, 0.7]}),
    [{"sparsity": 0.0, "score": 0.9}, {"sparsity": 0.5, "score": 0.88},
     {"sparsity": 0.8, "score": 0.7}],
], ids=["dict", "dataframe", "records"])
def test_pruning_curve_from_a_pruners_history(history):
    display = PruningCurveDisplay.from_estimator(_FakePruner(history), dense_score=0.91)
    np.testing.assert_allclose(display.line_.get_xdata(), [0.0, 0.5, 0.8])
    np.testing.assert_allclose(display.line_.get_ydata(), [0.9, 0.88, 0.7])
    assert display.ax_.get_ylabel() == "score"


def test_pruning_curve_prefers_the_validation_score():
    history = [{"sparsity": 0.0, "train_score": 1.0, "validation_score": 0.9},
               {"sparsity": 0.5, "train_score": 0.99, "validation_score": 0.85}]
    display = PruningCurveDisplay.from_estimator(_FakePruner(history))
    np.testing.assert_allclose(display.line_.get_ydata(), [0.9, 0.85])
    assert display.ax_.get_ylabel() == "validation_score"


def test_pruning_curve_of_a_fitted_network_pruner():
    pruning = pytest.importorskip("skdeep.pruning")
    X, y = load_iris(return_X_y=True)
    pruner = pruning.NetworkPruner(MLPClassifier((16,), max_iter=20, random_state=0),
                                   sparsity=0.8, n_steps=3, fine_tune_epochs=2).fit(X, y)
    display = PruningCurveDisplay.from_estimator(pruner)
    np.testing.assert_allclose(display.line_.get_xdata(),
                               [row["sparsity"] for row in pruner.pruning_history_])
    assert display.line_.get_xdata()[-1] == pytest.approx(pruner.sparsity_)


def test_pruning_curve_errors():
    with pytest.raises(ValueError, match="no pruning_history_"):
        PruningCurveDisplay.from_estimator(object())
    with pytest.raises(ValueError, match="'sparsity' column"):
        PruningCurveDisplay.from_estimator(_FakePruner({"epoch": [1, 2]}))
    with pytest.raises(ValueError, match="same length"):
        PruningCurveDisplay([0.0, 0.5], [0.9]).plot()


def test_plotting_module_does_not_import_pruning_and_explains_missing_matplotlib(monkeypatch):
    import skdeep.plotting as plotting

    source = open(plotting.__file__).read()
    assert "pruning import" not in source and "import skdeep.pruning" not in source
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skdeep\[plot\]"'):
        PruningCurveDisplay([0.0], [1.0]).plot()
