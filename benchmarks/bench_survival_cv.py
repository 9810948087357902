"""Cross-validated quality of every skdeep survival model beside scikit-survival.

For each case each model runs in a ``Pipeline`` (categorical columns one-hot encoded with the first level dropped,
numeric columns standardised) on the same 5 shuffled folds, beside
:class:`~sksurv.linear_model.CoxPHSurvivalAnalysis`,
:class:`~sksurv.ensemble.RandomSurvivalForest` and the Kaplan--Meier estimator
(integrated Brier score only).  Reported per model, as the mean over folds:

* ``harrell_c``: Harrell's concordance index of ``predict`` (``score``);
* ``uno_c``: Uno's IPCW concordance index, truncated at ``tau`` = the 80%
  quantile of all observed times (IPCW needs the training censoring
  distribution to cover the test event times);
* ``ibs``: the integrated Brier score over 15 times from the 10% to the 80%
  quantile of all observed times (test times past a fold's training follow-up
  are clipped to it, :func:`skdeep.survival.clip_to_follow_up`, which leaves
  the score unchanged and keeps scikit-survival's censoring estimator from
  refusing the fold).

The cases (:data:`CASES`):

* ``gbsg2``, ``whas500``: the bundled data sets (:mod:`sksurv.datasets`), 686
  patients with 299 events and 500 with 215;
* ``gbsg2-5``, ``-10``, ``-20`` and ``whas500-5``, ``-10``, ``-20``: the same
  with events *thinned* to a 5%, 10% or 20% event rate: a random share of the
  events (seeded, the same for every model) is relabelled as censored at its
  time, the covariates kept -- the scarce-event situation of a rare outcome;
* ``sim-92``: :func:`skdeep.datasets.make_survival_data` with 1,000 samples,
  20 features (3 informative, one non-linearly) and 92% censoring (80 events);
* ``veterans``: the Veterans' Administration lung cancer trial, 137 patients
  with 128 events (few samples rather than few events).

The skdeep models run with their default parameters: these are the numbers a
user gets without tuning.  Run ``python benchmarks/bench_survival_cv.py
[--quick] [--cases gbsg2 whas500-10 ...] [--models DeepSurv CoxTime ...]`` or
``python -m skdeep bench survival-cv``; ``--quick`` runs 3 folds of three
cases (``gbsg2``, ``gbsg2-10``, ``veterans``).  :func:`run_cv` returns the
table as a :class:`pandas.DataFrame`.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sksurv.datasets import load_gbsg2, load_veterans_lung_cancer, load_whas500
from sksurv.ensemble import RandomSurvivalForest
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import concordance_index_ipcw, integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator

DATASETS = {"gbsg2": load_gbsg2, "whas500": load_whas500,
            "veterans": load_veterans_lung_cancer}
# case -> (data set, event rate after thinning or None)
CASES = {
    "gbsg2": ("gbsg2", None),
    "whas500": ("whas500", None),
    "gbsg2-20": ("gbsg2", 0.20),
    "gbsg2-10": ("gbsg2", 0.10),
    "gbsg2-5": ("gbsg2", 0.05),
    "whas500-20": ("whas500", 0.20),
    "whas500-10": ("whas500", 0.10),
    "whas500-5": ("whas500", 0.05),
    "sim-92": ("sim", None),
    "veterans": ("veterans", None),
}
QUICK_CASES = ("gbsg2", "gbsg2-10", "veterans")
DEEP_MODELS = ("DeepSurv", "CoxTime", "DeepHit", "LogisticHazard", "PMF", "NMTLR", "PCHazard")
REFERENCE = {  # measured here with scikit-survival (issue 3)
    "gbsg2": {"CoxPH": (0.669, 0.188), "RSF": (0.688, 0.186), "KaplanMeier": (None, 0.213)},
    "whas500": {"CoxPH": (0.771, 0.163), "RSF": (0.766, 0.167), "KaplanMeier": (None, 0.226)},
}


def load(name):
    """``(X, y)`` of a bundled data set with ``y`` fields renamed to event/time."""
    if name == "sim":
        from skdeep.datasets import make_survival_data

        X, y = make_survival_data(n_samples=1000, n_features=20, censoring=0.92,
                                  random_state=0)
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    else:
        X, y = DATASETS[name]()
    out = np.empty(len(y), dtype=[("event", bool), ("time", float)])
    out["event"], out["time"] = y[y.dtype.names[0]], y[y.dtype.names[1]]
    return X, out


def thin_events(y, rate, random_state=0):
    """Relabel a random share of the events as censored (at their own time).

    Keeps ``round(rate * n)`` of the events, chosen uniformly at random; the
    times and the covariates are unchanged, so the result is ``y`` with an
    event rate of ``rate``. Returns a new array.
    """
    rng = np.random.RandomState(random_state)
    events = np.flatnonzero(y["event"])
    n_keep = int(round(rate * len(y)))
    if n_keep > len(events):
        raise ValueError(f"cannot thin {len(events)} events up to a rate of {rate}")
    out = y.copy()
    out["event"][rng.choice(events, len(events) - n_keep, replace=False)] = False
    return out


def load_case(case):
    """``(X, y)`` of a benchmark case (:data:`CASES`)."""
    name, rate = CASES[case]
    X, y = load(name)
    return X, (y if rate is None else thin_events(y, rate))


def preprocessor():
    """One-hot (first level dropped) categoricals, standardised numeric columns."""
    return make_column_transformer(
        (OneHotEncoder(drop="first", sparse_output=False),
         make_column_selector(dtype_include="category")),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )


def deep_models(names=DEEP_MODELS, random_state=0, **params):
    """``{name: estimator}`` for the skdeep survival models that exist."""
    import skdeep.survival as survival

    models = {}
    for name in names:
        cls = getattr(survival, name, None)
        if cls is not None:
            models[name] = cls(random_state=random_state, device="cpu", **params)
    return models


def reference_models(random_state=0):
    return {
        "CoxPH": CoxPHSurvivalAnalysis(),
        "RSF": RandomSurvivalForest(min_samples_leaf=15, random_state=random_state, n_jobs=1),
    }


def _km_survival(y_train, times, n):
    t, s = kaplan_meier_estimator(y_train["event"], y_train["time"])
    idx = np.searchsorted(t, times, side="right") - 1
    return np.tile(s[idx], (n, 1))


def _evaluate(model, X_test, y_train, y_test, times, tau):
    from skdeep.survival import clip_to_follow_up

    risk = model.predict(X_test)
    harrell = model.score(X_test, y_test)
    uno = concordance_index_ipcw(y_train, y_test, risk, tau=tau)[0]
    surv = np.vstack([fn(times) for fn in model.predict_survival_function(X_test)])
    # exact: test times past the training follow-up only ever count as controls
    ibs = integrated_brier_score(y_train, clip_to_follow_up(y_test, y_train), surv, times)
    return harrell, uno, ibs


def run_cv(datasets=("gbsg2", "whas500"), models=DEEP_MODELS, n_splits=5, random_state=0,
           deep_params=None, with_reference=True, verbose=True):
    """Mean Harrell's C, Uno's C, IBS and fit time per (case, model) over the folds.

    Parameters
    ----------
    datasets : sequence of str
        Keys of :data:`CASES` (the ``dataset`` column of the table).
    models : sequence of str
        skdeep survival estimators (names in :mod:`skdeep.survival`).
    n_splits : int
        Number of shuffled folds (the same for every model).
    random_state : int
        Seed of the folds and of every model.
    deep_params : dict or None
        Parameters set on every skdeep model (e.g. ``{"max_iter": 10}``).
    with_reference : bool
        Also run CoxPH, RSF and Kaplan--Meier.
    verbose : bool
        Print each row as it is done.

    Returns
    -------
    table : pandas.DataFrame
        Columns ``dataset, model, harrell_c, uno_c, ibs, fit_s``.
    """
    from skdeep.survival import clip_to_follow_up

    rows = []
    for name in datasets:
        X, y = load_case(name)
        times = np.quantile(y["time"], np.linspace(0.1, 0.8, 15))
        tau = times[-1]
        estimators = dict(reference_models(random_state)) if with_reference else {}
        estimators.update(deep_models(models, random_state, **(deep_params or {})))
        if name in ("gbsg2", "whas500"):  # the folds of the published table
            folds = list(KFold(n_splits, shuffle=True, random_state=random_state).split(X))
        else:  # stratified on the event, so that every test fold holds events
            folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
                         .split(X, y["event"]))
        for label, estimator in estimators.items():
            scores, fit_s = [], 0.0
            for train, test in folds:
                pipe = make_pipeline(preprocessor(), estimator)
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pipe.fit(X.iloc[train], y[train])
                fit_s += time.perf_counter() - start
                scores.append(_evaluate(pipe, X.iloc[test], y[train], y[test], times, tau))
            harrell, uno, ibs = np.mean(scores, axis=0)
            rows.append((name, label, harrell, uno, ibs, fit_s / len(folds)))
            if verbose:
                print(f"{name:10s} {label:15s} C {harrell:.3f}  Uno {uno:.3f}  IBS {ibs:.4f}"
                      f"  fit {fit_s / len(folds):.2f}s", flush=True)
        if with_reference:
            ibs = np.mean([
                integrated_brier_score(y[tr], clip_to_follow_up(y[te], y[tr]),
                                       _km_survival(y[tr], times, len(te)), times)
                for tr, te in folds
            ])
            rows.append((name, "KaplanMeier", np.nan, np.nan, ibs, 0.0))
            if verbose:
                print(f"{name:10s} {'KaplanMeier':15s} IBS {ibs:.4f}", flush=True)
    return pd.DataFrame(rows, columns=["dataset", "model", "harrell_c", "uno_c", "ibs", "fit_s"])


def check_targets(table):
    """Rows of deep models missing the targets (C within 0.02 of CoxPH, IBS < KM)."""
    misses = []
    for name, part in table.groupby("dataset"):
        by = part.set_index("model")
        cox_c, km_ibs = by.loc["CoxPH", "harrell_c"], by.loc["KaplanMeier", "ibs"]
        for model in by.index.intersection(DEEP_MODELS):
            c, ibs = by.loc[model, "harrell_c"], by.loc[model, "ibs"]
            if c < cox_c - 0.02 or ibs >= km_ibs:
                misses.append(f"{name}/{model}: C {c:.3f} (CoxPH {cox_c:.3f}), "
                              f"IBS {ibs:.3f} (KM {km_ibs:.3f})")
    return misses


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 folds of " + ", ".join(QUICK_CASES))
    parser.add_argument("--cases", nargs="+", default=None, choices=list(CASES),
                        help="cases to run (default: all)")
    parser.add_argument("--models", nargs="+", default=list(DEEP_MODELS))
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    cases = args.cases or (list(QUICK_CASES) if args.quick else list(CASES))
    table = run_cv(cases, args.models, n_splits=3 if args.quick else 5)
    print()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}",
                          formatters={"ibs": "{:.4f}".format}))
    misses = check_targets(table)
    print("\nTargets (C within 0.02 of CoxPH, IBS below Kaplan-Meier):",
          "all met" if not misses else "missed by " + "; ".join(misses))
    return table


if __name__ == "__main__":
    main()
