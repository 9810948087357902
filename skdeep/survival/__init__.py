"""Deep survival analysis with scikit-survival's conventions.

Every estimator takes a structured ``y`` (:func:`sksurv.util.Surv.from_arrays`),
``predict`` returns risk scores, ``score`` Harrell's concordance index, and
``predict_survival_function`` / ``predict_cumulative_hazard_function`` step
functions over ``unique_times_``.
"""

from ._coxtime import CoxTime
from ._deepsurv import DeepSurv
from ._head import SurvivalHead, SurvivalStepFunction
from ._penalty import events_adapted_alpha
from ._scoring import as_integrated_brier_score_scorer, clip_to_follow_up
from ._deephit import DeepHit
from ._discrete import NMTLR, PMF, LogisticHazard, PCHazard

__all__ = [
    "CoxTime",
    "DeepSurv",
    "SurvivalHead",
    "SurvivalStepFunction",
    "events_adapted_alpha",
    "as_integrated_brier_score_scorer",
    "clip_to_follow_up",
]
__all__ += ["DeepHit", "LogisticHazard", "NMTLR", "PCHazard", "PMF"]
