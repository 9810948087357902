"""
Pruning an MLP on digits: accuracy against sparsity
===================================================

Train one :class:`skdeep.MLPClassifier` on the digits images and prune it with
every :class:`skdeep.pruning.NetworkPruner` method at several sparsities
(``prefit=True`` reuses the trained network). The curves show test accuracy
against the fraction of parameters removed (``1 - n_nonzero_ / n_params_``);
the figure is saved as ``pruning_digits.png``.

Unstructured methods (magnitude, ADMM, proximal) remove far more weights
before the accuracy drops; structured and low-rank pruning remove less but
export a genuinely smaller, faster network (``to_dense()``).
"""

import os

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdeep import MLPClassifier
from skdeep.plotting import PruningCurveDisplay
from skdeep.pruning import NetworkPruner

# The test suite runs every example with SKDEEP_EXAMPLES_QUICK=1: fewer points.
QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"
torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

dense = MLPClassifier((128, 64), max_iter=40 if QUICK else 100, random_state=0)
dense.fit(X_train, y_train)
dense_score = dense.score(X_test, y_test)
print(f"dense: {dense_score:.4f} with {sum(p.numel() for p in dense.net_.module_.parameters())} "
      "parameters")

levels = {
    "magnitude": [0.5, 0.8, 0.9, 0.95],
    "admm": [0.8, 0.95],
    "proximal": [0.8, 0.95],
    "structured": [0.25, 0.5, 0.75],
    "low_rank": [0.5, 0.75, 0.9],
}
if QUICK:
    levels = {method: sparsities[-1:] for method, sparsities in levels.items()}
curves = {}
for method, sparsities in levels.items():
    for sparsity in sparsities:
        pruner = NetworkPruner(dense, method=method, sparsity=sparsity, n_steps=5,
                               fine_tune_epochs=6 if QUICK else 20, prefit=True)
        pruner.fit(X_train, y_train)
        if method == "magnitude":
            last_magnitude = pruner
        removed = 1 - pruner.n_nonzero_ / pruner.n_params_
        score = pruner.score(X_test, y_test)
        curves.setdefault(method, []).append((removed, score))
        print(f"{method:>10} sparsity={sparsity:.2f}: {100 * removed:5.1f}% of parameters "
              f"removed, accuracy {score:.4f}")

fig, (ax, ax_steps) = plt.subplots(1, 2, figsize=(11, 4))
ax.axhline(dense_score, color="k", linestyle="--", linewidth=1, label="dense")
for method, points in curves.items():
    removed, scores = zip(*points)
    ax.plot(removed, scores, marker="o", label=method)
ax.set_xlabel("fraction of parameters removed")
ax.set_ylabel("test accuracy")
ax.set_ylim(max(0.0, min(s for p in curves.values() for _, s in p) - 0.02), 1.0)
ax.set_title("NetworkPruner on digits (MLP 64-128-64-10)")
ax.legend(loc="lower left")

# The schedule of the last magnitude run, step by step: each point is the
# sparsity reached and the training score after that step's fine-tuning.
PruningCurveDisplay.from_estimator(last_magnitude, ax=ax_steps, name="magnitude, cubic",
                                   dense_score=dense.score(X_train, y_train))
ax_steps.set_title("one pruning run, step by step (training data)")
fig.tight_layout()
fig.savefig("pruning_digits.png", dpi=120)
print("figure saved to pruning_digits.png")
