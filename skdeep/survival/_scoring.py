"""Scoring survival models on folds that reach past the training follow-up.

scikit-survival's IPCW metrics (:func:`sksurv.metrics.brier_score`,
:func:`~sksurv.metrics.integrated_brier_score`,
:func:`~sksurv.metrics.concordance_index_ipcw`) estimate the censoring
distribution on the *training* fold and refuse any test time beyond its last
time.  In a K-fold search one fold always holds the longest follow-up in its
test part, so every model (scikit-survival's own included) gets a NaN score
there.  For the Brier score that refusal is needless: a test sample observed
after the last training time is a control at every evaluation time before it,
and its own censoring weight is never used.  Clipping such test times to the
last training time therefore leaves the score unchanged wherever the metric is
defined, and makes it defined on those folds.
"""

import numpy as np
from sksurv.metrics import as_integrated_brier_score_scorer as _SksurvIBSScorer

from ._head import event_and_time

__all__ = ["as_integrated_brier_score_scorer", "clip_to_follow_up"]


def clip_to_follow_up(y_test, y_train):
    """A copy of ``y_test`` with times clipped to the last time of ``y_train``.

    Parameters
    ----------
    y_test, y_train : structured ndarray
        Survival targets (event first, time second).

    Returns
    -------
    y_clipped : structured ndarray
        ``y_test`` with every time above ``max(y_train time)`` set to it.  The
        integrated Brier score over times below that maximum is unchanged.
    """
    _, train_time = event_and_time(y_train)
    out = np.array(y_test, copy=True)
    name = out.dtype.names[1]
    out[name] = np.minimum(out[name], train_time.max())
    return out


class as_integrated_brier_score_scorer(_SksurvIBSScorer):  # noqa: N801 (sksurv's name)
    """:class:`sksurv.metrics.as_integrated_brier_score_scorer` that survives long test folds.

    Identical to scikit-survival's wrapper (the score is minus the integrated
    Brier score over ``times``), except that test times beyond the training
    fold's last time are clipped to it first (:func:`clip_to_follow_up`), which
    leaves the score unchanged and avoids the NaN that scikit-survival's
    censoring estimator produces on such folds.  ``times`` must still lie inside
    every fold's training follow-up.

    Parameters
    ----------
    estimator : estimator
        A survival estimator with ``predict_survival_function``.
    times : array-like of shape (n_times,)
        Evaluation times of the Brier score.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdeep.datasets import make_survival_data
    >>> from skdeep.survival import DeepSurv, as_integrated_brier_score_scorer
    >>> X, y = make_survival_data(n_samples=200, random_state=0)
    >>> times = np.quantile(y["time"], [0.2, 0.4, 0.6])
    >>> search = GridSearchCV(
    ...     as_integrated_brier_score_scorer(DeepSurv(max_iter=5, random_state=0), times),
    ...     {"estimator__alpha": [1e-4, 1e-2]}, cv=3).fit(X, y)
    >>> bool(np.isfinite(search.best_score_))
    True
    """

    def score(self, X, y):
        """Minus the integrated Brier score on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : structured ndarray of shape (n_samples,)
            Test targets; times past the training follow-up are clipped.

        Returns
        -------
        score : float
            ``-IBS`` (greater is better).
        """
        return super().score(X, clip_to_follow_up(y, self._train_y))
