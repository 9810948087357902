"""Root test configuration, shared by tests/ and the doctests under skdeep/.

pytest-xdist runs one worker per core; more than one torch intra-op thread per
worker would oversubscribe the cores and spin-wait (several-fold slower).
"""

import torch

torch.set_num_threads(1)
