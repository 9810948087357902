"""Output heads: how a family's module output becomes predictions.

A head is a mixin placed left of :class:`~skdeep.base.BaseNeuralEstimator`.
It validates and encodes the target, chooses the loss, turns raw outputs into
predictions and computes the validation score used for early stopping.  Every
family (MLP, CNN, RNN) shares these two.
"""

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_array, column_or_1d

from ._losses import REGRESSION_LOSSES, BinaryLogLoss, LogLoss

__all__ = ["ClassifierHead", "RegressorHead"]


def _require_y(estimator, y):
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None."
        )


def _as_1d_if_column(y):
    if y.ndim == 2 and y.shape[1] == 1:
        return column_or_1d(y, warn=True)
    return y


class ClassifierHead(ClassifierMixin):
    """Binary, multiclass and multilabel classification with sklearn's semantics.

    Binary and multilabel targets use one sigmoid output per label, multiclass
    targets one softmax output per class, exactly as
    :class:`sklearn.neural_network.MLPClassifier` does (``out_activation_``).
    """

    def _validate_y(self, y):
        _require_y(self, y)
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        if y.dtype == object:
            missing = [i for i, v in enumerate(y.ravel()) if v is None]
            if missing:
                raise ValueError(
                    f"y contains None (a missing label) at {len(missing)} position(s), "
                    f"the first at flat index {missing[0]}; every sample needs a class "
                    "label. Drop those rows or fill the missing labels."
                )
        y = _as_1d_if_column(y)
        check_classification_targets(y)
        return y

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        if incremental and _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        elif first_pass:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            labels = unique_labels(y)
            if self.warm_start and not incremental:
                if set(labels) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got {self.classes_}, "
                        f"`y` has {labels}."
                    )
            elif len(np.setdiff1d(labels, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {labels}."
                )
        # A single class trains one logistic output towards 0 and predicts that
        # class, as scikit-learn's MLPClassifier does.
        if first_pass or not hasattr(self, "n_outputs_"):
            multiclass = self._label_binarizer.y_type_ == "multiclass"
            binary = self._label_binarizer.y_type_ == "binary"
            self.n_outputs_ = 1 if binary else len(self.classes_)
            self.out_activation_ = "softmax" if multiclass else "logistic"

    def _encode_target(self, y):
        Y = self._label_binarizer.transform(y)
        if self.out_activation_ == "softmax":
            return Y.argmax(axis=1).astype(np.int64)
        return Y.astype(np.float64)

    def _build_criterion(self):
        return LogLoss() if self.out_activation_ == "softmax" else BinaryLogLoss()

    def _stratify(self, y):
        return y if y.ndim == 1 else None

    def _proba_from_output(self, output):
        if self.out_activation_ == "softmax":
            return softmax(output, axis=1)
        return expit(output)

    def _labels_from_output(self, output):
        if self.out_activation_ == "softmax":
            return self.classes_[output.argmax(axis=1)]
        if self.n_outputs_ == 1:
            if len(self.classes_) == 1:
                return np.repeat(self.classes_, output.shape[0])
            return self.classes_[(output[:, 0] > 0).astype(int)]
        return self._label_binarizer.inverse_transform((output > 0).astype(int))

    def _score_output(self, output, y, sample_weight):
        pred = self._labels_from_output(output.double().numpy())
        return accuracy_score(y, pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted classes (an indicator matrix for multilabel targets).
        """
        output, _ = self._raw_output(X)
        return self._labels_from_output(output)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``; for multilabel
            targets, the probability of each label.
        """
        output, dtype = self._raw_output(X)
        proba = self._proba_from_output(output)
        if self.n_outputs_ == 1:
            proba = np.hstack([1 - proba, proba])
        return proba.astype(dtype, copy=False)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    @available_if(lambda est: est._check_partial_fit_solver())
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array of shape (n_classes,), default=None
            All classes across calls; required on the first call.

        Returns
        -------
        self : object
            The updated estimator.
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True, classes=classes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class RegressorHead(RegressorMixin):
    """Single- and multi-output regression with a choice of loss.

    ``loss`` is one of ``"squared_error"``, ``"absolute_error"``, ``"huber"``
    (threshold ``huber_delta``) or ``"poisson"`` (log link, ``y >= 0``).
    """

    def _validate_y(self, y):
        _require_y(self, y)
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        y = _as_1d_if_column(y)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative y; got negative values.")
        return y

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if first_pass or not hasattr(self, "n_outputs_"):
            self.n_outputs_ = n_outputs
            self.out_activation_ = "exp" if self.loss == "poisson" else "identity"
        elif n_outputs != self.n_outputs_:
            raise ValueError(
                f"y has {n_outputs} outputs but the model was fitted with {self.n_outputs_}."
            )

    def _encode_target(self, y):
        return np.asarray(y, dtype=np.float64).reshape(len(y), -1)

    def _build_criterion(self):
        if self.loss == "huber":
            return REGRESSION_LOSSES["huber"](self.huber_delta)
        return REGRESSION_LOSSES[self.loss]()

    def _stratify(self, y):
        return None

    def _values_from_output(self, output):
        if self.out_activation_ == "exp":
            output = np.exp(output)
        return output[:, 0] if output.shape[1] == 1 else output

    def _score_output(self, output, y, sample_weight):
        pred = self._values_from_output(output.double().numpy())
        if not np.isfinite(pred).all():
            return np.nan
        return r2_score(y, pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        output, dtype = self._raw_output(X)
        return self._values_from_output(output).astype(dtype, copy=False)

    @available_if(lambda est: est._check_partial_fit_solver())
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.target_tags.positive_only = getattr(self, "loss", None) == "poisson"
        return tags
