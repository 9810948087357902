"""Fit time and quality of skdeep's survival networks beside pycox's.

skdeep's ``DeepSurv``, ``DeepHit`` and ``LogisticHazard`` against pycox's
``CoxPH``, ``DeepHitSingle`` and ``LogisticHazard`` (pycox 0.3, installed for
this benchmark only) on the same simulated data
(:func:`skdeep.datasets.make_survival_data`, proportional hazards, 10
features), fed to both as float32 numpy arrays (never pycox's data loaders):

* the same network: one hidden layer of 64 ReLU units, dropout 0.2, no batch
  normalisation (pycox's ``MLPVanilla``), no output bias for the Cox models;
* Adam at 1e-3, no weight decay, the same epochs and batch size;
* the same time grid for the discrete-time models: 20 points at quantiles of
  the event times; DeepHit with pycox ``alpha=0.5, sigma=0.5``
  (skdeep ``ranking_weight=0.5``).

Fit time covers everything a user waits for: label transforms, training and,
for the Cox models, the Breslow baseline hazard.  It is the minimum of
``--repeats`` runs, the contenders interleaved.  Quality on a held-out test
set: Harrell's C of the negated area under each predicted survival curve over
the evaluation grid (one risk definition for every model) and the integrated
Brier score over 20 quantiles (10%-80%) of the test times.

Run ``python benchmarks/bench_survival.py [--device cuda] [--quick]`` or
``python -m skdeep bench survival``.
"""

import argparse
import time
import warnings

import numpy as np
import torch

HIDDEN = 64
DROPOUT = 0.2
LR = 1e-3
N_DURATIONS = 20
DEEPHIT_RANKING_WEIGHT, DEEPHIT_SIGMA = 0.5, 0.5
# Checked by `python -m skdeep bench survival` before anything runs (the `bench` extra).
REQUIRES = ("pycox", "torchtuples")


def make_data(n_train, n_test=2000, seed=0):
    from sklearn.preprocessing import StandardScaler

    from skdeep.datasets import make_survival_data

    X, y = make_survival_data(n_train + n_test, n_features=10, censoring=0.3, random_state=seed)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


# ---------------------------------------------------------------- skdeep
def _skdeep_model(name, epochs, batch_size, device):
    import skdeep.survival as survival

    common = dict(hidden_layer_sizes=(HIDDEN,), dropout=DROPOUT, alpha=0.0,
                  learning_rate_init=LR, max_iter=epochs, batch_size=batch_size,
                  n_iter_no_change=epochs + 1, random_state=0, device=device)
    if name == "DeepSurv":
        return survival.DeepSurv(**common)
    grid = dict(n_durations=N_DURATIONS, scheme="quantiles", interpolation="step")
    if name == "DeepHit":
        return survival.DeepHit(ranking_weight=DEEPHIT_RANKING_WEIGHT, sigma=DEEPHIT_SIGMA,
                                **grid, **common)
    return survival.LogisticHazard(**grid, **common)


def fit_skdeep(name, data, epochs, batch_size, device):
    X, y = data[0], data[1]
    model = _skdeep_model(name, epochs, batch_size, device)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    _sync(device)
    elapsed = time.perf_counter() - start

    def survival(X_test, times):
        return np.vstack([fn(times) for fn in model.predict_survival_function(X_test)])

    return elapsed, survival


