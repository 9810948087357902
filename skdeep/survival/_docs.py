"""Docstring pieces shared by the survival estimators."""

from .._docstrings import training_params_doc

__all__ = ["TRAINING_PARAMS", "GRID_TRAINING_PARAMS", "SCORING_PARAM", "with_scoring"]

SCORING_PARAM = """    scoring : {'loss', 'concordance'}, default='loss'
        What early stopping monitors on the held-out split: ``'loss'``, the
        negated training loss (``validation_scores_`` holds ``-loss``), or
        ``'concordance'``, Harrell's concordance index. The loss uses every
        sample and is far less noisy than C when the split holds few events
        (C moves in steps of one pair); it is the default.

"""


def with_scoring(text):
    """``text`` (parameter entries) with ``scoring`` inserted after ``early_stopping``."""
    anchor = "    validation_fraction :"
    return text.replace(anchor, SCORING_PARAM + anchor, 1)


# The base's training parameters from ``solver`` on, with the Cox networks'
# defaults (each model documents its own ``hidden_layer_sizes`` above them).
TRAINING_PARAMS = with_scoring(
    training_params_doc(max_iter="100", dropout="0.2", alpha="1.0")
)
# The same for the grid models (their other defaults are the MLPs').
GRID_TRAINING_PARAMS = with_scoring(training_params_doc(alpha="1.0"))
