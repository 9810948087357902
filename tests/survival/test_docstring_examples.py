"""The Examples sections of the continuous-time survival modules run."""

import doctest
import importlib
import warnings

import pytest

MODULES = [
    "skdeep.survival._deepsurv",
    "skdeep.survival._coxtime",
    "skdeep.survival._scoring",
    "skdeep.datasets._survival",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
