"""The survival head: scikit-survival's conventions for every survival network.

:class:`SurvivalHead` is a mixin placed left of
:class:`~skdeep.base.BaseNeuralEstimator` (as :class:`~skdeep._heads.ClassifierHead`
is).  It validates the structured survival target, stratifies the early-stopping
split on the event indicator, scores with Harrell's concordance index and turns
raw module outputs into risk scores, survival functions and cumulative hazard
functions, exactly as :mod:`sksurv` estimators return them.

A model built on the head implements, besides the base's ``_build_module``:

``_build_criterion()``
    The loss, called as ``loss(output, target, weight)`` where ``target`` is what
    ``_encode_target`` returned (by default the tuple ``(time, event)`` of float
    tensors) restricted to the mini-batch.
``_risk_from_output(output)``
    Risk scores (higher means an earlier event), a 1-D array, from the raw
    output (a float64 array) of the module on some rows of ``X``.
``_survival_from_output(output)``
    Survival probabilities on ``unique_times_``, an array of shape
    ``(n_samples, n_unique_times)``.

and may override ``_cumulative_hazard_from_output`` (default ``-log S``),
``_encode_target``, ``_prepare_target`` and ``_after_fit`` (Cox models fit their
baseline hazard there).  ``unique_times_`` must be set by the end of ``fit``.
"""

import numpy as np
import torch
from sksurv.base import SurvivalAnalysisMixin
from sksurv.functions import StepFunction
from sksurv.metrics import concordance_index_censored
from sksurv.util import check_y_survival

from .._training import as_tensor
from ._penalty import events_adapted_alpha

__all__ = ["SurvivalHead", "SurvivalStepFunction", "step_functions", "event_and_time"]

# What early stopping monitors on the validation split (the ``scoring`` parameter).
SCORINGS = ("loss", "concordance")

_STRUCTURED_HINT = (
    "Build it with sksurv.util.Surv.from_arrays(event, time) or use the y of a "
    "sksurv.datasets loader."
)


def event_and_time(y, competing_risks=False):
    """``(event, time)`` arrays of a structured survival array, validated.

    Parameters
    ----------
    y : structured ndarray of shape (n_samples,)
        First field the event indicator (bool; a non-negative integer cause
        code with ``competing_risks``), second field the observed time.
    competing_risks : bool, default=False
        Accept integer event codes (0 = censored, k = cause k).

    Returns
    -------
    event : ndarray of shape (n_samples,)
        Boolean (or integer) event indicator.
    time : ndarray of shape (n_samples,)
        Float64 event or censoring times.

    Raises
    ------
    TypeError
        If ``y`` is not a structured array with two fields.
    ValueError
        For negative or non-finite times, or when no sample has an event.
    """
    if not isinstance(y, np.ndarray) or y.dtype.fields is None or len(y.dtype.fields) != 2:
        raise TypeError(
            "y must be a structured array with two fields: the event indicator "
            f"first and the event/censoring time second; got {type(y).__name__}"
            f"{'' if not hasattr(y, 'dtype') else ' of dtype ' + str(y.dtype)}. "
            + _STRUCTURED_HINT
        )
    name_event, name_time = y.dtype.names
    raw_time = np.asarray(y[name_time], dtype=np.float64)
    if not np.all(np.isfinite(raw_time)):
        raise ValueError("y contains non-finite (NaN or infinite) times.")
    if np.any(raw_time < 0):
        raise ValueError(
            f"y contains negative times (min {raw_time.min()}); survival times must be >= 0."
        )
    try:
        event, time = check_y_survival(y, competing_risks=competing_risks)
    except ValueError as exc:
        if "all samples are censored" in str(exc):
            raise ValueError(
                "y has no events: every sample is censored, so there is nothing to "
                "learn a hazard from. At least one sample needs event=True."
            ) from exc
        raise
    return event, np.asarray(time, dtype=np.float64)


class SurvivalStepFunction(StepFunction):
    """A :class:`sksurv.functions.StepFunction` that stays flat after its last point.

    scikit-survival's step functions refuse times beyond the last training time.
    A fitted survival model knows nothing past its last observed time either, but
    scorers such as :class:`sksurv.metrics.as_integrated_brier_score_scorer`
    evaluate every cross-validation fold on one fixed grid, and a fold whose
    training times end earlier would raise (and ``GridSearchCV`` would record a
    NaN score).  These functions therefore carry the last value forward
    (the convention of the Kaplan--Meier estimator, whose survival stays at its
    last value after the largest time); their domain is ``[0, inf)``.
    """

    def __init__(self, x, y, *, a=1.0, b=0.0):
        super().__init__(x, y, a=a, b=b, domain=(0, np.inf))

    def __call__(self, x):
        return super().__call__(np.clip(np.asarray(x, dtype=np.float64), None, self.x[-1]))


def step_functions(times, values):
    """An object array of :class:`SurvivalStepFunction`, one per row of ``values``."""
    funcs = np.empty(values.shape[0], dtype=object)
    for i, row in enumerate(values):
        funcs[i] = SurvivalStepFunction(times, row)
    return funcs


