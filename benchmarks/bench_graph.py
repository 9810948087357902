"""Node classification: skdeep's GraphNodeClassifier against a bare PyG loop, on Cora and at scale.

Default run (``python -m skdeep bench graph``): full-batch GCN on Cora's public
split (140 labelled nodes), 200 epochs, the published settings (16 hidden units,
dropout 0.5, Adam at 0.01, weight decay 5e-4 on the first layer), fitted by

* ``bare``: a hand-written PyG training loop with the same layers
  (``GCNConv(cached=True)`` x 2), optimizer, epochs and data;
* ``skdeep``: ``GraphNodeClassifier(cora)`` with every parameter at its default.

They run interleaved (``--repeats`` rounds); the minimum fit times and their
ratio are printed, with both test accuracies.

``--accuracy``: test accuracy, mean ± sd over ``--seeds`` seeds, for GCN, GAT
and GraphSAGE with their default (published) settings and the published
protocol: early stopping on the 500 validation nodes, passed as
``fit(..., X_val=val, y_val=y[val])`` with ``early_stopping=True``, best
weights restored (``--no-validation``: a fixed 200 epochs instead).

``--scale``: a generated stochastic block model (edge counts drawn per block
pair, memory linear in the edges) with ``--scale-nodes`` nodes (default 1M,
about 5M undirected edges): mini-batch GraphSAGE with neighbour sampling, and
on a 100k-node version mini-batch beside full-batch; time per epoch, peak
resident memory of the process (each configuration in its own process) and test
accuracy.

Cora is read from ``--data`` (default ``$SKDEEP_PLANETOID`` or
``../shared/data/planetoid`` beside the repository), copied to a temporary folder first.
"""

import argparse
import json
import os
from pathlib import Path
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import torch

# The project's shared data folder sits beside the repository (../shared).
SHARED_PLANETOID = Path(__file__).resolve().parents[2] / "shared" / "data" / "planetoid"

DEFAULT_DATA = os.environ.get("SKDEEP_PLANETOID", str(SHARED_PLANETOID))


# ---------------------------------------------------------------- Cora
def load_cora(root):
    from torch_geometric.datasets import Planetoid

    if not os.path.isdir(os.path.join(root, "Cora", "raw")):
        sys.exit(f"Cora not found under {root!r} (expected {root}/Cora/raw); pass --data.")
    tmp = tempfile.mkdtemp(prefix="skdeep-cora-")
    shutil.copytree(os.path.join(root, "Cora", "raw"), os.path.join(tmp, "Cora", "raw"))
    for dirpath, _, files in os.walk(tmp):
        os.chmod(dirpath, 0o755)
        for f in files:
            os.chmod(os.path.join(dirpath, f), 0o644)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = Planetoid(tmp, "Cora")[0]
    shutil.rmtree(tmp, ignore_errors=True)
    return data


def split_ids(data):
    ids = torch.arange(data.num_nodes)
    return tuple(ids[m].numpy() for m in (data.train_mask, data.val_mask, data.test_mask))


def fit_bare_gcn(data, seed, epochs=200):
    """The reference: PyG's examples/gcn.py loop (cached GCNConv, decay on layer 1)."""
    import torch.nn.functional as F
    from torch_geometric.nn import GCNConv

    start, cpu = time.perf_counter(), time.process_time()
    torch.manual_seed(seed)
    n_classes = int(data.y.max()) + 1
    conv1 = GCNConv(data.num_features, 16, cached=True)
    conv2 = GCNConv(16, n_classes, cached=True)
    opt = torch.optim.Adam(
        [dict(params=conv1.parameters(), weight_decay=5e-4),
         dict(params=conv2.parameters(), weight_decay=0.0)],
        lr=0.01,
    )
    x, ei, y, train = data.x, data.edge_index, data.y, data.train_mask

    def forward(training):
        h = F.dropout(x, 0.5, training)
        h = F.relu(conv1(h, ei))
        h = F.dropout(h, 0.5, training)
        return conv2(h, ei)

    for _ in range(epochs):
        conv1.train(), conv2.train()
        opt.zero_grad()
        F.cross_entropy(forward(True)[train], y[train]).backward()
        opt.step()
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    conv1.eval(), conv2.eval()
    with torch.no_grad():
        pred = forward(False).argmax(1)
    acc = float((pred[data.test_mask] == y[data.test_mask]).float().mean())
    return elapsed, acc


