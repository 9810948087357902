"""Docstring fragments shared by the network families (CNN, RNN).

:func:`training_params_doc` returns the numpydoc entries of the shared training
parameters (``solver`` ... ``callbacks``) as the MLPs document them, with the
defaults a family overrides substituted in.
"""

import re

__all__ = ["training_params_doc"]


def training_params_doc(**defaults):
    """The shared training-parameter entries, ``name=default_repr`` substituted."""
    from .neural_network import _mlp

    shared = getattr(_mlp, "_SHARED_PARAMS", "")
    start = shared.find("    solver :")
    text = shared[max(start, 0):]
    for name, value in defaults.items():
        text = re.sub(
            rf"^(    {name} : .*default=)\S+$",
            lambda m, v=value: m.group(1) + v,
            text,
            flags=re.MULTILINE,
        )
    return text
