"""Sequence simulators with a known answer, for recurrent networks."""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_adding_problem"]


def make_adding_problem(n_samples=1000, sequence_length=50, *, random_state=None):
    r"""The adding problem (Hochreiter & Schmidhuber, 1997), a long-range memory task.

    Each sequence has two features per step: a value :math:`v_t \sim U(0, 1)`
    and a marker :math:`m_t \in \{0, 1\}` that is 1 at exactly two steps, one
    in the first half and one in the second half. The target is the sum of the
    two marked values,

    .. math:: y = \sum_{t=1}^{T} m_t v_t ,

    so a model must remember the first marked value across up to ``T`` steps.
    Predicting the mean (1.0) gives a mean squared error of about
    :math:`1/6 \approx 0.167` (the variance of ``y``).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of sequences.
    sequence_length : int, default=50
        Number of steps ``T`` (at least 2).
    random_state : int, RandomState instance or None, default=None
        Seeds the values and the marker positions.

    Returns
    -------
    X : ndarray of shape (n_samples, sequence_length, 2)
        ``X[:, :, 0]`` holds the values, ``X[:, :, 1]`` the markers.
    y : ndarray of shape (n_samples,)
        The sum of the two marked values.

    Examples
    --------
    >>> from skdeep.datasets import make_adding_problem
    >>> X, y = make_adding_problem(n_samples=4, sequence_length=10, random_state=0)
    >>> X.shape, y.shape
    ((4, 10, 2), (4,))
    >>> bool(((X[:, :, 1] == 1).sum(axis=1) == 2).all())
    True
    """
    if sequence_length < 2:
        raise ValueError(f"sequence_length must be at least 2, got {sequence_length}.")
    rng = check_random_state(random_state)
    half = sequence_length // 2
    values = rng.uniform(size=(n_samples, sequence_length))
    markers = np.zeros((n_samples, sequence_length))
    rows = np.arange(n_samples)
    markers[rows, rng.randint(0, half, size=n_samples)] = 1.0
    markers[rows, rng.randint(half, sequence_length, size=n_samples)] = 1.0
    X = np.stack([values, markers], axis=2)
    return X, (values * markers).sum(axis=1)
