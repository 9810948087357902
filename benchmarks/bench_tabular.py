"""Fit time of skdeep's MLP against a bare torch loop, skorch and scikit-learn.

200,000 x 50 synthetic classification data (4 classes), a (128, 128) ReLU MLP,
Adam at 1e-3, 3 epochs, shuffled mini-batches of 128 and 1024, no L2 penalty.
Each contender fits from the same float32 numpy arrays, so moving them to the
device, building the module and the final synchronisation are timed for all:

* ``bare``: a hand-written torch loop over device-resident tensors (same module
  class, optimizer, loss and batches) -- the floor skdeep is measured against;
* ``skdeep``: :class:`skdeep.MLPClassifier`;
* ``skorch``: :class:`skorch.NeuralNetClassifier` with its defaults (DataLoader
  batches, default callbacks) except ``train_split=None``, so that it trains on
  the same rows without a validation pass;
* ``sklearn``: :class:`sklearn.neural_network.MLPClassifier` (CPU only).

The contenders run interleaved, three rounds, and the minimum is reported with
its ratio to ``bare``.

Three more suites measure where scikit-learn users live (``--suite``):

* ``small``: iris (16 hidden units, 200 epochs) and digits (64 units, 50
  epochs), default ``alpha`` and batch size, skdeep against scikit-learn (and
  the bare loop, on one thread) at equal epochs (``n_iter_no_change`` past
  ``max_iter``);
* ``busy``: the digits case while another process spins on one core, with
  torch's default thread count (skdeep's thread budget picks its own);
* ``penalty``: 100,000 x 50, (256, 256), batch 128, 3 epochs, skdeep with the
  default ``alpha=1e-4`` against the bare loop without any penalty.

Run ``python benchmarks/bench_tabular.py [--suite all] [--device cuda]
[--quick]`` or ``python -m skdeep bench tabular``.
"""

import argparse
import multiprocessing
import time
import warnings

import numpy as np
import torch

N_SAMPLES, N_FEATURES, N_CLASSES = 200_000, 50, 4
HIDDEN = (128, 128)
EPOCHS = 3
LR = 1e-3


