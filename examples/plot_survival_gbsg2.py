"""
Survival curves on GBSG2 with DeepSurv
======================================

Fit :class:`skdeep.survival.DeepSurv` in a scikit-learn ``Pipeline`` on the
German Breast Cancer Study Group 2 data (:func:`sksurv.datasets.load_gbsg2`),
compare its concordance index and integrated Brier score with scikit-survival's
Cox model on a held-out split, and plot the predicted survival curves of a few
test patients beside the Kaplan--Meier estimate of the training data.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sksurv.datasets import load_gbsg2
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator

from skdeep.survival import DeepSurv

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


deep = pipeline(DeepSurv(random_state=0)).fit(X_train, y_train)
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
chosen = np.argsort(risk)[[0, len(risk) // 2, -1]]
curves = deep.predict_survival_function(X_test.iloc[chosen])
km_times, km_surv = kaplan_meier_estimator(y_train["cens"], y_train["time"])

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.step(km_times, km_surv, where="post", color="black", ls="--", label="Kaplan-Meier (train)")
for label, fn in zip(["lowest risk", "median risk", "highest risk"], curves):
    ax.step(fn.x, fn(fn.x), where="post", label=f"DeepSurv, {label}")
ax.set(xlabel="days", ylabel="survival probability", ylim=(0, 1.02),
       title="GBSG2: predicted survival of three test patients")
ax.legend(loc="lower left")
fig.tight_layout()
plt.show()