class SurvivalHead(SurvivalAnalysisMixin):
    """Right-censored survival targets with scikit-survival's conventions.

    ``y`` is a structured array (``sksurv.util.Surv``): a boolean event
    indicator first and the observed time second.  ``predict`` returns risk
    scores (higher means an earlier event), ``score`` Harrell's concordance index
    of ``predict``, and ``predict_survival_function`` /
    ``predict_cumulative_hazard_function`` step functions over
    ``unique_times_``.  Early stopping scores the validation split with
    the negated loss (``scoring="loss"``) or Harrell's C
    (``scoring="concordance"``); the split is stratified on the event indicator
    and must contain events.
    """

    _predict_risk_score = True
    # Models that accept integer cause codes in the event field (DeepHit) set True.
    _competing_risks = False

    # ------------------------------------------------------------ target hooks
    def _validate_y(self, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is "
                "None. " + _STRUCTURED_HINT
            )
        event, time = event_and_time(y, competing_risks=self._competing_risks)
        dtype = [("event", event.dtype if self._competing_risks else bool), ("time", np.float64)]
        out = np.empty(time.shape[0], dtype=dtype)
        out["event"] = event
        out["time"] = time
        return out

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        """Fitted target attributes (time grids, scalers). Here: ``n_events_``
        and the L2 penalty ``alpha_`` (:func:`events_adapted_alpha` with
        ``alpha_scaling='events'``, else ``alpha``). Models overriding this
        hook call ``super()`` first."""
        event = np.asarray(y["event"]) > 0
        if sample_weight is None:
            self.n_events_ = int(np.count_nonzero(event))
        else:  # validated by the base's fit; integer weights count as repeated rows
            self.n_events_ = float(sample_weight[event].sum())
        if getattr(self, "alpha_scaling", None) == "events":
            self.alpha_ = events_adapted_alpha(self.alpha, self.n_events_, self.n_features_in_)
        else:
            self.alpha_ = float(self.alpha)

    def _penalties(self):
        """``(l2, l1)``: the events-adapted ``alpha_`` in place of ``alpha``."""
        return (0.0 if self.solver == "adamw" else self.alpha_), self.l1

    def _optimizer(self):
        """The base's optimizer, with ``alpha_`` as AdamW's weight decay."""
        cls, kwargs = super()._optimizer()
        if "weight_decay" in kwargs:
            kwargs["weight_decay"] = self.alpha_
        return cls, kwargs

    def _encode_target(self, y):
        """``(time, event)`` as float64 arrays (the training path casts them to the
        model's dtype); the loss receives them as a tuple."""
        return (
            np.ascontiguousarray(y["time"], dtype=np.float64),
            np.ascontiguousarray(y["event"], dtype=np.float64),
        )

    def _build_criterion(self):
        raise NotImplementedError

    def _stratify(self, y):
        event = (y["event"] > 0).astype(np.int8)
        counts = np.bincount(event, minlength=2)
        return event if counts.min() >= 2 else None

    def _check_validation_split(self, y_val):
        if not np.any(y_val["event"]):
            raise ValueError(
                "The early-stopping validation split has no events, so neither its "
                "loss nor its concordance index says anything about the hazard. "
                "Increase validation_fraction, use more data, or set "
                "early_stopping=False."
            )

    def _validation_loss(self, output, y, sample_weight):
        """The training loss on the validation split (no penalty, no gradient)."""
        device = torch.device(self.net_.device)
        target = as_tensor(self._encode_target(y), device)
        weight = as_tensor(sample_weight, device)
        with torch.no_grad():
            return float(self.net_.criterion_(output.to(device), target, weight))

    def _score_output(self, output, y, sample_weight):
        if getattr(self, "scoring", "concordance") == "loss":
            loss = self._validation_loss(output, y, sample_weight)
            return -loss if np.isfinite(loss) else np.nan
        # Harrell's C is unweighted, as in scikit-survival's ``score``
        risk = self._risk_from_output(output.double().numpy())
        if not np.all(np.isfinite(risk)):
            return np.nan
        return concordance_index_censored(y["event"] > 0, y["time"], risk)[0]

    # ------------------------------------------------------------ model hooks
    def _risk_from_output(self, output):
        raise NotImplementedError

    def _survival_from_output(self, output):
        raise NotImplementedError

    def _cumulative_hazard_from_output(self, output):
        surv = self._survival_from_output(output)
        with np.errstate(divide="ignore"):
            return -np.log(np.clip(surv, 0.0, 1.0))

    # ------------------------------------------------------------ public API
    def predict(self, X):
        """Predict risk scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        risk_score : ndarray of shape (n_samples,)
            Predicted risk scores; a higher score means an earlier event.
        """
        output, _ = self._raw_output(X)
        return self._risk_from_output(output)

    def predict_survival_function(self, X, return_array=False):
        """Predict survival functions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.
        return_array : bool, default=False
            Return the survival probabilities on ``unique_times_`` as an array
            instead of step functions.

        Returns
        -------
        survival : ndarray of shape (n_samples,) or (n_samples, n_unique_times)
            An array of :class:`SurvivalStepFunction` (a
            :class:`sksurv.functions.StepFunction` whose value is carried
            forward past the last training time), or with ``return_array=True``
            the values ``S(t | x)`` at ``unique_times_``.
        """
        output, _ = self._raw_output(X)
        values = self._survival_from_output(output)
        return values if return_array else step_functions(self.unique_times_, values)

    def predict_cumulative_hazard_function(self, X, return_array=False):
        """Predict cumulative hazard functions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.
        return_array : bool, default=False
            Return the cumulative hazards on ``unique_times_`` as an array
            instead of step functions.

        Returns
        -------
        cum_hazard : ndarray of shape (n_samples,) or (n_samples, n_unique_times)
            An array of :class:`SurvivalStepFunction`, or with
            ``return_array=True`` the values ``H(t | x)`` at ``unique_times_``.
        """
        output, _ = self._raw_output(X)
        values = self._cumulative_hazard_from_output(output)
        return values if return_array else step_functions(self.unique_times_, values)

    def score(self, X, y):
        """Harrell's concordance index of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : structured ndarray of shape (n_samples,)
            Event indicator first, time second.

        Returns
        -------
        cindex : float
            The fraction of comparable pairs the risk scores order correctly.
        """
        event, time = event_and_time(y, competing_risks=self._competing_risks)
        return concordance_index_censored(event > 0, time, self.predict(X))[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
