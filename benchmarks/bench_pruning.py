"""Pruning on load_digits: accuracy against sparsity, sizes, speed and cost.

A 64-300-100-10 :class:`skdeep.MLPClassifier` (defaults otherwise) is trained
on each of 5 stratified folds of ``load_digits`` (pixels / 16). On every fold
the same dense network is pruned by each :class:`~skdeep.pruning.NetworkPruner`
method at several sparsities, and by ``torch.nn.utils.prune.global_unstructured``
(L1) with the same cubic schedule, the same 40 fine-tuning epochs at the same
learning rate and the same estimator's ``partial_fit`` -- only the choice of
masks differs. Reported:

1. accuracy (mean of the 5 folds) against sparsity for each method, beside the
   dense model, one-shot pruning without fine-tuning and one-shot global 95%;
2. parameter counts and pickled size of the dense estimator, of pruners at
   sparsity 0 (same storage format) and at the headline sparsities, and of the
   exported (``to_dense``) models;
3. CPU inference time (1 thread, batch 1024, median of repeated forwards) of
   the dense and exported networks, as ratios measured in the same run;
4. the pruner's fit time against training the dense model plus its
   fine-tuning epochs (40 ``partial_fit`` epochs of the dense model), medians
   of interleaved repeats.

Run ``python benchmarks/bench_pruning.py [--folds 5] [--quick] [--out FILE.json]``
or ``python -m skdeep bench pruning``. Timings on a shared machine are noisy:
read the ratios, which come from one run.
"""

import argparse
import copy
import json
import pickle
import time
import warnings

import numpy as np
import torch

HIDDEN = (300, 100)
CURVES = {
    "magnitude": [0.5, 0.8, 0.9, 0.95, 0.98],
    "torch.prune": [0.5, 0.8, 0.9, 0.95, 0.98],
    "admm": [0.8, 0.9, 0.95],
    "proximal": [0.8, 0.9, 0.95],
    "structured": [0.25, 0.5, 0.75],
    "low_rank": [0.5, 0.75],
}


def load():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y


def dense_model(seed=0):
    from skdeep import MLPClassifier

    return MLPClassifier(HIDDEN, random_state=seed, device="cpu")


def torch_prune(dense, X, y, sparsity, n_steps=10, epochs=40, lr_factor=3.0):
    """torch.nn.utils.prune.global_unstructured on the same schedule and fine-tuning."""
    from torch.nn.utils import prune

    from skdeep.pruning._schedule import schedule_targets

    est = copy.deepcopy(dense)
    module = est.net_.module_
    params = [(m, "weight") for m in module.modules() if isinstance(m, torch.nn.Linear)]
    for g in est.net_.optimizer_.param_groups:
        g["lr"] = lr_factor * est.learning_rate_init
    targets = schedule_targets("cubic", sparsity, n_steps)
    base, extra = divmod(epochs, n_steps)
    done = 0.0
    for i, target in enumerate(targets):
        amount = (target - done) / (1.0 - done)
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=amount)
        done = target
        for _ in range(base + (extra if i == len(targets) - 1 else 0)):
            est.partial_fit(X, y)
    for m, name in params:
        prune.remove(m, name)
    return est


def pruner(method, sparsity, **kw):
    from skdeep.pruning import NetworkPruner

    return NetworkPruner(dense_model(), method=method, sparsity=sparsity, **kw)


def curves(X, y, n_folds):
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    scores = {}
    for k, (tr, te) in enumerate(list(folds)[:n_folds]):
        t0 = time.perf_counter()
        dense = dense_model().fit(X[tr], y[tr])
        scores.setdefault(("dense", 0.0), []).append(dense.score(X[te], y[te]))
        for method, levels in CURVES.items():
            for s in levels:
                if method == "torch.prune":
                    est = torch_prune(dense, X[tr], y[tr], s)
                else:
                    est = pruner(method, s, prefit=True).set_params(estimator=dense)
                    est.fit(X[tr], y[tr])
                scores.setdefault((method, s), []).append(est.score(X[te], y[te]))
        for label, kw, s in [
            ("one-shot, no fine-tuning", dict(schedule="one_shot", fine_tune_epochs=0), 0.9),
            ("one-shot global", dict(schedule="one_shot"), 0.9),
            ("one-shot global", dict(schedule="one_shot"), 0.95),
        ]:
            est = pruner("magnitude", s, prefit=True, **kw).set_params(estimator=dense)
            scores.setdefault((label, s), []).append(est.fit(X[tr], y[tr]).score(X[te], y[te]))
        print(f"fold {k + 1}/{n_folds} done in {time.perf_counter() - t0:.0f}s", flush=True)
        report_curves({key: float(np.mean(v)) for key, v in scores.items()})
    return {key: float(np.mean(v)) for key, v in scores.items()}


