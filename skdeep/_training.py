"""The fast training path shared by every skdeep estimator.

In-memory data is moved to the training device once, as tensors; each epoch
draws a permutation on that device and slices mini-batches out of the resident
tensors by index.  No ``Dataset``/``DataLoader`` collation happens per batch and
the loss is accumulated on the device, so there is one host synchronisation per
epoch instead of one per batch.

The loop still runs inside a skorch :class:`~skorch.NeuralNet`: the module,
criterion, optimizer, callbacks and history are skorch's, ``on_train_*`` and
``on_epoch_*`` callbacks always fire, and batch-level callbacks fire whenever a
user callback overrides ``on_batch_begin``, ``on_batch_end`` or
``on_grad_computed`` (they then receive the batch, the loss and the predictions,
as in skorch).
"""

import contextlib
import inspect
import os
import warnings

import numpy as np
import scipy.optimize
import scipy.sparse as sp
import torch

with warnings.catch_warnings():
    # skorch imports torch_geometric, whose import calls the deprecated
    # torch.jit.script; that warning is theirs, not the user's business.
    warnings.filterwarnings(
        "ignore", message=r"`torch\.jit\.script` is deprecated", category=DeprecationWarning
    )
    from skorch import NeuralNet
    from skorch.callbacks import Callback, EpochTimer, PrintLog

from ._dense_backprop import has_hooks, plan_for
from ._losses import divide_by_weight, squared_norm

__all__ = [
    "TrainingNet",
    "resolve_device",
    "seeded",
    "as_tensor",
    "check_representable",
    "numpy_dtype",
    "torch_dtype",
    "resolve_dtype",
    "take",
    "batch_bounds",
    "n_rows",
    "DivergenceError",
    "thread_budget",
    "NUM_THREADS_ENV",
]

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


class DivergenceError(ValueError):
    """Raised when the training loss becomes NaN or infinite."""


