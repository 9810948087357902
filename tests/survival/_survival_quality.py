"""A fixed WHAS500 split with CoxPH and Kaplan-Meier baselines, for quality tests."""

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sksurv.datasets import load_whas500
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator


def whas500_split():
    """Numeric WHAS500 columns, 70/30 split stratified on the event."""
    X, y = load_whas500()
    X = X.select_dtypes("number").to_numpy(dtype=np.float64)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y["fstat"])


def ibs_times(y_train, y_test):
    """20 evaluation times spread over the test events, inside the training range."""
    event, time = y_test.dtype.names
    times = np.quantile(y_test[time][y_test[event]], np.linspace(0.1, 0.9, 20))
    tr = y_train[time]
    return np.unique(times[(times > tr.min()) & (times < tr.max())])


def integrated_brier(model, X_test, y_train, y_test, times):
    surv = np.vstack([f(times) for f in model.predict_survival_function(X_test)])
    return integrated_brier_score(y_train, y_test, surv, times)


def baselines(X_train, X_test, y_train, y_test, times):
    """``{"coxph": (C, IBS), "km": IBS}`` on the split."""
    cox = make_pipeline(StandardScaler(), CoxPHSurvivalAnalysis()).fit(X_train, y_train)
    event, time = y_train.dtype.names
    km_t, km_s = kaplan_meier_estimator(y_train[event], y_train[time])
    km = np.tile(np.interp(times, km_t, km_s), (len(y_test), 1))
    return {
        "coxph": (cox.score(X_test, y_test),
                  integrated_brier(cox, X_test, y_train, y_test, times)),
        "km": integrated_brier_score(y_train, y_test, km, times),
    }
