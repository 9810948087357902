"""The tour's machinery: the registry of family sections and the CV runner.

A family joins the tour with one module holding one function decorated with
:func:`section`; the function receives a :class:`TourContext`, cross-validates
skdeep's estimator and its classical baseline with :meth:`TourContext.cv`, and
draws its pictures with :meth:`TourContext.figure`. Its module name goes in
``SECTION_MODULES`` (``skdeep/_tour/__init__.py``).
"""

import base64
import importlib.util
import io
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing

REGISTRY = {}


@dataclass
class Section:
    """One family of the tour."""

    key: str
    title: str
    metric: str
    run: callable
    requires: tuple = ()
    order: int = 100

    def missing(self):
        """The required modules that cannot be imported (the section is skipped)."""
        return [name for name in self.requires if not _importable(name)]


def _importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def section(key, title, metric, *, requires=(), order=100):
    """Register a family section: ``@section("tabular", "Tabular data", "score")``."""

    def register(function):
        REGISTRY[key] = Section(key, title, metric, function, tuple(requires), order)
        return function

    return register


@dataclass
class Row:
    """One model cross-validated in a section."""

    name: str
    baseline: bool
    scores: np.ndarray
    fit_times: np.ndarray
    estimator: object = None  # fitted on the last fold's training part
    test_index: np.ndarray = None  # the last fold's test rows
    oof_predictions: np.ndarray = None
    data: str = ""


@dataclass
class Figure:
    title: str
    caption: str
    png: str  # base64


@dataclass
class SectionResult:
    key: str
    title: str
    metric: str
    description: str = ""
    rows: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0


class TourContext:
    """What a section function gets: settings, the CV runner, the figure sink.

    Attributes
    ----------
    quick : bool
        Fewer folds, epochs and trees.
    device : str
        Passed to every skdeep estimator.
    folds : int
        3 in quick mode, 5 otherwise.
    plots : bool
        Whether matplotlib is importable (pictures are drawn only then).
    """

    def __init__(self, quick, device, progress):
        self.quick = quick
        self.device = device
        self.folds = 3 if quick else 5
        self.progress = progress
        self.plots = _importable("matplotlib")
        self.result = None

    def epochs(self, quick, full=None):
        """``{"max_iter": quick}`` in quick mode, ``{"max_iter": full}`` (or nothing) otherwise."""
        if self.quick:
            return {"max_iter": quick}
        return {} if full is None else {"max_iter": full}

    def skdeep(self, **params):
        """Common parameters of the tour's skdeep estimators (seed, device)."""
        return dict(random_state=0, device=self.device, **params)

    def cv(self, models, X, y, cv, *, groups=None, oof=False):
        """Cross-validate ``[(name, estimator, is_baseline[, X])...]`` on the same folds.

        Every model sees the same splits; ``X`` may be replaced per model (a
        4th tuple element) when a model wants another view of the same rows.
        Returns the rows and also appends them to the section's table.
        """
        splits = list(cv.split(X if not isinstance(X, list) else np.zeros(len(X)), y, groups))
        self.progress.start_section(self.result.title, len(splits) * len(models))
        rows = []
        for entry in models:
            name, model, baseline = entry[:3]
            data = entry[3] if len(entry) > 3 else X
            scores, times = [], []
            predictions = None
            for k, (train, test) in enumerate(splits, 1):
                fitted = clone(model)
                X_train, X_test = _safe_indexing(data, train), _safe_indexing(data, test)
                y_train, y_test = _safe_indexing(y, train), _safe_indexing(y, test)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    fitted.fit(X_train, y_train)
                    times.append(time.perf_counter() - start)
                    scores.append(fitted.score(X_test, y_test))
                    if oof:
                        pred = fitted.predict(X_test)
                        if predictions is None:
                            predictions = np.empty(len(y), dtype=np.asarray(pred).dtype)
                        predictions[test] = pred
                self.progress.fold_done(name, k, len(splits), scores[-1], times[-1])
            row = Row(name, baseline, np.array(scores), np.array(times), fitted, test,
                      predictions)
            rows.append(row)
            self.result.rows.append(row)
        return rows

    def figure(self, title, caption, draw, *, size=(9, 3.6), ncols=1):
        """Draw ``draw(axes)`` on a new figure and inline it in the report as PNG."""
        if not self.plots:
            return
        from matplotlib.figure import Figure as MplFigure

        fig = MplFigure(figsize=size, dpi=96, layout="constrained")
        axes = fig.subplots(1, ncols)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            draw(axes)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        self.result.figures.append(Figure(title, caption, base64.b64encode(buffer.getvalue()).decode()))

    def note(self, text):
        """A sentence shown under the section's table in the report."""
        self.result.notes.append(text)
