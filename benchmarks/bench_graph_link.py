"""Link prediction on Cora: skdeep's LinkPredictor beside a bare PyG GAE loop.

Protocol of Kipf & Welling (2016), as in PyG's ``examples/autoencoder.py``:
``RandomLinkSplit`` keeps 85% of the (undirected) edges for message passing and
training, 5% for validation and 10% for test, each with as many sampled
non-edges; features are row-normalised; a GCN encoder 32-16, dot-product
decoder, Adam at 0.01 for 400 full-batch epochs with one fresh negative per
training edge each epoch (PyG's example; the paper's 200 epochs used the whole
adjacency matrix as targets, which sampled negatives need longer to match).  Reported: test ROC AUC and average precision, mean +- sd over seeds,
and the fit time of both in the same run (ratio skdeep / bare).  The published
GAE figures are AUC 91.0 and AP 92.0.

Cora is read from ``--data`` (default ``../shared/data/planetoid`` beside the repository), copied
to a temporary folder first.  Run ``python benchmarks/bench_graph_link.py`` or
``python -m skdeep bench graph-link [--seeds 10]``.  :func:`run_link` is the
entry point other scripts (``bench_graph.py``) may call.
"""

import argparse
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

# The project's shared data folder sits beside the repository (../shared).
SHARED_PLANETOID = Path(__file__).resolve().parents[2] / "shared" / "data" / "planetoid"

DEFAULT_DATA = os.environ.get("SKDEEP_PLANETOID", str(SHARED_PLANETOID))
EPOCHS, LR, SIZES = 400, 0.01, (32, 16)


def load_cora(root=DEFAULT_DATA):
    """Cora as a row-normalised ``Data`` (read from a temporary copy of ``root``)."""
    import torch_geometric.transforms as T
    from torch_geometric.datasets import Planetoid

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(Path(root) / "Cora", Path(tmp) / "Cora")
        return Planetoid(tmp, "Cora", transform=T.NormalizeFeatures())[0]


def split(data, seed):
    """85/5/10 ``RandomLinkSplit`` with ``seed``; training negatives left to the model."""
    import torch_geometric.transforms as T

    torch.manual_seed(seed)
    transform = T.RandomLinkSplit(
        num_val=0.05,
        num_test=0.1,
        is_undirected=True,
        add_negative_train_samples=False,
        split_labels=True,
    )
    return transform(data)


def _pairs(d):
    pos, neg = d.pos_edge_label_index, d.neg_edge_label_index
    X = torch.cat([pos, neg], dim=1).t().numpy()
    y = np.r_[np.ones(pos.shape[1]), np.zeros(neg.shape[1])]
    return X, y


def fit_skdeep(train, seed, **params):
    from skdeep.graph import LinkPredictor

    model = LinkPredictor(
        graph=train,
        hidden_layer_sizes=SIZES,
        learning_rate_init=LR,
        max_iter=EPOCHS,
        random_state=seed,
        device="cpu",
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(train.pos_edge_label_index.t().numpy())
    return model.decision_function


def fit_bare(train, seed):
    """PyG's GAE example loop: the floor skdeep is measured against."""
    from torch_geometric.nn import GAE, GCNConv
    from torch_geometric.utils import negative_sampling

    class Encoder(torch.nn.Module):
        def __init__(self, n_in):
            super().__init__()
            self.conv1 = GCNConv(n_in, SIZES[0])
            self.conv2 = GCNConv(SIZES[0], SIZES[1])

        def forward(self, x, edge_index):
            return self.conv2(self.conv1(x, edge_index).relu(), edge_index)

    torch.manual_seed(seed)
    model = GAE(Encoder(train.num_features))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    pos = train.pos_edge_label_index
    for _ in range(EPOCHS):
        model.train()
        opt.zero_grad()
        z = model.encode(train.x, train.edge_index)
        neg = negative_sampling(train.edge_index, train.num_nodes, pos.shape[1])
        loss = model.recon_loss(z, pos, neg)
        loss.backward()
        opt.step()
    model.eval()

    def score(X):
        with torch.no_grad():
            z = model.encode(train.x, train.edge_index)
            e = torch.as_tensor(X).t()
            return (z[e[0]] * z[e[1]]).sum(dim=1).numpy()

    return score


def run_link(seeds=10, data_root=DEFAULT_DATA, contenders=("skdeep", "bare"), **params):
    """Fit each contender on ``seeds`` random link splits; return a dict of results."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    data = load_cora(data_root)
    results = {name: {"auc": [], "ap": [], "time": []} for name in contenders}
    for seed in range(seeds):
        train, _val, test = split(data, seed)
        X_test, y_test = _pairs(test)
        for name in contenders:
            t0 = time.perf_counter()
            scorer = fit_skdeep(train, seed, **params) if name == "skdeep" else fit_bare(train, seed)
            results[name]["time"].append(time.perf_counter() - t0)
            s = scorer(X_test)
            results[name]["auc"].append(roc_auc_score(y_test, s))
            results[name]["ap"].append(average_precision_score(y_test, s))
        line = "  ".join(
            f"{n}: AUC {results[n]['auc'][-1]:.3f} AP {results[n]['ap'][-1]:.3f} "
            f"{results[n]['time'][-1]:.1f}s"
            for n in contenders
        )
        print(f"seed {seed}: {line}", flush=True)
    return results


def report(results):
    for name, r in results.items():
        print(
            f"{name:7s} AUC {np.mean(r['auc']):.3f} +- {np.std(r['auc']):.3f}   "
            f"AP {np.mean(r['ap']):.3f} +- {np.std(r['ap']):.3f}   "
            f"fit {np.median(r['time']):.2f}s (median)"
        )
    if "skdeep" in results and "bare" in results:
        ratio = np.median(np.array(results["skdeep"]["time"]) / np.array(results["bare"]["time"]))
        print(f"fit-time ratio skdeep / bare (median over seeds): {ratio:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--decoder", default="dot", choices=["dot", "mlp"])
    parser.add_argument("--conv", default="gcn", choices=["gcn", "gat", "sage", "gin"])
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), {args.seeds} seeds")
    contenders = ("skdeep", "bare") if (args.decoder, args.conv) == ("dot", "gcn") else ("skdeep",)
    report(
        run_link(
            args.seeds, args.data, contenders, decoder=args.decoder, conv=args.conv
        )
    )


if __name__ == "__main__":
    main()
