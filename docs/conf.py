"""Sphinx configuration for skdeep's documentation.

``sphinx-build -W docs docs/_build`` builds without warnings with or without
internet access:

- intersphinx links to Python, scikit-learn, scikit-survival, skorch and torch
  are enabled only when those sites answer (``SKDEEP_DOCS_INTERSPHINX=1`` forces
  them on, ``=0`` off), so an offline build does not fail on unreachable
  inventories;
- the gallery is executed unless ``-D plot_gallery=0`` (CI builds without it).
"""

import os
import re
import shutil
import socket
from pathlib import Path

import skdeep

project = "skdeep"
author = "skdeep developers"
copyright = "skdeep developers"
release = version = skdeep.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
# autosummary rewrites generated/ on every build; a page left from an API entry
# since removed would be an orphan that -W turns into an error.
shutil.rmtree(Path(__file__).resolve().parent / "generated", ignore_errors=True)
templates_path = ["_templates"]
numpydoc_show_class_members = False
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5"]
html_theme = "pydata_sphinx_theme"
html_title = f"skdeep {version}"
html_theme_options = {"navigation_with_keys": False}

INVENTORIES = {
    "python": ("https://docs.python.org/3", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
    "sksurv": ("https://scikit-survival.readthedocs.io/en/stable", None),
    "skorch": ("https://skorch.readthedocs.io/en/stable", None),
    "torch": ("https://docs.pytorch.org/docs/stable", None),
}


def _online():
    forced = os.environ.get("SKDEEP_DOCS_INTERSPHINX")
    if forced is not None:
        return forced == "1"
    try:
        socket.create_connection(("scikit-learn.org", 443), timeout=3).close()
    except OSError:
        return False
    return True


if _online():
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = INVENTORIES

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "reset_modules": ("matplotlib",),
}

# Methods inherited from scikit-learn (``score``, ``set_params``, metadata
# routing) refer to labels of scikit-learn's own user guide, which do not
# exist here: the metric labels become links to the functions (intersphinx
# resolves them online; offline they render as names), other labels and
# glossary terms plain text.
_SKLEARN_LABELS = {"accuracy_score": "sklearn.metrics.accuracy_score",
                   "r2_score": "sklearn.metrics.r2_score"}


def _replace_ref(match):
    role, text, label = match.group(1), match.group(2), match.group(3) or match.group(2)
    if label in _SKLEARN_LABELS:
        return f":func:`~{_SKLEARN_LABELS[label]}`"
    return text if role == "term" or match.group(3) else f"``{text}``"


def _sklearn_labels(app, what, name, obj, options, lines):
    if not getattr(obj, "__module__", "").startswith(("sklearn", "sksurv")):
        return
    for i, line in enumerate(lines):
        lines[i] = re.sub(r":(ref|term):`([^`<]+?)\s*(?:<([^`>]+)>)?`", _replace_ref, line)


def setup(app):
    app.connect("autodoc-process-docstring", _sklearn_labels)