def resolve_device(device):
    """Turn the ``device`` parameter into a :class:`torch.device`.

    ``"auto"`` picks CUDA when it is available and the CPU otherwise.  Asking for
    CUDA on a machine without it raises a ``ValueError`` instead of failing deep
    inside torch.
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a valid torch device; use 'cpu', 'cuda', "
            "'cuda:N' or 'auto'."
        ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine; use device='cpu' or device='auto'."
        )
    return dev


def resolve_dtype(dtype, X, device):
    """The float dtype a model computes in, as a :class:`torch.dtype`.

    ``dtype`` is the estimator parameter: ``'float32'`` or ``'float64'`` are
    used as given; ``None`` follows scikit-learn on the CPU (the input's float
    dtype: float32 stays float32, float64 and anything converted to float, such
    as integers, is float64) and is float32 on an accelerator, where float64 is
    many times slower on most GPUs (and unsupported on Apple's MPS).
    """
    if dtype is not None:
        return torch_dtype(dtype)
    if device.type != "cpu":
        return torch.float32
    x_dtype = getattr(X, "dtype", None)
    if x_dtype is not None and np.dtype(x_dtype) == np.float32:
        return torch.float32
    return torch.float64


@contextlib.contextmanager
def seeded(seed, device):
    """Run a block with torch's global RNG seeded, restoring the caller's state."""
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


NUM_THREADS_ENV = "SKDEEP_NUM_THREADS"

# Multiply-adds per torch operation that keep one intra-op thread busy enough
# to be worth a second: below this, threads spin-wait for one another (and,
# on a busy machine, for the other work) more than they compute.
_WORK_PER_THREAD = 4_000_000


def _threads_for(work):
    """Intra-op threads for operations of about ``work`` multiply-adds.

    ``SKDEEP_NUM_THREADS`` (a positive integer) overrides the estimate; without
    it the count is ``work / 4e6`` rounded down, at least 1 and at most the
    caller's :func:`torch.get_num_threads`.  ``work=None`` keeps the caller's.
    """
    override = os.environ.get(NUM_THREADS_ENV, "").strip()
    if override:
        try:
            count = int(override)
        except ValueError:
            count = 0
        if count < 1:
            raise ValueError(
                f"{NUM_THREADS_ENV}={override!r} is not a positive integer; set it "
                f"to the number of torch threads skdeep should use, or unset it."
            )
        return count
    current = torch.get_num_threads()
    if work is None:
        return current
    return int(min(current, max(1, work // _WORK_PER_THREAD)))


@contextlib.contextmanager
def thread_budget(work):
    """Run a block with the intra-op threads ``work`` justifies (see :func:`_threads_for`).

    The caller's :func:`torch.get_num_threads` is restored on exit, also when
    the block raises.
    """
    before = torch.get_num_threads()
    wanted = _threads_for(work)
    if wanted != before:
        torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def numpy_dtype(dtype):
    """The numpy float dtype of a torch or numpy float dtype."""
    if isinstance(dtype, torch.dtype):
        return np.dtype(torch.empty((), dtype=dtype).numpy().dtype)
    return np.dtype(dtype)


def torch_dtype(dtype):
    """The torch float dtype of a numpy or torch float dtype (or its name)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return torch.from_numpy(np.empty(0, dtype=np.dtype(dtype))).dtype


def check_representable(arr, dtype, name="X"):
    """Raise if finite values of ``arr`` overflow to infinity in float ``dtype``.

    A float64 value above ``finfo(dtype).max`` (1e39 for a float32 model) would
    silently become ``inf`` and every prediction NaN.  NaN entries are ignored
    (the recurrent models pad variable-length sequences with NaN).
    """
    dtype = numpy_dtype(dtype)
    if arr.dtype.kind != "f" or arr.dtype.itemsize <= dtype.itemsize or arr.size == 0:
        return
    limit = np.finfo(dtype).max
    with np.errstate(invalid="ignore"):
        too_big = np.abs(arr) > limit
    if too_big.any():
        where = tuple(int(i) for i in np.argwhere(too_big)[0])
        if arr.ndim == 1:
            position = f"entry {where[0]}"
        elif arr.ndim == 2:
            position = f"row {where[0]}, feature {where[1]}"
        else:
            position = f"row {where[0]}, position {where[1:]}"
        raise ValueError(
            f"{name} holds {arr[where]:.4g} at {position}, beyond the largest {dtype.name} "
            f"value ({limit:.4g}); the model computes in {dtype.name}, where it would "
            f"become infinite. Scale the data (e.g. with StandardScaler) or use "
            f"dtype='float64'."
        )


def as_tensor(data, device, dtype=torch.float32, name="X"):
    """Copy an array (or a tuple of arrays) to ``device`` without touching it.

    Floating-point arrays are cast to the float ``dtype`` (the model's); a
    value too large for it raises a ``ValueError`` naming ``name`` (see
    :func:`check_representable`).  Integer and boolean arrays keep their dtype
    (class indices, event indicators, sequence lengths).

    Sparse matrices stay on the host as CSR and are densified batch by batch.
    Read-only or non-contiguous arrays are copied; skdeep never writes into the
    tensors it makes here, so a CPU tensor may share memory with ``data``.
    """
    if isinstance(data, tuple):
        return tuple(as_tensor(d, device, dtype, name) for d in data)
    if data is None or isinstance(data, torch.Tensor):
        return data
    np_dtype = numpy_dtype(dtype)
    if sp.issparse(data):
        check_representable(np.asarray(data.data), np_dtype, name)
        return sp.csr_matrix(data, dtype=np_dtype)
    arr = np.asarray(data)
    if arr.dtype.kind in "fc":
        check_representable(arr, np_dtype, name)
        arr = arr.astype(np_dtype, copy=False)
    # (numpy calls a one-row field of a structured array contiguous, but its
    # stride is the record size, which torch refuses)
    odd_strides = any(s % arr.itemsize for s in arr.strides)
    if not arr.flags.writeable or not arr.flags.c_contiguous or odd_strides:
        arr = np.array(arr, order="C", copy=True)
    return torch.from_numpy(arr).to(device)


def n_rows(data):
    """Number of samples in a tensor, sparse matrix or tuple of them."""
    if isinstance(data, tuple):
        return n_rows(data[0])
    return data.shape[0]


def take(data, index, device):
    """Rows ``index`` (a slice or a 1-D index tensor) of ``data`` on ``device``."""
    if data is None:
        return None
    if isinstance(data, tuple):
        return tuple(take(d, index, device) for d in data)
    if sp.issparse(data):
        rows = index if isinstance(index, slice) else index.cpu().numpy()
        return torch.from_numpy(data[rows].toarray()).to(device)
    if isinstance(index, slice):
        return data[index]
    return data.index_select(0, index)


def batch_bounds(n, batch_size, merge_single_tail=False):
    """``(start, stop)`` of each mini-batch of ``n`` rows, in order.

    With ``merge_single_tail`` a last batch of one row is merged into the one
    before (batch normalisation cannot train on a single row), so that batch
    has ``batch_size + 1`` rows.
    """
    bounds = [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]
    if merge_single_tail and len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


def _call(module, xb):
    return module(*xb) if isinstance(xb, tuple) else module(xb)


class TrainingNet(NeuralNet):
    """A skorch ``NeuralNet`` with a device-resident, index-batched epoch.

    skdeep estimators build one inside ``fit`` (it becomes their ``net_``) and
    drive it epoch by epoch with :meth:`run_epoch`; stopping rules, validation
    scores and history attributes are the estimator's business.
    """

    #: Train plain dense networks by hand-written backpropagation
    #: (:mod:`skdeep._dense_backprop`) where it applies; False always uses autograd.
    dense_backprop = True

    def get_default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("print_log", PrintLog(keys_ignored=["batches"])),
        ]

    def uses_batch_callbacks(self):
        """Whether any callback needs to hear about every batch."""
        key = tuple(id(cb) for _, cb in self.callbacks_)
        cached = self.__dict__.get("_batch_hooks_cache")
        if cached is None or cached[0] != key:
            uses = any(
                getattr(type(cb), hook) is not getattr(Callback, hook)
                for _, cb in self.callbacks_
                for hook in _BATCH_HOOKS
            )
            cached = self.__dict__["_batch_hooks_cache"] = (key, uses)
        return cached[1]

    def has_batch_norm(self):
        """Whether the module holds a batch-normalisation layer (looked up once per module)."""
        cached = self.__dict__.get("_batch_norm_cache")
        if cached is None or cached[0] is not self.module_:
            found = any(
                isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in self.module_.modules()
            )
            cached = self.__dict__["_batch_norm_cache"] = (self.module_, found)
        return cached[1]

    def module_dtype(self):
        """The float dtype the module computes in (that of its parameters)."""
        for p in self.module_.parameters():
            if p.is_floating_point():
                return p.dtype
        return torch.float32

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_dense_plan_cache", None)  # rebuilt on use; holds torch ops
        return state

    def dense_plan(self):
        """The :class:`~skdeep._dense_backprop.DenseBackprop` of this module, or None.

        Made again whenever the module, criterion, optimizer or the module's
        parameters change; None while a hook watches the module (the pruner
        keeps its masks with forward pre-hooks, which the fast path would skip).
        """
        if not self.dense_backprop:
            return None
        key = (self.module_, self.criterion_, getattr(self, "optimizer_", None))
        cached = self.__dict__.get("_dense_plan_cache")
        if (
            cached is None
            or any(a is not b for a, b in zip(cached[0], key))
            or (cached[1] is not None and not cached[1].holds_parameters_of(self.module_))
        ):
            plan = None if key[2] is None else plan_for(*key)
            cached = self.__dict__["_dense_plan_cache"] = (key, plan)
        if cached[1] is None or has_hooks(self.module_):
            return None
        return cached[1]

    # ------------------------------------------------------------------ loss
    def weight_parameters(self):
        """Parameters penalised by ``alpha``/``l1``/``max_norm``: the weights.

        Biases and normalisation parameters (1-D tensors) are not penalised, as
        in scikit-learn's MLP.  The list is looked up again whenever the module
        or the optimizer changes (the pruner replaces layers, then rebuilds the
        optimizer).
        """
        key = (self.module_, getattr(self, "optimizer_", None))
        cached = self.__dict__.get("_weights_cache")
        if cached is None or cached[0] is not key[0] or cached[1] is not key[1]:
            weights = [p for p in self.module_.parameters() if p.ndim > 1]
            cached = self.__dict__["_weights_cache"] = (*key, weights)
        return cached[2]

    def batch_loss(self, output, yb, wb, n_batch, l2, l1, weights=None):
        """Criterion plus the L2/L1 penalties scaled as scikit-learn scales them.

        The penalty is divided by the batch's total sample weight, so that
        ``alpha`` means the same as in :class:`sklearn.neural_network.MLPClassifier`.
        A batch whose weights sum to zero carries no penalty (and the criterion
        gives it a zero loss): it contributes no gradient, and no ``0 / 0``.
        ``weights`` is :meth:`weight_parameters`, looked up once by the caller.
        """
        loss = self.criterion_(output, yb, wb)
        if l2 or l1:
            weights = self.weight_parameters() if weights is None else weights
            penalty = 0.0
            if l2:
                penalty = penalty + 0.5 * l2 * sum(w.pow(2).sum() for w in weights)
            if l1:
                penalty = penalty + l1 * sum(w.abs().sum() for w in weights)
            if wb is None:
                loss = loss + penalty / n_batch
            else:
                wsum = wb.sum()
                loss = loss + divide_by_weight(penalty, wsum) * (wsum > 0)
        return loss

    def apply_max_norm(self, max_norm, weights):
        """Rescale every unit's incoming weight vector to norm <= ``max_norm``."""
        with torch.no_grad():
            for w in weights:
                flat = w.view(w.shape[0], -1)
                norms = flat.norm(dim=1, keepdim=True).clamp_min(max_norm)
                flat.mul_(max_norm / norms)

    # ------------------------------------------------------------------ optimizer
    def initialize_optimizer(self, triggered_directly=None):
        """Build the optimizer, with fused (or foreach) kernels where torch has them.

        A ``weight_decay`` given to the optimizer (AdamW's decoupled decay)
        applies to the weights only: they get a parameter group of their own and
        biases and normalisation parameters a second group without decay.  The
        L2 penalty of the other solvers is applied by :meth:`run_epoch`.
        """
        named = list(self.get_all_learnable_params())
        args, kwargs = self.get_params_for_optimizer("optimizer", named)
        groups = list(args[0]) if args else []
        if len(groups) == 1 and isinstance(groups[0], dict) and set(groups[0]) == {"params"}:
            params = list(groups[0]["params"])  # skorch's single default group
            if kwargs.get("weight_decay"):
                weights = [p for p in params if p.ndim > 1]
                others = [p for p in params if p.ndim <= 1]
                groups = [{"params": weights}]
                if others:
                    groups.append({"params": others, "weight_decay": 0.0})
            if _accepts(self.optimizer, "fused") and "fused" not in kwargs:
                kwargs["fused"] = torch.device(self.device).type in ("cpu", "cuda") and all(
                    p.is_floating_point() for p in params
                )
            elif _accepts(self.optimizer, "foreach") and "foreach" not in kwargs:
                kwargs["foreach"] = True
            args = (groups,)
        self.optimizer_ = self.optimizer(*args, **kwargs)
        return self

    # ------------------------------------------------------------------ epochs
    def run_epoch(
        self,
        X,
        y,
        w,
        *,
        batch_size,
        shuffle,
        l2=0.0,
        l1=0.0,
        max_norm=None,
        input_noise=0.0,
        l2_as_decay=True,
    ):
        """Train for one pass over ``(X, y, w)`` and return the mean loss.

        ``X`` and ``y`` are tensors on the net's device (or tuples of them; ``X``
        may be a CSR matrix).  The returned loss is the batch losses averaged
        with the batch sizes as weights, like scikit-learn's ``loss_curve_``,
        penalty included.

        Without sample weights and without ``l1`` the L2 penalty
        ``0.5 * l2 * ||W||^2 / n_batch`` is not added to the graph: its gradient
        ``l2 * W / n_batch`` is added to the weights' gradients in one fused
        (``foreach``) operation before the optimizer steps -- coupled weight
        decay on the weights only, with coefficient ``l2 / n_batch`` for every
        batch (a short tail batch included), which is the same update without a
        penalty pass through autograd.  The penalty's value for the reported loss
        is computed from the weights' norms at each batch's start (one fused
        ``foreach`` norm per batch, summed once per epoch).
        ``l2_as_decay=False`` adds the penalty to every batch's loss instead.
        """
        device = torch.device(self.device)
        n = n_rows(X)
        module, optimizer = self.module_, self.optimizer_
        if not module.training:
            module.train()
        notify = self.uses_batch_callbacks()
        bounds = batch_bounds(n, batch_size, merge_single_tail=self.has_batch_norm())
        # A single batch holding every row needs no shuffling: the loss is a mean.
        perm = torch.randperm(n, device=device) if shuffle and len(bounds) > 1 else None
        plain = not (notify or input_noise or l1 or max_norm is not None)
        fast = self.dense_plan() if plain and (l2_as_decay or not l2) else None
        if fast is not None:
            fast.begin_epoch()
        weights = self.weight_parameters() if (l2 or l1 or max_norm is not None) else None
        as_decay = fast is None and l2_as_decay and bool(l2) and w is None and not l1
        penalty = 0.0
        norms = []  # the weights' norms at each batch's start, for the reported loss
        l2_graph = 0.0 if as_decay else l2
        whole = len(bounds) == 1 and isinstance(X, torch.Tensor)
        losses = []
        for start, stop in bounds:
            m = stop - start
            if whole:
                xb, yb, wb = X, y, w
            else:
                index = slice(start, stop) if perm is None else perm[start:stop]
                xb, yb = take(X, index, device), take(y, index, device)
                wb = take(w, index, device)
            if fast is not None:  # hand-written backpropagation, penalty included
                losses.append(fast.batch(xb, yb, wb, m, l2))
                continue
            if notify:
                self.notify("on_batch_begin", batch=(xb, yb), training=True)
            if input_noise:
                xb = _add_noise(xb, input_noise)
            if as_decay:
                with torch.no_grad():  # for the reported loss only, no graph
                    norms.extend(torch._foreach_norm(weights))
            optimizer.zero_grad(set_to_none=True)
            output = _call(module, xb)
            if l2_graph or l1:
                loss = self.batch_loss(output, yb, wb, m, l2_graph, l1, weights)
            else:
                loss = self.criterion_(output, yb, wb)
            loss.backward()
            if notify:
                self.notify(
                    "on_grad_computed",
                    named_parameters=list(module.named_parameters()),
                    batch=(xb, yb),
                    training=True,
                )
            if as_decay:
                _decay_gradients(weights, l2 / m)
            optimizer.step()
            if max_norm is not None:
                self.apply_max_norm(max_norm, weights)
            losses.append(loss.detach())
            if notify:
                if as_decay:
                    penalty = 0.5 * l2 * float(squared_norm(norms[-len(weights) :])) / m
                self.history.record_batch("train_loss", loss.item() + penalty)
                self.history.record_batch("train_batch_size", m)
                self.notify(
                    "on_batch_end",
                    batch=(xb, yb),
                    training=True,
                    loss=loss,
                    y_pred=output,
                )
        if len(losses) == 1:
            mean = losses[0]
        else:
            sizes = torch.tensor([b - a for a, b in bounds], dtype=losses[0].dtype, device=device)
            mean = torch.stack(losses).dot(sizes) / n
        if as_decay:
            # each batch adds m * 0.5 * l2 * ||W||^2 / m to the size-weighted sum
            mean = mean + (0.5 * l2 / n) * squared_norm(norms)
        return float(mean.detach())  # the epoch's one host synchronisation

    @torch.no_grad()
    def forward_raw(self, X, batch_size=4096, to_cpu=True):
        """Module outputs for every row of ``X`` in evaluation mode.

        ``X`` is an array, sparse matrix or tensor (or a tuple of them); the
        result is a tensor on the CPU (``to_cpu``) or on the net's device.
        """
        device = torch.device(self.device)
        dtype = self.module_dtype()
        self.module_.eval()
        n = n_rows(X)
        outs = []
        for start in range(0, n, batch_size):
            index = slice(start, min(start + batch_size, n))
            xb = as_tensor(_rows(X, index), device, dtype)
            outs.append(_call(self.module_, take(xb, slice(None), device)))
        out = torch.cat(outs) if outs else torch.empty(0, dtype=dtype)
        return out.cpu() if to_cpu else out

    # ------------------------------------------------------------------ lbfgs
    def fit_lbfgs(self, X, y, w, *, l2, l1, max_iter, max_fun, tol, verbose):
        """Full-batch L-BFGS-B over the flattened parameters, as scikit-learn does.

        The loss and gradient come from torch, computed in float64 whatever the
        module's dtype (a float32 module is cast for the search and back after):
        scipy's ``L-BFGS-B`` works in float64, and float32 losses end its line
        searches early.  scipy drives the search with ``maxiter=max_iter``,
        ``maxfun=max_fun`` and ``gtol=tol``.  Returns scipy's ``OptimizeResult``.
        """
        module = self.module_
        dtype = self.module_dtype()
        module.to(torch.float64)
        try:
            result = self._run_lbfgs(X, y, w, l2, l1, max_iter, max_fun, tol, verbose)
        finally:
            module.to(dtype)
        return result

    def _run_lbfgs(self, X, y, w, l2, l1, max_iter, max_fun, tol, verbose):
        module = self.module_
        module.train()
        params = [p for p in module.parameters() if p.requires_grad]
        n = n_rows(X)
        device = torch.device(self.device)
        xb = _as_float64(take(X, slice(None), device))
        y, w = _as_float64(y), _as_float64(w)

        def set_flat(vec):
            t = torch.as_tensor(vec, dtype=torch.float64, device=device)
            torch.nn.utils.vector_to_parameters(t, params)

        def loss_grad(vec):
            set_flat(vec)
            for p in params:
                p.grad = None
            loss = self.batch_loss(_call(module, xb), y, w, n, l2, l1)
            loss.backward()
            grad = torch.cat([p.grad.reshape(-1) for p in params])
            return float(loss.detach()), grad.detach().cpu().double().numpy()

        x0 = torch.nn.utils.parameters_to_vector(params).detach().cpu().double()
        options = {"maxfun": max_fun, "maxiter": max_iter, "gtol": tol}
        if verbose:
            options["disp"] = True
        result = scipy.optimize.minimize(
            loss_grad, x0.numpy(), method="L-BFGS-B", jac=True, options=options
        )
        set_flat(result.x)
        return result


def _as_float64(data):
    """Float tensors (or tuples of them) as float64; others unchanged."""
    if isinstance(data, tuple):
        return tuple(_as_float64(d) for d in data)
    if isinstance(data, torch.Tensor) and data.is_floating_point():
        return data.double()
    return data


def _decay_gradients(weights, coef):
    """``grad += coef * weight`` for every weight, in one ``foreach`` call."""
    pairs = [(p.grad, p) for p in weights if p.grad is not None]
    if pairs:
        grads, params = zip(*pairs)
        torch._foreach_add_(list(grads), list(params), alpha=coef)


def _accepts(cls, name):
    try:
        return name in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False


def _rows(X, index):
    if isinstance(X, tuple):
        return tuple(_rows(x, index) for x in X)
    return X[index]


def _add_noise(xb, std):
    if isinstance(xb, tuple):
        return (xb[0] + std * torch.randn_like(xb[0]),) + xb[1:]
    return xb + std * torch.randn_like(xb)