def sizes_and_speed(X, y, repeats):
    from skdeep.pruning import NetworkPruner

    dense = dense_model().fit(X, y)
    fitted = {
        "sparsity 0 (reference)": NetworkPruner(dense, sparsity=0.0, prefit=True),
        "magnitude 90%": NetworkPruner(dense, sparsity=0.9, prefit=True),
        "structured 50%": NetworkPruner(dense, method="structured", sparsity=0.5, prefit=True),
        "low_rank 50%": NetworkPruner(dense, method="low_rank", sparsity=0.5, prefit=True),
    }
    rows = {"dense estimator": (dense.n_iter_, _n_params(dense), len(pickle.dumps(dense)))}
    exported = {}
    for name, p in fitted.items():
        p.fit(X, y)
        # prefit=True keeps the dense estimator as a parameter; drop it to size the model
        p.estimator = dense_model()
        rows[name] = (p.n_params_, p.n_nonzero_, len(pickle.dumps(p)))
        exported[name] = p.to_dense()
    print("\nParameters and pickled size (bytes)")
    print(f"{'model':<28}{'params':>10}{'nonzero':>10}{'pickle':>10}{'vs dense':>10}")
    dense_size = rows["dense estimator"][2]
    ref_size = rows["sparsity 0 (reference)"][2]
    out = {}
    for name, (a, b, size) in rows.items():
        if name == "dense estimator":
            a, b = _n_params(dense), _n_params(dense)
        print(f"{name:<28}{a:>10}{b:>10}{size:>10}{dense_size / size:>9.1f}x")
        out[name] = {"params": a, "nonzero": b, "pickle_bytes": size}
    print(f"magnitude 90% against the same-format sparsity-0 pickle: "
          f"{ref_size / rows['magnitude 90%'][2]:.1f}x smaller")
    out["sparse_vs_reference"] = ref_size / rows["magnitude 90%"][2]

    torch.set_num_threads(1)
    batch = torch.from_numpy(np.tile(X, (1, 1))[:1024].copy())
    batch = torch.cat([batch] * (1024 // len(batch) + 1))[:1024]
    models = {"dense": dense.net_.module_}
    for name in ("magnitude 90%", "structured 50%", "low_rank 50%"):
        models[name + " (exported)"] = exported[name].net_.module_
    times = {name: [] for name in models}
    with torch.no_grad():
        for m in models.values():
            m.eval()
            m(batch)
        for _ in range(repeats):  # interleaved so load changes hit every model
            for name, m in models.items():
                t = time.perf_counter()
                for _ in range(20):
                    m(batch)
                times[name].append((time.perf_counter() - t) / 20)
    print("\nCPU inference, batch 1024, 1 thread (median ms per forward)")
    base = np.median(times["dense"])
    for name, ts in times.items():
        med = np.median(ts)
        print(f"{name:<32}{1000 * med:>8.3f} ms   {base / med:>5.2f}x dense speed")
        out[f"infer {name}"] = {"ms": 1000 * med, "speedup": base / med}
    return out


def fit_cost(X, y, repeats):
    """Pruner fit against dense training plus its fine-tuning epochs."""
    from skdeep.pruning import NetworkPruner

    t_dense, t_ft, t_pruner = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        dense = dense_model().fit(X, y)
        t_dense.append(time.perf_counter() - t)
        est = copy.deepcopy(dense)
        for g in est.net_.optimizer_.param_groups:
            g["lr"] *= 3.0
        t = time.perf_counter()
        for _ in range(40):
            est.partial_fit(X, y)
        t_ft.append(time.perf_counter() - t)
        t = time.perf_counter()
        NetworkPruner(dense_model(), sparsity=0.9).fit(X, y)
        t_pruner.append(time.perf_counter() - t)
    d, f, p = (float(np.median(v)) for v in (t_dense, t_ft, t_pruner))
    print(f"\nFit cost (median of {repeats}): dense {d:.2f}s + 40 fine-tuning epochs {f:.2f}s "
          f"= {d + f:.2f}s; NetworkPruner(sparsity=0.9).fit {p:.2f}s -> "
          f"{p / (d + f):.2f}x")
    return {"dense_s": d, "fine_tune_s": f, "pruner_s": p, "ratio": p / (d + f)}


def _n_params(est):
    return sum(p.numel() for p in est.net_.module_.parameters())


def report_curves(scores):
    print("\nAccuracy (mean of folds so far) against sparsity; (points vs dense)")
    dense = scores[("dense", 0.0)]
    print(f"{'dense':<26}{dense:.4f}")
    methods = sorted({m for m, _ in scores if m != "dense"}, key=str)
    for m in methods:
        cells = "  ".join(
            f"{s:.2f}: {scores[(m, s)]:.4f} ({100 * (scores[(m, s)] - dense):+.2f})"
            for mm, s in sorted(k for k in scores if k[0] == m)
            if mm == m
        )
        print(f"{m:<26}{cells}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 folds, fewer repeats")
    parser.add_argument("--out", default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=UserWarning)
    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    X, y = load()
    n_folds = 2 if args.quick else args.folds
    t = time.perf_counter()
    scores = curves(X, y, n_folds)
    report_curves(scores)
    result = {"curves": {f"{m}@{s}": v for (m, s), v in scores.items()}}
    result["exports"] = sizes_and_speed(X, y, repeats=5 if args.quick else 15)
    result["fit_cost"] = fit_cost(X, y, repeats=1 if args.quick else 3)
    print(f"\ntotal {time.perf_counter() - t:.0f}s")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
