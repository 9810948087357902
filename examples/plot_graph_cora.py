"""
Cora: semi-supervised node classification with a GCN
=====================================================

The Cora citation graph (2,708 papers, 5,429 citations, 1,433 bag-of-words
features, 7 topics) with the public Planetoid split: 140 labelled papers for
training, 500 for validation, 1,000 for testing.
:class:`skdeep.graph.GraphNodeClassifier` with its default (published) settings
(200 epochs; then with early stopping on the validation papers, passed as
``X_val`` / ``y_val``) beside :class:`skdeep.MLPClassifier` on the features of
the same 140 papers: the graph carries the labels through the citations.
``conv="gat"`` and ``conv="sage"`` work the same way.

The data are read from ``$SKDEEP_PLANETOID`` (a folder holding ``Cora/raw``,
as :class:`torch_geometric.datasets.Planetoid` lays it out); the example says
so and stops when it is absent.
"""

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPClassifier
from skdeep.graph import GraphNodeClassifier

# The project's shared data folder sits beside the repository (../shared).
SHARED_PLANETOID = Path(__file__).resolve().parents[2] / "shared" / "data" / "planetoid"

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # fixed 200 epochs, as published

# The test suite runs every example with SKDEEP_EXAMPLES_QUICK=1: fewer epochs.
QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"
EPOCHS = 10 if QUICK else 200


def load_cora():
    root = os.environ.get("SKDEEP_PLANETOID", str(SHARED_PLANETOID))
    raw = os.path.join(root, "Cora", "raw")
    if not os.path.isdir(raw):
        return None
    from torch_geometric.datasets import Planetoid

    tmp = tempfile.mkdtemp()  # Planetoid writes processed/ beside raw/
    shutil.copytree(raw, os.path.join(tmp, "Cora", "raw"))
    for dirpath, _, files in os.walk(tmp):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)
    data = Planetoid(tmp, "Cora")[0]
    shutil.rmtree(tmp, ignore_errors=True)
    return data


cora = load_cora()
if cora is None:
    print("Cora not found: set SKDEEP_PLANETOID to a folder holding Cora/raw; skipping.")
else:
    ids = np.arange(cora.num_nodes)
    train, val, test = (ids[m.numpy()] for m in (cora.train_mask, cora.val_mask, cora.test_mask))
    y = cora.y.numpy()

    gcn = GraphNodeClassifier(cora, max_iter=EPOCHS, random_state=0).fit(train, y[train])
    # The published protocol: early stopping on the 500 validation nodes.
    gcn_val = GraphNodeClassifier(cora, early_stopping=True, max_iter=EPOCHS, random_state=0)
    gcn_val.fit(train, y[train], X_val=val, y_val=y[val])
    mlp = MLPClassifier(hidden_layer_sizes=(16,), alpha=1.0, max_iter=EPOCHS, random_state=0)
    mlp.fit(cora.x.numpy()[train], y[train])

    results = {
        "MLP (features only)": mlp.score(cora.x.numpy()[test], y[test]),
        "GCN (defaults)": gcn.score(test, y[test]),
        "GCN (early stopping on val)": gcn_val.score(test, y[test]),
    }
    for name, acc in results.items():
        print(f"{name:30s} test accuracy {acc:.3f}")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
    ax1.barh(list(results), list(results.values()))
    ax1.set(xlim=(0, 1), xlabel="test accuracy")
    ax2.plot(gcn.loss_curve_, label="GCN training loss")
    ax2.plot(gcn_val.validation_scores_, label="GCN validation accuracy")
    ax2.set(xlabel="epoch")
    ax2.legend()
    fig.tight_layout()
    fig.savefig("graph_cora.png", dpi=100)
    print("figure saved to graph_cora.png")
