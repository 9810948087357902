"""Cox-Time: a relative-risk model with time as an input (non-proportional hazards)."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
import torch
from scipy.special import logsumexp
from sklearn.utils._param_validation import Interval, StrOptions
from sksurv.metrics import concordance_index_censored

from .._training import as_tensor
from ..base import SOLVERS, BaseNeuralEstimator
from ._breslow import check_finite_hazard
from ._docs import TRAINING_PARAMS, penalty_attributes
from ._head import SCORINGS, SurvivalHead
from ._losses import CoxTimeLoss
from ._modules import CoxTimeModule
from ._penalty import ALPHA_SCALINGS

__all__ = ["CoxTime"]

# Quantiles of the training event times at which the early-stopping score
# averages g(x, t) into one risk score per validation sample.
_SCORE_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)


class CoxTime(SurvivalHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        # the case-control loss is stochastic: no L-BFGS line search on it
        "solver": [StrOptions(SOLVERS - {"lbfgs"})],
        "n_controls": [Interval(Integral, 1, None, closed="left")],
        "scoring": [StrOptions(set(SCORINGS))],
        "alpha_scaling": [StrOptions(set(ALPHA_SCALINGS)), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(64,),
        activation="relu",
        *,
        n_controls=1,
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
        self.n_controls = n_controls
        self.scoring = scoring
        self.alpha_scaling = alpha_scaling

    # ------------------------------------------------------------ base hooks
    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        super()._prepare_target(
            y,
            first_pass=first_pass,
            incremental=incremental,
            classes=classes,
            sample_weight=sample_weight,
        )
        if first_pass or not hasattr(self, "time_mean_"):
            event_times = y["time"][y["event"]]
            self.time_mean_ = float(event_times.mean())
            scale = float(event_times.std())
            self.time_scale_ = scale if scale > 0 else 1.0
            self._score_times = np.quantile(event_times, _SCORE_QUANTILES)

    def _scale_time(self, time):
        return (np.asarray(time, dtype=np.float64) - self.time_mean_) / self.time_scale_

    def _encode_target(self, y):
        return (
            self._scale_time(y["time"]),
            np.ascontiguousarray(y["event"], dtype=np.float64),
        )

    def _build_module(self, X, y):
        return CoxTimeModule(
            X.shape[1],
            self._hidden_layer_sizes(),
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )

    def _build_criterion(self):
        return CoxTimeLoss(n_controls=self.n_controls)

    def _initialize(self, X, y_enc, device, dtype=torch.float32):
        super()._initialize(X, y_enc, device, dtype)
        # the loss evaluates g on the case-control pairs it samples
        self.net_.criterion_.bind(self.net_.module_.g)

    def _after_fit(self, X, y, sample_weight):
        time, event = y["time"], y["event"]
        w = np.ones_like(time) if sample_weight is None else sample_weight
        unique_times, inv = np.unique(time, return_inverse=True)
        deaths = np.bincount(inv, weights=w * event, minlength=len(unique_times))
        has_event = deaths > 0
        event_times = unique_times[has_event]
        # log of sum_j w_j exp(g(x_j, t_k)) over the risk set of every event
        # time t_k, a block of event times at a time (memory O(n * block))
        log_risk = np.empty(len(event_times))
        block = max(1, 2**22 // max(len(time), 1))
        for start in range(0, len(event_times), block):
            t_k = event_times[start : start + block]
            g = self._g(X, t_k)
            g = np.where(time[:, None] >= t_k[None, :], g, -np.inf)
            shift = g.max(axis=0)
            log_risk[start : start + block] = shift + np.log(
                (w[:, None] * np.exp(g - shift)).sum(axis=0)
            )
        # Kept in log space: predictions add g(x, t) before exponentiating, so a
        # baseline too small or too large for float64 never meets its inverse
        # as 0 * inf (NaN).
        self._log_baseline = np.log(deaths[has_event]) - log_risk
        increments = np.zeros(len(unique_times))
        with np.errstate(over="ignore"):
            increments[has_event] = np.exp(self._log_baseline)
        self.unique_times_ = unique_times
        self.baseline_hazard_ = increments
        self._event_mask = has_event

    # ------------------------------------------------------------ predictions
    def _g(self, X, times, chunk=2**18):
        """``g(x_i, t_k)`` as an ``(n_samples, n_times)`` float64 array."""
        module = self.net_.module_
        device = torch.device(self.net_.device)
        module.eval()
        X = X.toarray() if sp.issparse(X) else X
        dtype = self.net_.module_dtype()
        x = as_tensor(np.asarray(X), device, dtype)
        t = as_tensor(self._scale_time(times), device, dtype, name="times")
        n, k = x.shape[0], t.shape[0]
        out = np.empty((n, k))
        rows = max(1, chunk // max(k, 1))
        with torch.no_grad():
            for start in range(0, n, rows):
                xb = x[start : start + rows]
                m = xb.shape[0]
                g = module(xb.repeat_interleave(k, dim=0), t.repeat(m).reshape(-1, 1))
                out[start : start + m] = g.reshape(m, k).double().cpu().numpy()
        return out

    def _log_cumulative_hazard(self, output):
        """``log H(t | x)`` on ``unique_times_`` (``-inf`` before the first event)."""
        g = self._g(output, self.unique_times_[self._event_mask])
        log_hazard = np.full((output.shape[0], len(self.unique_times_)), -np.inf)
        log_hazard[:, self._event_mask] = g + self._log_baseline[None, :]
        return np.logaddexp.accumulate(log_hazard, axis=1)

    def _cumulative_hazard_from_output(self, output):
        with np.errstate(over="ignore"):
            cum_hazard = np.exp(self._log_cumulative_hazard(output))
        check_finite_hazard(cum_hazard, type(self).__name__)
        return cum_hazard

    def _survival_from_output(self, output):
        with np.errstate(over="ignore"):  # a cumulative hazard of inf is survival 0
            return np.exp(-np.exp(self._log_cumulative_hazard(output)))

    def _risk_from_output(self, output):
        with np.errstate(over="ignore"):
            risk = np.exp(logsumexp(self._log_cumulative_hazard(output), axis=1))
        check_finite_hazard(risk, type(self).__name__)
        return risk

    def _validation_loss(self, output, y, sample_weight):
        """Negative partial log-likelihood of the validation split, every control.

        Deterministic (the training loss samples its controls): for each event
        ``i``, ``log sum_{T_j >= T_i} w_j e^{g(x_j, T_i)} - g(x_i, T_i)``,
        summed with the events' weights and divided by the total weight (the
        training loss's normalisation).
        """
        time, event = y["time"], y["event"] > 0
        w = np.ones(len(time)) if sample_weight is None else np.asarray(sample_weight)
        g = self._g(output.double().numpy(), time[event])  # (n_val, n_events)
        at_risk = time[:, None] >= time[event][None, :]
        with np.errstate(divide="ignore"):
            log_w = np.log(w)[:, None]
        log_risk_set = logsumexp(np.where(at_risk, g + log_w, -np.inf), axis=0)
        per_event = log_risk_set - g[event, np.arange(event.sum())]
        return float(np.sum(w[event] * per_event) / np.sum(w))

    def _score_output(self, output, y, sample_weight):
        if self.scoring == "loss":
            return super()._score_output(output, y, sample_weight)
        # Harrell's C: the baseline hazard does not exist yet; rank by g(x, t)
        # averaged over quantiles of the training event times.
        risk = self._g(output.double().numpy(), self._score_times).mean(axis=1)
        if not np.all(np.isfinite(risk)):
            return np.nan
        return concordance_index_censored(y["event"] > 0, y["time"], risk)[0]


CoxTime.__doc__ = f"""Cox-Time: relative risk with time as an input (Kvamme et al., 2019).

    The hazard is :math:`h(t \\mid x) = h_0(t)\\, e^{{g(x, t)}}` where the network
    :math:`g` takes the features and the (standardised) time, so hazards need
    not be proportional and may cross.  Training minimises the case-control
    approximation of the partial likelihood (the paper's eq. 9): every sample
    :math:`i` with an event is compared with ``n_controls`` controls drawn from
    its risk set :math:`\\{{j: T_j \\ge T_i\\}}`, all evaluated at the case's time,

    .. math::

        -\\ell = \\frac{{1}}{{n}}\\sum_{{i:\\delta_i=1}}
            \\log\\Big(1 + \\sum_{{j \\in \\tilde R_i}} e^{{g(x_j, T_i) - g(x_i, T_i)}}\\Big)

    over the :math:`n` samples (see :class:`skdeep.survival._losses.CoxTimeLoss`;
    controls are drawn within the mini-batch, a uniform sample of the training
    set). Dividing by the number of samples, not of cases, is what
    :class:`DeepSurv`'s partial likelihood does, so ``alpha`` is the same
    prior in both.  After
    training, the Breslow-type estimator of the paper gives the baseline hazard
    on the whole training set,
    :math:`\\Delta\\hat H_0(t_k) = d_k / \\sum_{{j \\in R(t_k)}} e^{{g(x_j, t_k)}}`,
    and :math:`\\hat H(t \\mid x) = \\sum_{{t_k \\le t}} \\Delta\\hat H_0(t_k)\\,
    e^{{g(x, t_k)}}`.  Times enter the network standardised with the mean and
    standard deviation of the training event times (``time_mean_``,
    ``time_scale_``).

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(64,)
        Width of each hidden layer of :math:`g`.

    activation : str, default='relu'
        Activation of the hidden layers (see below).

    n_controls : int, default=1
        Controls sampled per case in each mini-batch (the paper uses 1).
{TRAINING_PARAMS}
    Attributes
    ----------
    unique_times_ : ndarray of shape (n_unique_times,)
        Distinct observed times of the training data.

    baseline_hazard_ : ndarray of shape (n_unique_times,)
        Baseline hazard increments :math:`\\Delta\\hat H_0` at ``unique_times_``
        (zero where only censoring happened).

    time_mean_, time_scale_ : float
        Standardisation of the time input.

{penalty_attributes()}
    loss_, loss_curve_, best_loss_, validation_scores_, best_validation_score_, \
n_iter_, t_, n_features_in_, feature_names_in_, net_, history_
        As in :class:`skdeep.MLPRegressor`.

    See Also
    --------
    DeepSurv : The proportional-hazards network.

    Notes
    -----
    Defaults differing from the MLPs: ``max_iter=100``, ``dropout=0.2``,
    ``alpha=1.0``, tightened below 10 events per feature
    (``alpha_scaling='events'``). With ``early_stopping`` the validation score
    is the negated partial likelihood of the held-out split with *every* control of
    each risk set (deterministic, unlike the sampled training loss;
    ``scoring='loss'``), or Harrell's C of :math:`g(x, t)` averaged over five
    quantiles of the training event times (``scoring='concordance'``; the
    baseline hazard is only estimated after training).

    ``predict`` returns the sum of the cumulative hazard over ``unique_times_``
    (the expected number of events, as :class:`sksurv.ensemble.RandomSurvivalForest`
    does): with non-proportional hazards there is no single log-risk.
    Prediction costs one evaluation of :math:`g` per sample and event time.
    ``solver='lbfgs'`` is refused (the sampled loss changes between
    evaluations, which breaks a line search) and ``partial_fit`` is not offered.

    References
    ----------
    Kvamme, H., Borgan, Ø. and Scheel, I. (2019). Time-to-event prediction with
    neural networks and Cox regression. Journal of Machine Learning Research,
    20(129), 1-30.

    Examples
    --------
    >>> from skdeep.datasets import make_survival_data
    >>> from skdeep.survival import CoxTime
    >>> X, y = make_survival_data(n_samples=300, hazard="crossing", random_state=0)
    >>> model = CoxTime(max_iter=30, random_state=0).fit(X, y)
    >>> model.predict_survival_function(X[:3], return_array=True).shape[0]
    3
    """
