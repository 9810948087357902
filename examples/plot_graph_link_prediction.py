"""
Link prediction: which missing citations exist?
===============================================

Hide 15% of a graph's edges, train :class:`skdeep.graph.LinkPredictor` on the
rest, and ask it to tell the hidden edges from pairs that were never linked.
The graph the estimator holds is built from the *training* edges only: message
passing runs over those, so a hidden edge cannot help predict itself.  ``X``
is an ``(n_pairs, 2)`` array of node ids; fitting on linked pairs only (``y``
omitted) makes the estimator draw fresh unlinked pairs at every epoch, as the
graph auto-encoder of Kipf & Welling (2016) does.

On Cora (read from ``$SKDEEP_PLANETOID`` when present, split 85/5/10 by
:class:`torch_geometric.transforms.RandomLinkSplit`) it is compared with a
classical heuristic, the Adamic-Adar index (shared neighbours, each weighted
by ``1 / log(degree)``).  Without Cora the same runs on a four-community
stochastic block model.
"""

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve
from torch_geometric.data import Data

from skdeep.graph import LinkPredictor

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # a fixed number of epochs

# The project's shared data folder sits beside the repository (../shared).
SHARED_PLANETOID = Path(__file__).resolve().parents[2] / "shared" / "data" / "planetoid"


def load_cora():
    root = os.environ.get("SKDEEP_PLANETOID", str(SHARED_PLANETOID))
    if not os.path.isdir(os.path.join(root, "Cora", "raw")):
        return None
    import torch_geometric.transforms as T
    from torch_geometric.datasets import Planetoid

    tmp = tempfile.mkdtemp()  # Planetoid writes processed/ beside raw/
    shutil.copytree(os.path.join(root, "Cora", "raw"), os.path.join(tmp, "Cora", "raw"))
    for dirpath, _, files in os.walk(tmp):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)
    data = Planetoid(tmp, "Cora", transform=T.NormalizeFeatures())[0]
    shutil.rmtree(tmp, ignore_errors=True)
    return data


def block_model(seed=0):
    """Four communities of 50 nodes, noisy community features."""
    rng = np.random.default_rng(seed)
    block = np.repeat(np.arange(4), 50)
    p = np.where(block[:, None] == block[None, :], 0.2, 0.005)
    src, dst = np.nonzero(np.triu(rng.random((200, 200)) < p, k=1))
    ei = torch.as_tensor(np.vstack([np.r_[src, dst], np.r_[dst, src]]))
    x = np.eye(4)[block] + rng.normal(scale=1.0, size=(200, 4))
    return Data(x=torch.as_tensor(x, dtype=torch.float32), edge_index=ei)


data = load_cora()
name = "Cora"
if data is None:
    print("Cora not found (set SKDEEP_PLANETOID); using a stochastic block model.")
    data, name = block_model(), "block model"

import torch_geometric.transforms as T  # noqa: E402

torch.manual_seed(0)
split = T.RandomLinkSplit(
    num_val=0.05, num_test=0.1, is_undirected=True,
    add_negative_train_samples=False, split_labels=True,
)
train, _, test = split(data)
train_pairs = train.pos_edge_label_index.t().numpy()
test_pairs = torch.cat([test.pos_edge_label_index, test.neg_edge_label_index], 1).t().numpy()
n_pos, n_neg = test.pos_edge_label_index.shape[1], test.neg_edge_label_index.shape[1]
y_test = np.r_[np.ones(n_pos), np.zeros(n_neg)]
print(f"{name}: {train.num_nodes} nodes, {train_pairs.shape[0]} training edges, "
      f"{len(y_test)} test pairs (half of them hidden edges)")

# %%
# The GAE recipe: GCN 32-16, dot-product decoder, full batch, fresh negatives
# each epoch (all defaults).
model = LinkPredictor(graph=train, random_state=0).fit(train_pairs)
scores = model.decision_function(test_pairs)
print(f"LinkPredictor  AUC {roc_auc_score(y_test, scores):.3f}  "
      f"AP {average_precision_score(y_test, scores):.3f}")

# %%
# Adamic-Adar on the training graph, for comparison.
n = train.num_nodes
ei = train.edge_index.numpy()
A = sp.csr_matrix((np.ones(ei.shape[1]), (ei[0], ei[1])), shape=(n, n))
deg = np.asarray(A.sum(axis=1)).ravel()
W = sp.diags(np.where(deg > 1, 1 / np.log(np.maximum(deg, 2)), 0.0))
AW = (A @ W).tocsr()
aa = np.asarray(AW[test_pairs[:, 0]].multiply(A[test_pairs[:, 1]]).sum(axis=1)).ravel()
print(f"Adamic-Adar    AUC {roc_auc_score(y_test, aa):.3f}  "
      f"AP {average_precision_score(y_test, aa):.3f}")

# %%
# ROC curves on the hidden edges against never-linked pairs.
fig, ax = plt.subplots(figsize=(5, 4.5))
for label, s in (("LinkPredictor (GCN + dot)", scores), ("Adamic-Adar", aa)):
    fpr, tpr, _ = roc_curve(y_test, s)
    ax.plot(fpr, tpr, label=f"{label}: AUC {roc_auc_score(y_test, s):.3f}")
ax.plot([0, 1], [0, 1], "k:", lw=1)
ax.set_xlabel("false positive rate")
ax.set_ylabel("true positive rate")
ax.set_title(f"Hidden edges of {name}")
ax.legend(loc="lower right")
fig.tight_layout()
fig.savefig("graph_link_prediction.png", dpi=100)
print("figure saved to graph_link_prediction.png")
