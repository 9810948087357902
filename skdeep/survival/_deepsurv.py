"""DeepSurv: the Cox proportional-hazards model with a neural log-risk."""

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted
from sksurv.functions import StepFunction

from ..base import BaseNeuralEstimator
from ._breslow import breslow_log_increments, check_finite_hazard, cumulative_log_hazard
from ._docs import TRAINING_PARAMS, penalty_attributes
from ._head import SCORINGS, SurvivalHead
from ._losses import CoxPHLoss
from ._modules import RiskNet
from ._penalty import ALPHA_SCALINGS

__all__ = ["DeepSurv"]


class DeepSurv(SurvivalHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "ties": [StrOptions({"breslow", "efron"})],
        "scoring": [StrOptions(set(SCORINGS))],
        "alpha_scaling": [StrOptions(set(ALPHA_SCALINGS)), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(64,),
        activation="relu",
        *,
        ties="breslow",
        solver="adam",
        alpha=1.0,
        alpha_scaling="events",
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=100,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        scoring="loss",
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.2,
        batch_norm=False,
        l1=0.0,
        max_norm=None,
        input_noise=0.0,
        device="auto",
        callbacks=None,
        dtype=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            batch_norm=batch_norm,
            l1=l1,
            max_norm=max_norm,
            input_noise=input_noise,
            device=device,
            callbacks=callbacks,
            dtype=dtype,
        )
        self.ties = ties
        self.scoring = scoring
        self.alpha_scaling = alpha_scaling

    # ------------------------------------------------------------ base hooks
    def _build_module(self, X, y):
        return RiskNet(
            X.shape[1],
            self._hidden_layer_sizes(),
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )

    def _build_criterion(self):
        return CoxPHLoss(ties=self.ties)

    def _after_fit(self, X, y, sample_weight):
        log_risk, _ = self._raw_output(X)
        times, log_increments = breslow_log_increments(
            log_risk[:, 0], y["event"], y["time"], sample_weight
        )
        # Kept in log space: predictions add the log-risk before exponentiating,
        # so no spread of log-risks turns into 0 * inf (NaN).
        self._log_cum_baseline = cumulative_log_hazard(log_increments)
        with np.errstate(over="ignore"):
            cum_hazard = np.exp(self._log_cum_baseline)
        self.unique_times_ = times
        self.cum_baseline_hazard_ = StepFunction(times, cum_hazard)
        self.baseline_survival_ = StepFunction(times, np.exp(-cum_hazard))

    # ------------------------------------------------------------ head hooks
    def _risk_from_output(self, output):
        return output[:, 0]

    def _log_cumulative_hazard(self, output):
        return self._log_cum_baseline[None, :] + output[:, :1]

    def _cumulative_hazard_from_output(self, output):
        with np.errstate(over="ignore"):
            cum_hazard = np.exp(self._log_cumulative_hazard(output))
        check_finite_hazard(cum_hazard, type(self).__name__)
        return cum_hazard

    def _survival_from_output(self, output):
        with np.errstate(over="ignore"):  # a cumulative hazard of inf is survival 0
            return np.exp(-np.exp(self._log_cumulative_hazard(output)))

    # ------------------------------------------------------------ attributes
    @property
    def coef_(self):
        """Coefficients of the linear predictor (only without hidden layers)."""
        check_is_fitted(self)
        if self._hidden_layer_sizes():
            raise AttributeError(
                "coef_ exists only for a linear DeepSurv (hidden_layer_sizes=())."
            )
        return self.net_.module_.output.weight.detach().cpu().double().numpy()[0].copy()

    @property
    def coefs_(self):
        """Weight matrices ``(fan_in, fan_out)``, input layer first."""
        check_is_fitted(self)
        return [
            lin.weight.detach().cpu().numpy().T.copy() for lin in self.net_.module_.linears()
        ]


DeepSurv.__doc__ = f"""Cox proportional-hazards network (DeepSurv; Katzman et al., 2018).

    The hazard of a sample with features :math:`x` is
    :math:`h(t \\mid x) = h_0(t)\\, e^{{\\eta(x)}}` with a neural log-risk
    :math:`\\eta` (dense hidden layers and one output unit without bias).  The
    network minimises the negative Cox partial log-likelihood of each
    mini-batch, with tied event times handled exactly by Breslow's or Efron's
    method (:func:`skdeep.survival._losses.cox_ph_loss`); a mini-batch without
    events has a zero loss and gradient.  After training, Breslow's estimator of
    the cumulative baseline hazard :math:`H_0` is fitted on the whole training
    set, so that :math:`S(t \\mid x) = \\exp(-H_0(t)\\, e^{{\\eta(x)}})`.

    With ``hidden_layer_sizes=()``, ``solver='lbfgs'`` and ``alpha=0`` it is
    the linear Cox model and reproduces
    :class:`sksurv.linear_model.CoxPHSurvivalAnalysis` (``alpha`` also has the
    same meaning, ``0.5 * alpha * ||w||^2 / n``).

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(64,)
        Width of each hidden layer; ``()`` gives the linear Cox model.

    activation : str, default='relu'
        Activation of the hidden layers (see below).

    ties : {{'breslow', 'efron'}}, default='breslow'
        Handling of tied event times in the partial likelihood.
{TRAINING_PARAMS}
    Attributes
    ----------
    unique_times_ : ndarray of shape (n_unique_times,)
        Distinct observed times of the training data; survival and cumulative
        hazard functions are evaluated there.

    cum_baseline_hazard_ : sksurv.functions.StepFunction
        Breslow's estimate of the cumulative baseline hazard :math:`H_0`.

    baseline_survival_ : sksurv.functions.StepFunction
        Baseline survival :math:`e^{{-H_0(t)}}`.

    coef_ : ndarray of shape (n_features,)
        Coefficients of the linear predictor (linear model only).

    coefs_ : list of ndarray
        Weight matrices ``(fan_in, fan_out)``, input layer first.

{penalty_attributes()}
    loss_, loss_curve_, best_loss_, validation_scores_, best_validation_score_, \
n_iter_, t_, n_features_in_, feature_names_in_, net_, history_
        As in :class:`skdeep.MLPRegressor`; the validation score is Harrell's C.

    See Also
    --------
    CoxTime : Non-proportional hazards, with time as an input.
    sksurv.linear_model.CoxPHSurvivalAnalysis : The linear Cox model.

    Notes
    -----
    Defaults differing from the MLPs: ``max_iter=100``, ``dropout=0.2`` and
    ``alpha=1.0`` (a weight prior that matters when events are few; see the
    user guide), tightened below 10 events per feature
    (``alpha_scaling='events'``). The partial likelihood of a batch compares each event with
    its risk set inside the batch, so larger batches approximate the full
    likelihood better.  ``early_stopping`` monitors the partial likelihood of
    the held-out split (``scoring='loss'``) or its Harrell's C
    (``scoring='concordance'``). The Breslow baseline is kept in log space, so
    no spread of log-risks gives a NaN curve.

    ``partial_fit`` is not offered: the baseline hazard needs the whole training
    set. Survival functions stay at their last value after the last training
    time (see :class:`skdeep.survival.SurvivalStepFunction`).

    References
    ----------
    Katzman, J. L. et al. (2018). DeepSurv: personalized treatment recommender
    system using a Cox proportional hazards deep neural network. BMC Medical
    Research Methodology, 18(24).

    Examples
    --------
    >>> from sksurv.datasets import load_whas500
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeep.survival import DeepSurv
    >>> X, y = load_whas500()
    >>> X = X[["age", "bmi", "hr", "sysbp", "diasbp", "los"]]
    >>> model = make_pipeline(StandardScaler(), DeepSurv(max_iter=20, random_state=0))
    >>> model = model.fit(X, y)
    >>> surv = model.predict_survival_function(X.iloc[:2])
    >>> len(surv), float(surv[0](0.0)) <= 1.0
    (2, True)
    >>> bool(model.score(X, y) > 0.7)
    True
    """
