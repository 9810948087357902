"""Display objects for skdeep estimators, in scikit-learn's style.

Each display stores what it draws, has a ``from_estimator`` class method and a
``plot(ax=None)`` method, and keeps the figure and axes it drew on in
``figure_`` and ``ax_`` (as :class:`sklearn.metrics.ConfusionMatrixDisplay`
does).  matplotlib is an optional dependency: ``pip install "skdeep[plot]"``.

- :class:`TrainingHistoryDisplay`: training loss per epoch, and the validation
  score when the estimator held out a validation split;
- :class:`SurvivalCurveDisplay`: predicted survival functions of a few samples,
  optionally beside a Kaplan-Meier estimate;
- :class:`PruningCurveDisplay`: score against sparsity along a pruning schedule.
"""

import numpy as np

__all__ = ["TrainingHistoryDisplay", "SurvivalCurveDisplay", "PruningCurveDisplay"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "skdeep's plots need matplotlib, which is not installed. Install it with "
            "`pip install \"skdeep[plot]\"` (or `pip install matplotlib`)."
        ) from exc
    return plt


def _axes(ax):
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    return ax.figure, ax


def _final_estimator(estimator):
    """The last step of a pipeline (or the estimator itself)."""
    while hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    return estimator


class TrainingHistoryDisplay:
    """Training loss per epoch and, when there is one, the validation score.

    Works with every skdeep estimator (and scikit-learn's MLPs): it reads
    ``loss_curve_`` and ``validation_scores_``, or the skorch history of
    ``net_`` when ``loss_curve_`` is absent (``solver='lbfgs'``).

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss after each epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        Score on the validation split after each epoch (``early_stopping=True``).
    estimator_name : str, default=None
        Name shown in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The loss curve.
    score_line_ : matplotlib Line2D or None
        The validation curve, drawn on a second y-axis ``ax_score_``.
    ax_ : matplotlib Axes
        Axes with the loss curve.
    ax_score_ : matplotlib Axes or None
        Twin axes with the validation scores.
    figure_ : matplotlib Figure
        Figure containing the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skdeep import MLPClassifier
    >>> from skdeep.plotting import TrainingHistoryDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), max_iter=5, early_stopping=True, random_state=0).fit(X, y)
    >>> display = TrainingHistoryDisplay.from_estimator(clf)
    >>> len(display.line_.get_ydata())
    5
    """

    def __init__(self, loss_curve, validation_scores=None, *, estimator_name=None):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the training history of a fitted estimator (or pipeline).

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            A skdeep estimator, or a pipeline ending in one; scikit-learn's
            ``MLPClassifier`` / ``MLPRegressor`` work too.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Legend label; the estimator's class name when None.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        model = _final_estimator(estimator)
        loss = getattr(model, "loss_curve_", None)
        scores = getattr(model, "validation_scores_", None)
        if loss is None and hasattr(model, "net_"):
            history = model.net_.history
            loss = [row["train_loss"] for row in history if "train_loss" in row]
            scores = [row["valid_score"] for row in history if "valid_score" in row] or None
        if loss is None:
            raise ValueError(
                f"{type(model).__name__} has no training history: fit it first, or pass "
                "an estimator trained epoch by epoch (it needs `loss_curve_` or `net_`)."
            )
        display = cls(loss, scores, estimator_name=name or type(model).__name__)
        return display.plot(ax=ax)

    def plot(self, ax=None, *, name=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Legend label; ``estimator_name`` when None.

        Returns
        -------
        display : TrainingHistoryDisplay
            Itself, with ``figure_`` and ``ax_`` set.
        """
        self.figure_, self.ax_ = _axes(ax)
        label = name or self.estimator_name
        loss = np.asarray(self.loss_curve, dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        (self.line_,) = self.ax_.plot(epochs, loss, label=label)
        self.ax_.set(xlabel="epoch", ylabel="training loss")
        if len(loss) and np.all(loss > 0):
            self.ax_.set_yscale("log")
        self.ax_score_ = getattr(self.ax_, "_skdeep_score_axes", None)
        self.score_line_ = None
        if self.validation_scores is not None and len(self.validation_scores):
            if self.ax_score_ is None:  # one twin axis, shared by every display on ax
                self.ax_score_ = self.ax_.twinx()
                self.ax_._skdeep_score_axes = self.ax_score_
            scores = np.asarray(self.validation_scores, dtype=float)
            (self.score_line_,) = self.ax_score_.plot(
                np.arange(1, len(scores) + 1), scores, ls="--", color=self.line_.get_color(),
                label=f"{label} (validation)" if label else "validation",
            )
            self.ax_score_.set_ylabel("validation score (dashed)")
        if label:
            handles = self.ax_.get_lines()
            if self.ax_score_ is not None:
                handles = handles + self.ax_score_.get_lines()
            top = self.ax_score_ if self.ax_score_ is not None else self.ax_
            if self.ax_.get_legend() is not None:
                self.ax_.get_legend().remove()
            top.legend(handles=handles, loc="center right")
        return self


class SurvivalCurveDisplay:
    """Predicted survival functions, optionally beside a Kaplan-Meier estimate.

    Parameters
    ----------
    times : list of array-like
        Time points of each curve (``times[i]`` for curve ``i``).
    survival : list of array-like
        Survival probabilities ``S(t | x_i)`` at ``times[i]``.
    labels : list of str, default=None
        Legend label of each curve.
    km_times, km_survival : array-like, default=None
        A Kaplan-Meier estimate drawn as a dashed black reference.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One step line per curve.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeep.datasets import make_survival_data
    >>> from skdeep.plotting import SurvivalCurveDisplay
    >>> from skdeep.survival import DeepSurv
    >>> X, y = make_survival_data(200, n_features=4, random_state=0)
    >>> model = DeepSurv((8,), max_iter=5, random_state=0).fit(X, y)
    >>> display = SurvivalCurveDisplay.from_estimator(model, X[:3], y=y)
    >>> len(display.lines_)
    3
    """

    def __init__(self, times, survival, *, labels=None, km_times=None, km_survival=None):
        self.times = times
        self.survival = survival
        self.labels = labels
        self.km_times = km_times
        self.km_survival = km_survival

    @classmethod
    def from_estimator(cls, estimator, X, *, y=None, labels=None, ax=None):
        """Plot the survival functions an estimator predicts for the rows of ``X``.

        Parameters
        ----------
        estimator : fitted survival estimator or Pipeline
            Anything with ``predict_survival_function`` returning step functions
            (skdeep's survival models, scikit-survival's).
        X : array-like or DataFrame of shape (n_curves, n_features)
            The samples to draw, one curve each; keep it short (3-10 rows).
        y : structured array, default=None
            Survival outcomes (``sksurv.util.Surv``) for a Kaplan-Meier
            reference curve, typically the training data.
        labels : list of str, default=None
            Legend labels, one per row of ``X``.
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : SurvivalCurveDisplay
        """
        if not hasattr(estimator, "predict_survival_function"):
            raise TypeError(
                f"{type(estimator).__name__} has no predict_survival_function; pass a "
                "fitted survival estimator such as skdeep.survival.DeepSurv."
            )
        functions = estimator.predict_survival_function(X)
        times = [np.asarray(fn.x) for fn in functions]
        survival = [np.asarray(fn(fn.x)) for fn in functions]
        km_times = km_survival = None
        if y is not None:
            from sksurv.nonparametric import kaplan_meier_estimator

            event_field, time_field = y.dtype.names
            km_times, km_survival = kaplan_meier_estimator(y[event_field], y[time_field])
        display = cls(times, survival, labels=labels, km_times=km_times, km_survival=km_survival)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : SurvivalCurveDisplay
        """
        self.figure_, self.ax_ = _axes(ax)
        labels = self.labels or [f"sample {i}" for i in range(len(self.survival))]
        if len(labels) != len(self.survival):
            raise ValueError(f"Got {len(labels)} labels for {len(self.survival)} curves.")
        self.km_line_ = None
        if self.km_times is not None:
            (self.km_line_,) = self.ax_.step(
                self.km_times, self.km_survival, where="post", color="black", ls="--",
                label="Kaplan-Meier",
            )
        self.lines_ = [
            self.ax_.step(t, s, where="post", label=label)[0]
            for t, s, label in zip(self.times, self.survival, labels)
        ]
        self.ax_.set(xlabel="time", ylabel="survival probability", ylim=(0, 1.02))
        self.ax_.legend(loc="lower left")
        return self


_SCORE_KEYS = ("validation_score", "test_score", "score", "train_score", "accuracy", "r2")


def _column(history, keys):
    """The first of ``keys`` present in a mapping, DataFrame or list of records."""
    if isinstance(history, (list, tuple)):
        records = list(history)
        if records and hasattr(records[0], "keys"):
            for key in keys:
                if key in records[0]:
                    return key, np.array([r[key] for r in records], dtype=float)
        return None, None
    for key in keys:
        try:
            return key, np.asarray(history[key], dtype=float)
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return None, None


class PruningCurveDisplay:
    """Score against sparsity along a pruning schedule.

    Parameters
    ----------
    sparsity : array-like of shape (n_steps,)
        Fraction of pruned weights after each step (0 = dense).
    scores : array-like of shape (n_steps,)
        Score of the network after each step.
    score_name : str, default="score"
        Y-axis label.
    dense_score : float, default=None
        Score of the dense network, drawn as a horizontal reference.
    estimator_name : str, default=None
        Legend label.

    Attributes
    ----------
    line_ : matplotlib Line2D
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeep.plotting import PruningCurveDisplay
    >>> display = PruningCurveDisplay([0.0, 0.5, 0.9], [0.97, 0.96, 0.91]).plot()
    >>> display.ax_.get_xlabel()
    'sparsity'
    """

    def __init__(self, sparsity, scores, *, score_name="score", dense_score=None,
                 estimator_name=None):
        self.sparsity = sparsity
        self.scores = scores
        self.score_name = score_name
        self.dense_score = dense_score
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, pruner, *, ax=None, name=None, dense_score=None):
        """Plot the ``pruning_history_`` of a fitted pruner.

        Parameters
        ----------
        pruner : fitted NetworkPruner, or any object with ``pruning_history_``
            The history is a mapping or DataFrame with a ``"sparsity"`` column
            and a score column, the first found of ``"validation_score"``,
            ``"test_score"``, ``"score"``, ``"train_score"``, ``"accuracy"``,
            ``"r2"`` (a fitted ``NetworkPruner``'s history has ``"train_score"``,
            and ``"validation_score"`` when its network early-stops), or a list
            of such records.
        ax : matplotlib Axes, default=None
        name : str, default=None
            Legend label.
        dense_score : float, default=None
            Score of the dense network, drawn as a reference line.

        Returns
        -------
        display : PruningCurveDisplay
        """
        history = getattr(pruner, "pruning_history_", None)
        if history is None:
            raise ValueError(
                f"{type(pruner).__name__} has no pruning_history_: fit the pruner first, "
                "or build the display from arrays with PruningCurveDisplay(sparsity, scores)."
            )
        _, sparsity = _column(history, ("sparsity",))
        score_key, scores = _column(history, _SCORE_KEYS)
        if sparsity is None or scores is None:
            raise ValueError(
                "pruning_history_ needs a 'sparsity' column and one of "
                f"{_SCORE_KEYS}; build the display from arrays instead."
            )
        display = cls(sparsity, scores, score_name=score_key, dense_score=dense_score,
                      estimator_name=name)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : PruningCurveDisplay
        """
        sparsity = np.asarray(self.sparsity, dtype=float)
        scores = np.asarray(self.scores, dtype=float)
        if sparsity.shape != scores.shape:
            raise ValueError(
                f"sparsity and scores must have the same length, got {sparsity.shape[0]} "
                f"and {scores.shape[0]}."
            )
        self.figure_, self.ax_ = _axes(ax)
        (self.line_,) = self.ax_.plot(sparsity, scores, marker="o", label=self.estimator_name)
        if self.dense_score is not None:
            self.ax_.axhline(self.dense_score, ls="--", color="grey", label="dense network")
        self.ax_.set(xlabel="sparsity", ylabel=self.score_name, xlim=(-0.02, 1.0))
        if self.estimator_name or self.dense_score is not None:
            self.ax_.legend(loc="lower left")
        return self