# ---------------------------------------------------------------- pycox
def fit_pycox(name, data, epochs, batch_size, device):
    import torchtuples as tt
    from pycox import models

    X, y = data[0], data[1]
    durations, events = y["time"].astype(np.float32), y["event"].astype(np.float32)
    torch.manual_seed(0)
    np.random.seed(0)
    start = time.perf_counter()
    if name == "DeepSurv":
        net = tt.practical.MLPVanilla(X.shape[1], [HIDDEN], 1, batch_norm=False,
                                      dropout=DROPOUT, output_bias=False)
        model = models.CoxPH(net, tt.optim.Adam(LR), device=device)
        target = (durations, events)
    else:
        cls = models.DeepHitSingle if name == "DeepHit" else models.LogisticHazard
        labtrans = cls.label_transform(N_DURATIONS, scheme="quantiles")
        target = labtrans.fit_transform(durations, events)
        net = tt.practical.MLPVanilla(X.shape[1], [HIDDEN], labtrans.out_features,
                                      batch_norm=False, dropout=DROPOUT)
        kwargs = {"duration_index": labtrans.cuts}
        if name == "DeepHit":
            kwargs.update(alpha=1 - DEEPHIT_RANKING_WEIGHT, sigma=DEEPHIT_SIGMA)
        model = cls(net, tt.optim.Adam(LR), device=device, **kwargs)
    model.fit(X, target, batch_size=batch_size, epochs=epochs, verbose=False)
    if name == "DeepSurv":
        model.compute_baseline_hazards()
    _sync(device)
    elapsed = time.perf_counter() - start

    def survival(X_test, times):
        df = model.predict_surv_df(X_test)
        idx = np.searchsorted(df.index.values, times, side="right") - 1
        values = df.values.T
        return np.where(idx[None, :] >= 0, values[:, np.clip(idx, 0, None)], 1.0)

    return elapsed, survival


CONTENDERS = {"skdeep": fit_skdeep, "pycox": fit_pycox}


def _quality(survival, data, times):
    from sksurv.metrics import concordance_index_censored, integrated_brier_score

    X_test, y_train, y_test = data[2], data[1], data[3]
    surv = survival(X_test, times)
    risk = -surv.sum(axis=1)
    c = concordance_index_censored(y_test["event"], y_test["time"], risk)[0]
    return c, integrated_brier_score(y_train, y_test, surv, times)


def run(n_train=10000, epochs=20, batch_size=256, repeats=3, device="cpu",
        models=("DeepSurv", "DeepHit", "LogisticHazard"), verbose=True):
    """Rows ``(model, library, fit_s, ratio_to_pycox, c_index, ibs)``."""
    data = make_data(n_train)
    times = np.quantile(data[3]["time"], np.linspace(0.1, 0.8, 20))
    rows = []
    for name in models:
        best, quality = {}, {}
        for _ in range(repeats):
            for lib, fit in CONTENDERS.items():
                elapsed, survival = fit(name, data, epochs, batch_size, device)
                best[lib] = min(best.get(lib, np.inf), elapsed)
                quality.setdefault(lib, _quality(survival, data, times))
        for lib in CONTENDERS:
            ratio = best[lib] / best["pycox"]
            rows.append((name, lib, best[lib], ratio, *quality[lib]))
            if verbose:
                print(f"{name:15s} {lib:7s} fit {best[lib]:7.3f}s  x{ratio:5.2f}  "
                      f"C {quality[lib][0]:.3f}  IBS {quality[lib][1]:.4f}", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--quick", action="store_true", help="2,000 samples, 5 epochs, 1 run")
    parser.add_argument("--n-train", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.quick:
        args.n_train, args.epochs, args.repeats = 2000, 5, 1
    if args.device == "cpu":
        torch.set_num_threads(1)
    print(f"{args.n_train} training samples, {args.epochs} epochs, batch {args.batch_size}, "
          f"device {args.device}, torch threads {torch.get_num_threads()}; "
          f"fit time = min of {args.repeats} runs")
    rows = run(args.n_train, args.epochs, args.batch_size, args.repeats, args.device)
    print()
    print(f"{'model':15s} {'library':7s} {'fit_s':>8s} {'ratio':>6s} {'C':>6s} {'IBS':>7s}")
    for name, lib, fit_s, ratio, c, ibs in rows:
        print(f"{name:15s} {lib:7s} {fit_s:8.3f} {ratio:6.2f} {c:6.3f} {ibs:7.4f}")
    return rows


if __name__ == "__main__":
    main()
