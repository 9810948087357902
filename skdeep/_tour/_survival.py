"""Tour section: survival networks beside scikit-survival's Cox model and forest."""

import numpy as np
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._core import section


def _preprocessor():
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    return make_column_transformer(
        (OneHotEncoder(drop="first", sparse_output=False),
         make_column_selector(dtype_include="category")),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )


@section("survival", "GBSG2 breast cancer: survival networks beside CoxPH and RSF",
         "C-index", requires=("sksurv",), order=40)
def survival(ctx):
    from sksurv.datasets import load_gbsg2
    from sksurv.ensemble import RandomSurvivalForest
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    from ..survival import DeepHit, DeepSurv, LogisticHazard

    X, y = load_gbsg2()
    ctx.result.description = (
        f"686 patients of the German Breast Cancer Study Group 2, recurrence-free survival, "
        f"{ctx.folds}-fold CV, Harrell's concordance index. Networks with their default "
        "settings; scikit-survival's Cox model and random survival forest are the baselines."
    )
    epochs = ctx.epochs(30)
    trees = 50 if ctx.quick else 200
    cv = KFold(ctx.folds, shuffle=True, random_state=0)
    deep, _, _, cox, _ = ctx.cv([
        ("skdeep.survival.DeepSurv", make_pipeline(_preprocessor(), DeepSurv(**ctx.skdeep(**epochs))), False),
        ("skdeep.survival.LogisticHazard", make_pipeline(
            _preprocessor(), LogisticHazard(**ctx.skdeep(**epochs))), False),
        ("skdeep.survival.DeepHit", make_pipeline(_preprocessor(), DeepHit(**ctx.skdeep(**epochs))), False),
        ("sksurv CoxPHSurvivalAnalysis", make_pipeline(_preprocessor(), CoxPHSurvivalAnalysis()), True),
        ("sksurv RandomSurvivalForest", make_pipeline(_preprocessor(), RandomSurvivalForest(
            n_estimators=trees, min_samples_leaf=15, n_jobs=1, random_state=0)), True),
    ], X, y, cv)

    X_test = X.iloc[deep.test_index]
    risk = deep.estimator.predict(X_test)
    chosen = X_test.iloc[np.argsort(risk)[[0, len(risk) // 2, -1]]]
    train = np.setdiff1d(np.arange(len(y)), deep.test_index)
    labels = ["lowest risk", "median risk", "highest risk"]

    def curves(axes):
        from ..plotting import SurvivalCurveDisplay

        for ax, row, name in [(axes[0], deep, "DeepSurv"), (axes[1], cox, "CoxPH")]:
            SurvivalCurveDisplay.from_estimator(row.estimator, chosen, y=y[train],
                                                labels=labels, ax=ax)
            ax.set(title=f"{name}: three test patients", xlabel="days")

    ctx.figure("Survival curves", "Predicted recurrence-free survival of the test patients "
               "DeepSurv ranks lowest, median and highest risk (last fold), beside the "
               "Kaplan-Meier estimate of the training patients; right: the Cox model's "
               "curves for the same patients.", curves, size=(10, 3.8), ncols=2)
