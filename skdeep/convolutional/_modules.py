"""Plain torch modules for convolutional networks (no scikit-learn in here).

:class:`ImageAugment` draws random shifts and flips on the batch's device in
training mode and is the identity in evaluation mode; :class:`CNNModule` is the
whole network: ``[augment] -> conv blocks -> [global pooling] -> dense stack ->
linear output``.
"""

import torch
from torch import nn

from .._layers import dense_stack, glorot_uniform_, make_activation

__all__ = ["ImageAugment", "CNNModule", "conv_output_size"]


def conv_output_size(size, kernel, stride, padding):
    """Output length of a convolution or pooling along one axis."""
    return (size + 2 * padding - kernel) // stride + 1


class ImageAugment(nn.Module):
    """Random shifts (a padded random crop) and flips, applied only in training mode.

    Parameters
    ----------
    shift : int
        Maximum shift in pixels along each spatial axis. The batch is
        zero-padded by ``shift`` and every image is cropped back to its size at
        an offset drawn uniformly from ``[0, 2 * shift]`` (the usual "pad and
        random crop").
    flip : {None, 'horizontal', 'vertical', 'both'}
        Mirror each image with probability 1/2 along the named axes.

    Notes
    -----
    ``forward`` takes ``x`` of shape ``(n, C, H, W)`` and returns the same shape.
    Everything runs on ``x``'s device with torch's global generator, so the
    estimator's ``random_state`` makes it reproducible. In evaluation mode it
    returns ``x`` unchanged.
    """

    def __init__(self, shift=0, flip=None):
        super().__init__()
        self.shift = int(shift)
        self.flip = flip

    def forward(self, x):
        if not self.training:
            return x
        if self.shift:
            x = self._shift(x)
        if self.flip in ("horizontal", "both"):
            x = _random_flip(x, dim=3)
        if self.flip in ("vertical", "both"):
            x = _random_flip(x, dim=2)
        return x

    def _shift(self, x):
        n, _, h, w = x.shape
        s = self.shift
        padded = nn.functional.pad(x, (s, s, s, s)).permute(0, 2, 3, 1)  # (n, H', W', C)
        dy = torch.randint(0, 2 * s + 1, (n, 1, 1), device=x.device)
        dx = torch.randint(0, 2 * s + 1, (n, 1, 1), device=x.device)
        rows = dy + torch.arange(h, device=x.device).view(1, h, 1)
        cols = dx + torch.arange(w, device=x.device).view(1, 1, w)
        batch = torch.arange(n, device=x.device).view(n, 1, 1)
        return padded[batch, rows, cols].permute(0, 3, 1, 2)


def _random_flip(x, dim):
    mask = torch.rand(x.shape[0], 1, 1, 1, device=x.device) < 0.5
    return torch.where(mask, x.flip(dim), x)


def _pool(kind, size):
    """A 2x2 pooling layer, shrunk to 1 along axes shorter than 2."""
    kernel = tuple(min(2, s) for s in size)
    layer = nn.MaxPool2d(kernel) if kind == "max" else nn.AvgPool2d(kernel)
    return layer, tuple(conv_output_size(s, k, k, 0) for s, k in zip(size, kernel))


class CNNModule(nn.Module):
    """A small convolutional network returning raw outputs (logits or values).

    Each block is ``Conv2d -> [BatchNorm2d] -> activation -> [2x2 pooling]``;
    pooling shrinks to 1 along axes shorter than 2, so thin images (e.g.
    ``1 x d`` strips) work. The feature maps are then globally pooled or
    flattened and fed to a dense stack and a linear output layer.

    Parameters
    ----------
    image_shape : tuple of int
        ``(C, H, W)``; ``forward`` takes ``x`` of shape ``(n, C, H, W)``.
    conv_channels : sequence of int
        Output channels of each convolutional block.
    kernel_size, stride, padding : tuple of two int
        Convolution geometry, per spatial axis.
    pooling : {None, 'max', 'avg'}
        Pooling after each block.
    global_pooling : {None, 'max', 'avg'}
        Pool each final feature map to a single value instead of flattening.
    hidden_layer_sizes : sequence of int
        Widths of the dense layers after the convolutions.
    n_outputs : int
        Output width; ``forward`` returns shape ``(n, n_outputs)``.
    activation : str
        A key of :data:`skdeep._layers.ACTIVATIONS`.
    dropout : float
        Dropout probability after each dense hidden activation.
    batch_norm : bool
        Batch-normalise convolution outputs and dense pre-activations.
    shift, flip
        Training-time augmentation, see :class:`ImageAugment`.
    """

    def __init__(
        self,
        image_shape,
        conv_channels,
        kernel_size,
        stride,
        padding,
        pooling,
        global_pooling,
        hidden_layer_sizes,
        n_outputs,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
        shift=0,
        flip=None,
    ):
        super().__init__()
        self.augment = ImageAugment(shift, flip)
        channels, size = image_shape[0], tuple(image_shape[1:])
        blocks = []
        for out in conv_channels:
            blocks.append(nn.Conv2d(channels, out, kernel_size, stride, padding))
            size = tuple(
                conv_output_size(s, k, st, p)
                for s, k, st, p in zip(size, kernel_size, stride, padding)
            )
            if min(size) < 1:
                raise ValueError(
                    f"Images of shape {tuple(image_shape)} are too small for "
                    f"conv_channels={tuple(conv_channels)} with kernel_size={kernel_size}, "
                    f"stride={stride} and padding={padding}; use fewer or smaller "
                    "convolutions, or more padding."
                )
            if batch_norm:
                blocks.append(nn.BatchNorm2d(out))
            blocks.append(make_activation(activation))
            if pooling is not None:
                layer, size = _pool(pooling, size)
                blocks.append(layer)
            channels = out
        self.conv = nn.Sequential(*blocks)
        if global_pooling == "max":
            self.global_pool = nn.AdaptiveMaxPool2d(1)
            n_flat = channels
        elif global_pooling == "avg":
            self.global_pool = nn.AdaptiveAvgPool2d(1)
            n_flat = channels
        else:
            self.global_pool = nn.Identity()
            n_flat = channels * size[0] * size[1]
        self.feature_map_shape = (channels,) + size
        self.hidden, width = dense_stack(
            n_flat, hidden_layer_sizes, activation, dropout, batch_norm
        )
        self.output = nn.Linear(width, n_outputs)
        glorot_uniform_(self.output, activation)

    def features(self, x):
        """Activations of the last hidden layer, shape ``(n, width)``."""
        x = self.conv(self.augment(x))
        return self.hidden(torch.flatten(self.global_pool(x), 1))

    def forward(self, x):
        return self.output(self.features(x))
