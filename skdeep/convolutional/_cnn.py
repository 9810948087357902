"""CNNClassifier and CNNRegressor: convolutional networks on images.

Images come as ``(n, C, H, W)``, ``(n, H, W)`` (one channel) or flattened
``(n, d)`` rows with ``image_shape``; the 2-D path makes them ordinary
scikit-learn estimators that pass the generic estimator checks.
"""

import math
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, validate_data

from .._heads import ClassifierHead, RegressorHead
from ..base import BaseNeuralEstimator
from .._docstrings import TRAINING_ATTRIBUTES, training_params_doc
from ._modules import CNNModule

__all__ = ["CNNClassifier", "CNNRegressor"]

_FLOAT = (np.float64, np.float32)


def _pair(value, name):
    """``int`` or a pair of ints -> a pair of ints (per spatial axis)."""
    pair = (value, value) if isinstance(value, Integral) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, Integral) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}.")
    return tuple(int(v) for v in pair)


def _shape_of(image_shape, n_features):
    """Resolve the ``image_shape`` parameter against ``n_features`` -> (C, H, W)."""
    if isinstance(image_shape, str):  # "auto"
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"image_shape='auto' reads each row as a square one-channel image, "
                f"but X has {n_features} features, which is not a perfect square. "
                "Pass image_shape=(C, H, W) (one entry may be -1)."
            )
        return (1, side, side)
    shape = tuple(image_shape)
    if len(shape) == 2:
        shape = (1,) + shape
    if (
        len(shape) != 3
        or not all(isinstance(s, Integral) and (s > 0 or s == -1) for s in shape)
        or shape.count(-1) > 1
    ):
        raise ValueError(
            f"image_shape must be 'auto', (H, W) or (C, H, W) with positive ints "
            f"(at most one -1), got {image_shape!r}."
        )
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if n_features % known:
            raise ValueError(
                f"image_shape={tuple(image_shape)} cannot be filled from rows of "
                f"{n_features} features ({n_features} is not a multiple of {known})."
            )
        shape = tuple(n_features // known if s == -1 else s for s in shape)
    if math.prod(shape) != n_features:
        raise ValueError(
            f"image_shape={tuple(image_shape)} holds {math.prod(shape)} values per image "
            f"but X has {n_features} features per row; they must match."
        )
    return tuple(int(s) for s in shape)


class _CNNMixin:
    """Image validation and module construction shared by both CNN estimators."""

    _cnn_constraints: dict = {
        "conv_channels": ["array-like", Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "stride": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "padding": [
            StrOptions({"same"}),
            Interval(Integral, 0, None, closed="left"),
            tuple,
            list,
        ],
        "pooling": [None, StrOptions({"max", "avg"})],
        "global_pooling": [None, StrOptions({"max", "avg"})],
        "random_shift": [Interval(Integral, 0, None, closed="left")],
        "random_flip": [None, StrOptions({"horizontal", "vertical", "both"})],
        "image_shape": [StrOptions({"auto"}), tuple, list],
    }

    def _validate_X(self, X, reset):
        if not (sp.issparse(X) or hasattr(X, "iloc") or hasattr(X, "shape")):
            try:
                X = np.asarray(X)
            except ValueError as exc:
                raise ValueError(
                    "X must be an array of equally shaped images; got a ragged "
                    f"sequence ({exc})."
                ) from exc
        if sp.issparse(X) or hasattr(X, "iloc") or len(X.shape) <= 2:
            X = validate_data(self, X, dtype=_FLOAT, reset=reset)
            if reset:
                self.image_shape_ = _shape_of(self.image_shape, X.shape[1])
            return X.reshape((X.shape[0],) + self.image_shape_)
        X = check_array(X, allow_nd=True, dtype=_FLOAT, input_name="X")
        if X.ndim == 3:
            X = X[:, np.newaxis]
        if X.ndim != 4:
            raise ValueError(
                f"X must be (n_samples, C, H, W), (n_samples, H, W) or 2-D "
                f"(n_samples, n_features) with image_shape; got {X.ndim} dimensions."
            )
        shape = X.shape[1:]
        if reset:
            stated = self.image_shape
            if stated != "auto" and _shape_of(stated, math.prod(shape)) != shape:
                raise ValueError(
                    f"X holds images of shape {shape} but image_shape={self.image_shape!r}; "
                    "leave image_shape='auto' for image input (it applies to 2-D X)."
                )
            self.image_shape_ = shape
        elif shape != self.image_shape_:
            raise ValueError(
                f"X holds images of shape {shape}, but {type(self).__name__} was fitted "
                f"on images of shape {self.image_shape_}."
            )
        validate_data(self, X.reshape(X.shape[0], -1), reset=reset, skip_check_array=True)
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    def _build_module(self, X, y):
        kernel = _pair(self.kernel_size, "kernel_size")
        stride = _pair(self.stride, "stride")
        padding = (
            tuple(k // 2 for k in kernel)
            if self.padding == "same"
            else _pair(self.padding, "padding")
        )
        channels = self.conv_channels
        channels = list(channels) if hasattr(channels, "__iter__") else [channels]
        if any(int(c) != c or c <= 0 for c in channels):
            raise ValueError(f"conv_channels must be positive integers, got {channels}.")
        return CNNModule(
            self.image_shape_,
            [int(c) for c in channels],
            kernel,
            stride,
            padding,
            self.pooling,
            self.global_pooling,
            self._hidden_layer_sizes(),
            self.n_outputs_,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
            shift=self.random_shift,
            flip=self.random_flip,
        )

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        if self.solver == "lbfgs" and (self.random_shift or self.random_flip):
            raise ValueError(
                "Random augmentation (random_shift, random_flip) changes the loss at "
                "every evaluation, which breaks L-BFGS line searches; use a stochastic "
                "solver such as 'adam' or switch augmentation off."
            )
        return super()._fit(X, y, sample_weight, incremental, classes)


_CNN_PARAMS = """
    conv_channels : int or sequence of int, default=(32, 64)
        Number of output channels of each convolutional block. A block is
        ``Conv2d -> [BatchNorm2d] -> activation -> [pooling]``.

    kernel_size : int or pair of int, default=3
        Size of the convolution kernels.

    stride : int or pair of int, default=1
        Stride of the convolutions.

    padding : 'same', int or pair of int, default='same'
        Zero padding of the convolutions; ``'same'`` pads ``kernel_size // 2``
        on each side, which keeps the size for odd kernels and ``stride=1``.

    pooling : {'max', 'avg'} or None, default='max'
        2x2 pooling after each block (shrunk to 1 along axes shorter than 2).

    global_pooling : {'max', 'avg'} or None, default=None
        Pool each final feature map to one value before the dense layers
        (fewer parameters, translation invariance); ``None`` flattens them.

    hidden_layer_sizes : array-like of int, default=(128,)
        Widths of the dense layers between the convolutions and the output.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \
'gelu'}, default='relu'
        Activation of the convolutional blocks and dense layers.

    random_shift : int, default=0
        Training-time augmentation: shift each image by up to this many pixels
        along each axis (zero padding, then a random crop), drawn anew for every
        mini-batch on the training device. Never applied at prediction.

    random_flip : {'horizontal', 'vertical', 'both'} or None, default=None
        Training-time augmentation: mirror each image with probability 1/2
        along the named axes. Never applied at prediction.

    image_shape : 'auto' or tuple of int, default='auto'
        How to read rows of a 2-D ``X`` of shape ``(n_samples, d)``: as images
        of shape ``(C, H, W)`` or ``(H, W)`` (one channel), with at most one
        entry ``-1`` inferred from ``d`` (e.g. ``(1, 1, -1)`` reads a row as a
        ``1 x d`` strip). ``'auto'`` reads a row as a square one-channel image
        and requires ``d`` to be a perfect square. Ignored for 3-D and 4-D
        ``X``, whose shape is used as is.
"""

_TRAINING_PARAMS = training_params_doc(
    batch_size="64", learning_rate_init="0.002", n_iter_no_change="5"
)

_CNN_ATTRIBUTES = (
    """
    image_shape_ : tuple of int
        The ``(C, H, W)`` shape of the images seen during fit.

    n_features_in_ : int
        Number of values per image, ``C * H * W``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` is a DataFrame with
        string column names.
"""
    + TRAINING_ATTRIBUTES
)


class CNNClassifier(_CNNMixin, ClassifierHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **_CNNMixin._cnn_constraints,
    }

    def __init__(
        self,
        conv_channels=(32, 64),
        kernel_size=3,
        stride=1,
        padding="same",
        pooling="max",
        global_pooling=None,
        hidden_layer_sizes=(128,),
        activation="relu",
        *,
        random_shift=0,
        random_flip=None,
        image_shape="auto",
        solver="adam",
        alpha=0.0001,
        batch_size=64,
        learning_rate="constant",
        learning_rate_init=0.002,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=5,
        max_fun=15000,
        dropout=0.0,
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
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.pooling = pooling
        self.global_pooling = global_pooling
        self.random_shift = random_shift
        self.random_flip = random_flip
        self.image_shape = image_shape


class CNNRegressor(_CNNMixin, RegressorHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **_CNNMixin._cnn_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber", "poisson"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        conv_channels=(32, 64),
        kernel_size=3,
        stride=1,
        padding="same",
        pooling="max",
        global_pooling=None,
        hidden_layer_sizes=(128,),
        activation="relu",
        *,
        loss="squared_error",
        huber_delta=1.0,
        random_shift=0,
        random_flip=None,
        image_shape="auto",
        solver="adam",
        alpha=0.0001,
        batch_size=64,
        learning_rate="constant",
        learning_rate_init=0.002,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=5,
        max_fun=15000,
        dropout=0.0,
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
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.pooling = pooling
        self.global_pooling = global_pooling
        self.random_shift = random_shift
        self.random_flip = random_flip
        self.image_shape = image_shape
        self.loss = loss
        self.huber_delta = huber_delta


CNNClassifier.__doc__ = f"""Convolutional neural network classifier for images.

    A stack of convolutional blocks (``Conv2d -> [BatchNorm2d] -> activation ->
    [pooling]``), optional global pooling, dense layers and a softmax (or, for
    binary and multilabel targets, logistic) output, trained with the log-loss.
    ``X`` may be ``(n_samples, C, H, W)``, ``(n_samples, H, W)`` (one channel)
    or 2-D ``(n_samples, d)`` rows read through ``image_shape``, so the
    classifier works in :class:`~sklearn.pipeline.Pipeline`,
    :class:`~sklearn.model_selection.GridSearchCV` and every other
    scikit-learn tool. The training parameters are those of
    :class:`skdeep.MLPClassifier`; the defaults of ``batch_size``,
    ``learning_rate_init`` and ``n_iter_no_change`` suit small image sets.

    Parameters
    ----------{_CNN_PARAMS}
{_TRAINING_PARAMS}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
{_CNN_ATTRIBUTES}
    See Also
    --------
    CNNRegressor : The regression counterpart.
    skdeep.MLPClassifier : A dense network on flat features.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeep import CNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> images = X.reshape(-1, 8, 8)
    >>> clf = CNNClassifier(conv_channels=(8, 16), max_iter=10, random_state=0)
    >>> clf.fit(images[:1000], y[:1000]).image_shape_
    (1, 8, 8)
    >>> clf.score(images[1000:], y[1000:]) > 0.9
    True
    >>> clf.predict_proba(X[:1]).shape  # flat rows work too ('auto': 64 = 8 x 8)
    (1, 10)
    """

CNNRegressor.__doc__ = f"""Convolutional neural network regressor for images.

    The network of :class:`CNNClassifier` with a linear output (or an
    exponential one for ``loss='poisson'``): it predicts one or several real
    values per image.

    Parameters
    ----------{_CNN_PARAMS}
    loss : {{'squared_error', 'absolute_error', 'huber', 'poisson'}}, \
default='squared_error'
        The regression loss, as in :class:`skdeep.MLPRegressor`.

    huber_delta : float, default=1.0
        Threshold of the Huber loss (only used with ``loss='huber'``).
{_TRAINING_PARAMS}
    Attributes
    ----------{_CNN_ATTRIBUTES}
    See Also
    --------
    CNNClassifier : The classification counterpart.
    skdeep.MLPRegressor : A dense network on flat features.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import CNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> images = rng.uniform(size=(300, 6, 6))
    >>> y = images[:, :3].mean(axis=(1, 2))  # brightness of the top half
    >>> reg = CNNRegressor(conv_channels=(8,), hidden_layer_sizes=(16,),
    ...                    learning_rate_init=0.01, random_state=0).fit(images, y)
    >>> reg.predict(images[:2]).shape
    (2,)
    """