def fit_skdeep(data, seed, validation=False, **params):
    """Fit on the 140 training nodes; ``validation``: early stopping on the 500 val nodes."""
    from skdeep.graph import GraphNodeClassifier

    train, val, test = split_ids(data)
    y = data.y.numpy()
    fit_params = {}
    if validation:
        params["early_stopping"] = True
        fit_params = dict(X_val=val, y_val=y[val])
    clf = GraphNodeClassifier(data, random_state=seed, device="cpu", **params)
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter
        clf.fit(train, y[train], **fit_params)
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    return elapsed, clf.score(test, y[test])


def timing(data, repeats):
    print(f"Full-batch GCN on Cora, 200 epochs, {torch.get_num_threads()} thread(s), "
          f"{repeats} interleaved rounds (min of wall-clock and of process CPU time; on a "
          "shared machine the CPU time is the steadier figure):")
    times = {"bare": [], "skdeep": []}
    cpus = {"bare": [], "skdeep": []}
    accs = {"bare": [], "skdeep": []}
    for r in range(repeats):
        for name, fn in (("bare", fit_bare_gcn), ("skdeep", fit_skdeep)):
            (t, c), a = fn(data, seed=r)
            times[name].append(t)
            cpus[name].append(c)
            accs[name].append(a)
            print(f"  round {r}: {name:7s} {t:7.2f} s wall {c:7.2f} s CPU  test acc {a:.3f}",
                  flush=True)
    bare, ours = min(times["bare"]), min(times["skdeep"])
    bare_cpu, ours_cpu = min(cpus["bare"]), min(cpus["skdeep"])
    print(f"  wall: bare PyG loop {bare:.2f} s, skdeep {ours:.2f} s, ratio {ours / bare:.2f}x")
    print(f"  CPU:  bare PyG loop {bare_cpu:.2f} s, skdeep {ours_cpu:.2f} s, "
          f"ratio {ours_cpu / bare_cpu:.2f}x")
    print(f"  test accuracy: bare {np.mean(accs['bare']):.3f}, skdeep {np.mean(accs['skdeep']):.3f}")


def accuracy_table(data, n_seeds, convs, validation):
    protocol = (
        "early stopping on the 500 validation nodes (X_val/y_val), best weights restored"
        if validation else "fixed 200 epochs, no validation set"
    )
    print(f"Cora public split, test accuracy over {n_seeds} seeds, default settings, {protocol}:")
    for conv in convs:
        accs, start = [], time.perf_counter()
        for seed in range(n_seeds):
            accs.append(fit_skdeep(data, seed, validation=validation, conv=conv)[1])
        print(f"  {conv:5s} {np.mean(accs):.3f} ± {np.std(accs):.3f}  "
              f"(min {min(accs):.3f}, max {max(accs):.3f}; {time.perf_counter() - start:.0f} s)",
              flush=True)


