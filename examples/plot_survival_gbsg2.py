"""
Survival curves on GBSG2 with DeepSurv
======================================

Fit :class:`skdeep.survival.DeepSurv` in a scikit-learn ``Pipeline`` on the
German Breast Cancer Study Group 2 data (:func:`sksurv.datasets.load_gbsg2`),
compare its concordance index and integrated Brier score with scikit-survival's
Cox model on a held-out split, and plot the predicted survival curves of a few
test patients beside the Kaplan--Meier estimate of the training data, with
:class:`skdeep.plotting.SurvivalCurveDisplay`.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sksurv.datasets import load_gbsg2
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import integrated_brier_score

from skdeep.plotting import SurvivalCurveDisplay
from skdeep.survival import DeepSurv

# The test suite runs every example with SKDEEP_EXAMPLES_QUICK=1: fewer epochs.
QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_gbsg2()
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y["cens"], random_state=0
)


def pipeline(model):
    """One-hot encode the categorical columns, standardise the numeric ones."""
    pre = make_column_transformer(
        (OneHotEncoder(drop="first", sparse_output=False),
         make_column_selector(dtype_include="category")),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )
    return make_pipeline(pre, model)


deep = pipeline(DeepSurv(random_state=0, **({"max_iter": 10} if QUICK else {}))).fit(X_train, y_train)
cox = pipeline(CoxPHSurvivalAnalysis()).fit(X_train, y_train)

times = np.quantile(y_test["time"][y_test["cens"]], np.linspace(0.1, 0.8, 15))
for name, model in [("DeepSurv", deep), ("CoxPH", cox)]:
    surv = np.vstack([fn(times) for fn in model.predict_survival_function(X_test)])
    ibs = integrated_brier_score(y_train, y_test, surv, times)
    print(f"{name:8s} Harrell's C {model.score(X_test, y_test):.3f}  IBS {ibs:.3f}")

# %%
# Predicted survival curves
# -------------------------
# ``predict_survival_function`` returns one step function per patient over the
# training times (``unique_times_``); ``return_array=True`` gives the values.
# The patients with the lowest, median and highest predicted risk are shown.

risk = deep.predict(X_test)
chosen = X_test.iloc[np.argsort(risk)[[0, len(risk) // 2, -1]]]
labels = ["lowest risk", "median risk", "highest risk"]

fig, (ax_deep, ax_cox) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, name, model in [(ax_deep, "DeepSurv", deep), (ax_cox, "CoxPH", cox)]:
    SurvivalCurveDisplay.from_estimator(model, chosen, y=y_train, labels=labels, ax=ax)
    ax.set(xlabel="days", title=f"{name}: three test patients")
fig.tight_layout()
fig.savefig("survival_gbsg2.png", dpi=110)
print("figure saved to survival_gbsg2.png")