def make_data(n_samples, seed=0):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n_samples,
        n_features=N_FEATURES,
        n_informative=30,
        n_classes=N_CLASSES,
        random_state=seed,
    )
    return X.astype(np.float32), y.astype(np.int64)


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def fit_bare(X, y, batch_size, device, hidden=None, epochs=None):
    """The reference: a minimal loop over device-resident tensors."""
    from skdeep._layers import MLPModule

    torch.manual_seed(0)
    Xt = torch.from_numpy(np.asarray(X, dtype=np.float32)).to(device)
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64)).to(device)
    module = MLPModule(X.shape[1], hidden or HIDDEN, int(y.max()) + 1).to(device)
    opt = torch.optim.Adam(module.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = Xt.shape[0]
    for _ in range(epochs or EPOCHS):
        perm = torch.randperm(n, device=device)
        total = torch.zeros((), device=device)
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            xb, yb = Xt.index_select(0, idx), yt.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(module(xb), yb)
            loss.backward()
            opt.step()
            total += loss.detach() * xb.shape[0]
        float(total)  # one sync per epoch, as skdeep does to record the loss
    _sync(device)
    return module


def fit_skdeep(X, y, batch_size, device):
    from skdeep import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=LR,
        max_iter=EPOCHS,
        random_state=0,
        device=str(device),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    _sync(device)
    return clf


def fit_skorch(X, y, batch_size, device):
    from skorch import NeuralNetClassifier

    from skdeep._layers import MLPModule

    torch.manual_seed(0)
    net = NeuralNetClassifier(
        MLPModule,
        module__n_features=X.shape[1],
        module__hidden_layer_sizes=HIDDEN,
        module__n_outputs=N_CLASSES,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=LR,
        max_epochs=EPOCHS,
        batch_size=batch_size,
        iterator_train__shuffle=True,
        train_split=None,
        device=str(device),
        verbose=0,
    )
    net.fit(X, y)
    _sync(device)
    return net


def fit_sklearn(X, y, batch_size, device):
    from sklearn.neural_network import MLPClassifier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MLPClassifier(
            hidden_layer_sizes=HIDDEN,
            alpha=0.0,
            batch_size=batch_size,
            learning_rate_init=LR,
            max_iter=EPOCHS,
            random_state=0,
        ).fit(X, y)


CONTENDERS = {
    "bare": fit_bare,
    "skdeep": fit_skdeep,
    "skorch": fit_skorch,
    "sklearn": fit_sklearn,
}


def run(device="cpu", batch_sizes=(128, 1024), rounds=3, n_samples=N_SAMPLES, names=None, verbose=True):
    """Time every contender; return ``{(name, batch_size): min seconds}``."""
    device = torch.device(device)
    names = list(names or CONTENDERS)
    if device.type != "cpu" and "sklearn" in names:
        names.remove("sklearn")
    X, y = make_data(n_samples)
    times = {}
    for batch_size in batch_sizes:
        fit_bare(X[:2048], y[:2048], batch_size, device)  # warm-up (allocator, kernels)
        for _ in range(rounds):
            for name in names:
                start = time.perf_counter()
                CONTENDERS[name](X, y, batch_size, device)
                elapsed = time.perf_counter() - start
                key = (name, batch_size)
                times[key] = min(times.get(key, np.inf), elapsed)
                if verbose:
                    print(f"  {name:<8} batch {batch_size:>5}: {elapsed:8.3f}s", flush=True)
    return times, names


def report(times, names, device):
    dev = torch.device(device)
    where = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "CPU"
    print(
        f"skdeep tabular benchmark: {N_SAMPLES}x{N_FEATURES}, MLP {HIDDEN}, "
        f"{EPOCHS} epochs, Adam; device: {where}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )
    print(f"{'contender':<10}{'batch':>7}{'seconds':>10}{'x bare':>9}")
    for (name, batch_size), seconds in sorted(times.items(), key=lambda kv: (kv[0][1], names.index(kv[0][0]))):
        ratio = seconds / times[("bare", batch_size)]
        print(f"{name:<10}{batch_size:>7}{seconds:>10.3f}{ratio:>9.2f}")


# ---------------------------------------------------------------- small data
SMALL_CASES = {
    # name: (loader, hidden layer, epochs)
    "iris": ("load_iris", (16,), 200),
    "digits": ("load_digits", (64,), 50),
}


def _small_data(name):
    import sklearn.datasets

    loader, hidden, epochs = SMALL_CASES[name]
    X, y = getattr(sklearn.datasets, loader)(return_X_y=True)
    return X, y, hidden, epochs


def _small_params(hidden, epochs):
    # equal epochs: the no-improvement rule never fires before max_iter
    return dict(hidden_layer_sizes=hidden, max_iter=epochs, n_iter_no_change=epochs + 1, random_state=0)


def _small_contenders(X, y, hidden, epochs):
    from sklearn.neural_network import MLPClassifier as SkMLP

    from skdeep import MLPClassifier

    params = _small_params(hidden, epochs)
    batch = min(200, len(X))
    return {
        "bare": lambda: _one_thread(fit_bare, X, y, batch, torch.device("cpu"), hidden, epochs),
        "skdeep": lambda: MLPClassifier(**params, device="cpu").fit(X, y),
        "sklearn": lambda: SkMLP(**params).fit(X, y),
    }


def _one_thread(fn, *args):
    """Run ``fn`` with one torch thread (the bare loop's best setting for small data)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn(*args)
    finally:
        torch.set_num_threads(before)


def _time_interleaved(contenders, rounds):
    times = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fit in contenders.values():
            fit()  # warm-up: imports, allocator, kernels
        for _ in range(rounds):
            for name, fit in contenders.items():
                start = time.perf_counter()
                fit()
                times[name] = min(times.get(name, np.inf), time.perf_counter() - start)
    return times


def _print_small(title, times):
    print(title)
    print(f"  {'contender':<10}{'ms':>9}{'x sklearn':>11}{'x bare':>9}")
    for name, seconds in times.items():
        print(
            f"  {name:<10}{seconds * 1e3:>9.1f}{seconds / times['sklearn']:>11.2f}"
            f"{seconds / times['bare']:>9.2f}"
        )


def run_small(rounds=5):
    """iris and digits beside scikit-learn; returns ``{case: {contender: seconds}}``."""
    results = {}
    for name in SMALL_CASES:
        X, y, hidden, epochs = _small_data(name)
        times = _time_interleaved(_small_contenders(X, y, hidden, epochs), rounds)
        _print_small(f"{name}: {X.shape[0]}x{X.shape[1]}, {hidden} units, {epochs} epochs, "
                     f"torch threads {torch.get_num_threads()}", times)
        results[name] = times
    return results


def _spin(stop):
    while not stop.is_set():
        pass


def run_busy(rounds=5):
    """The digits case while another process keeps one core busy."""
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
    spinner.start()
    try:
        time.sleep(0.5)
        X, y, hidden, epochs = _small_data("digits")
        times = _time_interleaved(_small_contenders(X, y, hidden, epochs), rounds)
    finally:
        stop.set()
        spinner.join(5)
        if spinner.is_alive():
            spinner.terminate()
    _print_small(f"digits while another process spins on one core (torch threads "
                 f"{torch.get_num_threads()} outside fit)", times)
    return times


def run_penalty(rounds=3, n_samples=100_000, device="cpu"):
    """Default ``alpha`` in skdeep against the bare loop without a penalty."""
    from skdeep import MLPClassifier

    global HIDDEN
    device = torch.device(device)
    X, y = make_data(n_samples)
    hidden, HIDDEN = HIDDEN, (256, 256)
    try:
        contenders = {
            "bare": lambda: fit_bare(X, y, 128, device),
            "skdeep": lambda: MLPClassifier(
                hidden_layer_sizes=HIDDEN, batch_size=128, learning_rate_init=LR,
                max_iter=EPOCHS, random_state=0, device=str(device),
            ).fit(X, y),
            "skdeep a=0": lambda: MLPClassifier(
                hidden_layer_sizes=HIDDEN, alpha=0.0, batch_size=128, learning_rate_init=LR,
                max_iter=EPOCHS, random_state=0, device=str(device),
            ).fit(X, y),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            times = {}
            for _ in range(rounds):
                for name, fit in contenders.items():
                    start = time.perf_counter()
                    fit()
                    _sync(device)
                    times[name] = min(times.get(name, np.inf), time.perf_counter() - start)
    finally:
        HIDDEN = hidden
    print(f"penalty: {n_samples}x{N_FEATURES}, MLP (256, 256), batch 128, {EPOCHS} epochs, "
          f"skdeep alpha=1e-4 (and 0) vs the bare loop without penalty")
    print(f"  {'contender':<12}{'seconds':>9}{'x bare':>9}")
    for name, seconds in times.items():
        print(f"  {name:<12}{seconds:>9.3f}{seconds / times['bare']:>9.2f}")
    return times


def main(argv=None):
    global N_SAMPLES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--suite", nargs="*", default=["all"],
        choices=["all", "large", "small", "busy", "penalty"],
        help="which measurements to run (default: all)",
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="20k rows instead of 200k")
    parser.add_argument("--only", nargs="*", choices=list(CONTENDERS))
    parser.add_argument(
        "--threads", type=int, default=None,
        help="torch intra-op threads (default: torch's choice); 1 is steadier on a busy machine",
    )
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.quick:
        N_SAMPLES = 20_000
    suites = {"large", "small", "busy", "penalty"} if "all" in args.suite else set(args.suite)
    cpu = torch.device(args.device).type == "cpu"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; machine: "
          f"{multiprocessing.cpu_count()} cores", flush=True)
    if "small" in suites and cpu:
        run_small(rounds=args.rounds)
    if "busy" in suites and cpu:
        run_busy(rounds=args.rounds)
    if "penalty" in suites:
        run_penalty(rounds=args.rounds, n_samples=N_SAMPLES // 2, device=args.device)
    if "large" in suites:
        times, names = run(args.device, rounds=args.rounds, n_samples=N_SAMPLES, names=args.only)
        report(times, names, args.device)


if __name__ == "__main__":
    main()