# ---------------------------------------------------------------- scale
def block_model(n_nodes, n_blocks=10, avg_degree=10.4, p_in_share=0.8, n_features=32,
                signal=0.3, seed=0):
    """A stochastic block model drawn per block pair, in memory linear in the edges.

    Each of ``n_blocks`` equal blocks is a class; ``p_in_share`` of the
    ``n_nodes * avg_degree / 2`` expected undirected edges fall inside blocks.
    Edge counts per block pair are Poisson, endpoints uniform inside their
    blocks (rare duplicate edges are kept; self loops dropped). Features are
    ``signal * class_mean + noise``: weakly informative, so the graph matters.
    """
    from torch_geometric.data import Data

    g = torch.Generator().manual_seed(seed)
    sizes = torch.full((n_blocks,), n_nodes // n_blocks, dtype=torch.int64)
    sizes[: n_nodes % n_blocks] += 1
    starts = torch.cumsum(sizes, 0) - sizes
    total = n_nodes * avg_degree / 2
    a, b = torch.triu_indices(n_blocks, n_blocks)
    same = a == b
    weight = torch.where(same, p_in_share / n_blocks,
                         (1 - p_in_share) / (n_blocks * (n_blocks - 1) / 2))
    counts = torch.poisson(weight.double() * total, generator=g).to(torch.int64)
    pa = torch.repeat_interleave(a, counts)
    pb = torch.repeat_interleave(b, counts)
    src = starts[pa] + (torch.rand(pa.numel(), generator=g, dtype=torch.float64)
                        * sizes[pa]).to(torch.int64)
    dst = starts[pb] + (torch.rand(pb.numel(), generator=g, dtype=torch.float64)
                        * sizes[pb]).to(torch.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    edge_index = torch.stack([torch.cat([src, dst]), torch.cat([dst, src])])
    y = torch.repeat_interleave(torch.arange(n_blocks), sizes)
    means = torch.randn(n_blocks, n_features, generator=g)
    x = signal * means[y] + torch.randn(n_nodes, n_features, generator=g)
    return Data(x=x, edge_index=edge_index, y=y, num_nodes=n_nodes)


def scale_worker(spec):
    """One configuration in this process; prints one JSON line."""
    from skdeep.graph import GraphNodeClassifier

    torch.set_num_threads(spec["threads"])
    start = time.perf_counter()
    data = block_model(spec["nodes"], seed=0)
    gen_time = time.perf_counter() - start
    rng = np.random.default_rng(0)
    perm = rng.permutation(spec["nodes"])
    n_train = int(0.1 * spec["nodes"])
    train, test = perm[:n_train], perm[n_train: n_train + 20_000]
    y = data.y.numpy()
    params = dict(conv="sage", max_iter=spec["epochs"], random_state=0, device="cpu")
    if spec["mode"] == "mini-batch":
        params.update(num_neighbors=[10, 5], batch_size=1024)
    clf = GraphNodeClassifier(data, **params)
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(train, y[train])
    fit_time, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    acc = clf.score(test, y[test])
    predict_time = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    print(json.dumps(dict(
        spec, undirected_edges=data.edge_index.shape[1] // 2, generate_s=gen_time,
        epoch_s=fit_time / clf.n_iter_, epoch_cpu_s=fit_cpu / clf.n_iter_, epochs_run=clf.n_iter_, predict_s=predict_time,
        test_accuracy=acc, peak_rss_mib=peak,
    )), flush=True)


def scale(n_nodes, threads, epochs_mini, epochs_full):
    print("Stochastic block model, 10 classes, GraphSAGE (64 hidden), 10% labelled; "
          "mini-batch: batch 1024, num_neighbors=[10, 5]; each row its own process:")
    specs = [
        dict(nodes=100_000, mode="full-batch", epochs=epochs_full),
        dict(nodes=100_000, mode="mini-batch", epochs=epochs_mini),
        dict(nodes=n_nodes, mode="mini-batch", epochs=epochs_mini),
    ]
    for spec in specs:
        spec["threads"] = threads
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH")) if p))
        out = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--scale-worker", json.dumps(spec)],
            capture_output=True, text=True, check=False, env=env,
        )
        if out.returncode:
            print(f"  {spec}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {r['nodes']:>9,d} nodes {r['undirected_edges']:>10,d} edges  {r['mode']:10s} "
              f"{r['epoch_s']:7.2f} s/epoch ({r['epoch_cpu_s']:6.2f} s CPU) x {r['epochs_run']}  "
              f"predict {r['predict_s']:6.1f} s  "
              f"peak RSS {r['peak_rss_mib']:7.0f} MiB  test acc {r['test_accuracy']:.3f}",
              flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder holding Cora/raw")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--accuracy", action="store_true", help="10-seed accuracy table")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--convs", default="gcn,gat,sage")
    parser.add_argument("--no-validation", action="store_true",
                        help="accuracy table without the validation nodes (fixed 200 epochs)")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--normalize-features", action="store_true",
                        help="row-normalise Cora's features (PyG's NormalizeFeatures), as the papers do")
    parser.add_argument("--scale", action="store_true", help="block-model scale run")
    parser.add_argument("--scale-nodes", type=int, default=1_000_000)
    parser.add_argument("--scale-epochs", type=int, default=2)
    parser.add_argument("--full-epochs", type=int, default=100)
    parser.add_argument("--scale-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_worker:
        scale_worker(json.loads(args.scale_worker))
        return
    torch.set_num_threads(args.threads)
    if not args.no_timing or args.accuracy:
        data = load_cora(args.data)
        if args.normalize_features:
            from torch_geometric.transforms import NormalizeFeatures

            data = NormalizeFeatures()(data)
            print("Features row-normalised (NormalizeFeatures).")
    if not args.no_timing:
        timing(data, args.repeats)
    if args.accuracy:
        accuracy_table(data, args.seeds, args.convs.split(","), not args.no_validation)
    if args.scale:
        scale(args.scale_nodes, args.threads, args.scale_epochs, args.full_epochs)


if __name__ == "__main__":
    main()
