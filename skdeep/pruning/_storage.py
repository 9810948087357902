"""Sparse storage of unstructured-pruned weights for pickling.

A pruned weight matrix is stored as a bitmap of its mask (one bit per entry,
:func:`numpy.packbits`) and the float32 values of the kept entries: at 90%
sparsity that is ``0.1 * 4 + 1/8 = 0.525`` bytes per entry instead of 4
(a CSR matrix would need at least 8 bytes per kept entry for its int32
column indices and values). The optimizer's per-weight state (Adam's moments,
momentum) is packed with the same mask; its entries for pruned weights are
dropped (those weights are held at zero).
"""

import contextlib

import numpy as np
import torch

__all__ = ["packed_weights", "unpack_weights"]


def _pack(tensor, mask):
    flat = tensor.detach().cpu().reshape(-1)
    return flat[mask.reshape(-1)].numpy().copy()


def _unpack(values, mask, like):
    out = torch.zeros(mask.size, dtype=like.dtype)
    out[torch.from_numpy(mask.reshape(-1))] = torch.from_numpy(values).to(like.dtype)
    return out.view(mask.shape).to(like.device)


@contextlib.contextmanager
def packed_weights(estimator, masks):
    """Inside: the masked weights (and their optimizer state) of ``estimator``
    are emptied, and the yielded dict holds them packed; restored on exit."""
    net = estimator.net_
    params = dict(net.module_.named_parameters())
    state = getattr(net, "optimizer_", None)
    state = state.state if state is not None else {}
    packed, saved = {}, []
    try:
        for name, mask in masks.items():
            p = params[name]
            entry = {
                "shape": tuple(mask.shape),
                "bitmap": np.packbits(mask.reshape(-1)),
                "values": _pack(p, mask),
                "state": {},
            }
            for key, value in state.get(p, {}).items():
                if torch.is_tensor(value) and value.shape == p.shape:
                    entry["state"][key] = _pack(value, mask)
                    saved.append((state[p], key, value))
                    state[p][key] = torch.empty(0, dtype=value.dtype)
            saved.append((p, "data", p.data))
            p.data = torch.empty(0, dtype=p.dtype, device=p.device)
            packed[name] = entry
        yield packed
    finally:
        for owner, key, value in reversed(saved):
            if key == "data":
                owner.data = value
            else:
                owner[key] = value


def unpack_weights(estimator, packed):
    """Refill ``estimator``'s emptied weights from ``packed``; return the masks."""
    net = estimator.net_
    params = dict(net.module_.named_parameters())
    state = getattr(net, "optimizer_", None)
    state = state.state if state is not None else {}
    masks = {}
    for name, entry in packed.items():
        size = int(np.prod(entry["shape"]))
        mask = np.unpackbits(entry["bitmap"], count=size).astype(bool).reshape(entry["shape"])
        p = params[name]
        p.data = _unpack(entry["values"], mask, p)
        for key, values in entry["state"].items():
            state[p][key] = _unpack(values, mask, p)
        masks[name] = mask
    return masks
