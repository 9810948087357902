"""Docstring pieces shared by the survival estimators."""

from .._docstrings import training_params_doc

__all__ = [
    "TRAINING_PARAMS",
    "GRID_TRAINING_PARAMS",
    "SCORING_PARAM",
    "ALPHA_SCALING_PARAM",
    "with_scoring",
    "penalty_attributes",
]

SCORING_PARAM = """    scoring : {'loss', 'concordance'}, default='loss'
        What early stopping monitors on the held-out split: ``'loss'``, the
        negated training loss (``validation_scores_`` holds ``-loss``), or
        ``'concordance'``, Harrell's concordance index. The loss uses every
        sample and is far less noisy than C when the split holds few events
        (C moves in steps of one pair); it is the default.

"""


ALPHA_SCALING_PARAM = """    alpha_scaling : {'events'} or None, default='events'
        How ``fit`` turns ``alpha`` into the penalty it uses, ``alpha_``.
        ``'events'``: ``alpha`` as given when the training data hold at least
        10 events per feature (:math:`d \\ge 10 p`), and
        :math:`\\alpha \\sqrt{10 p / d}` below that, so that the prior
        tightens as the coefficients' standard errors (:math:`\\propto
        1/\\sqrt{d}`) grow past those of 10 events per feature (e.g. 2.65
        ``alpha`` for 20 events on 14 features; the rule is
        ``skdeep.survival.events_adapted_alpha``). ``None``: ``alpha`` as
        given.

"""


def penalty_attributes(note=""):
    """The ``alpha_`` and ``n_events_`` entries of a survival model's Attributes."""
    return f"""    alpha_ : float
        The L2 penalty used by ``fit``: ``alpha`` adapted to the number of
        events by ``alpha_scaling``{note}.

    n_events_ : int or float
        Number of training samples with an event (what ``alpha_`` is adapted
        to); with ``sample_weight``, their total weight.
"""


def with_scoring(text):
    """``text`` (parameter entries) with ``scoring`` inserted after ``early_stopping``
    and ``alpha_scaling`` after ``alpha``."""
    anchor = "    validation_fraction :"
    text = text.replace(anchor, SCORING_PARAM + anchor, 1)
    anchor = "    batch_size :"
    return text.replace(anchor, ALPHA_SCALING_PARAM + anchor, 1)


# The base's training parameters from ``solver`` on, with the Cox networks'
# defaults (each model documents its own ``hidden_layer_sizes`` above them).
TRAINING_PARAMS = with_scoring(
    training_params_doc(max_iter="100", dropout="0.2", alpha="1.0")
)
# The same for the grid models (their other defaults are the MLPs').
GRID_TRAINING_PARAMS = with_scoring(training_params_doc(alpha="1.0"))
