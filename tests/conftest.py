"""Shared test configuration: one torch thread per worker, quiet warnings."""

import pytest
import torch

# pytest-xdist runs one worker per core; more torch threads would oversubscribe.
torch.set_num_threads(1)

requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device"
)
