"""
Recurrent networks: long-range memory and variable-length sequences
====================================================================

Two uses of :class:`skdeep.RNNRegressor` / :class:`skdeep.RNNClassifier`:

1. The *adding problem* (:func:`skdeep.datasets.make_adding_problem`): the
   target is the sum of two values marked somewhere in a sequence of 50 steps.
   An LSTM and a GRU remember the first marked value; a plain RNN and a dense
   network on the flattened sequence do no better than predicting the mean.
2. Sequences of different lengths, passed as a plain list of ``(T_i, F)``
   arrays: the estimator pads and packs them, so each sequence is read to its
   own end.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

from skdeep import MLPRegressor, RNNClassifier, RNNRegressor
from skdeep.datasets import make_adding_problem

# The test suite runs every example with SKDEEP_EXAMPLES_QUICK=1: fewer epochs.
QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"
epochs = {"max_iter": 3} if QUICK else {}

# %%
# The adding problem, T = 50
# --------------------------
X, y = make_adding_problem(n_samples=2500, sequence_length=50, random_state=0)
X_train, X_test, y_train, y_test = X[:2000], X[2000:], y[:2000], y[2000:]
print(f"predicting the mean: test MSE {np.mean((y_test - y_train.mean()) ** 2):.4f}")

models = {
    cell: RNNRegressor(cell=cell, hidden_size=32, random_state=0, **{"max_iter": 25, **epochs})
    for cell in ("lstm", "gru", "rnn")
}
for model in models.values():
    model.fit(X_train, y_train)
mlp = MLPRegressor(random_state=0, **epochs).fit(X_train.reshape(2000, -1), y_train)
for name, model in models.items():
    mse = np.mean((model.predict(X_test) - y_test) ** 2)
    print(f"{name.upper():4s} test MSE {mse:.4f}  R^2 {model.score(X_test, y_test):.3f}")
mse = np.mean((mlp.predict(X_test.reshape(500, -1)) - y_test) ** 2)
print(f"MLP  test MSE {mse:.4f}  R^2 {mlp.score(X_test.reshape(500, -1), y_test):.3f}")

# %%
# Variable-length sequences
# -------------------------
# Noisy sine waves of 10 to 60 steps; the label says whether the frequency is
# high or low. The list goes straight into ``fit``.
rng = np.random.RandomState(0)


def waves(n):
    lengths = rng.randint(10, 61, size=n)
    labels = rng.randint(0, 2, size=n)
    seqs = [
        np.sin((0.2 + 0.1 * c) * np.arange(t) + rng.uniform(0, 2 * np.pi))[:, None]
        + 0.8 * rng.normal(size=(t, 1))
        for t, c in zip(lengths, labels)
    ]
    return seqs, labels


seqs_train, labels_train = waves(400)
seqs_test, labels_test = waves(200)
clf = RNNClassifier(cell="gru", hidden_size=16, random_state=0, **epochs).fit(seqs_train, labels_train)
print(f"wave frequency, GRU on variable-length lists: test accuracy "
      f"{clf.score(seqs_test, labels_test):.3f} (fitted on sequence_shape_={clf.sequence_shape_})")

# %%
# Training curves of the three cells, and two of the waves.
fig, (ax_loss, ax_wave) = plt.subplots(1, 2, figsize=(10, 3.5))
for name, model in models.items():
    ax_loss.plot(model.loss_curve_, label=name.upper())
ax_loss.axhline(0.5 * np.var(y_train), ls="--", c="grey", label="mean predictor")
ax_loss.set(xlabel="epoch", ylabel="training loss (half MSE)", yscale="log",
            title="adding problem, T = 50")
ax_loss.legend()
for i in range(2):
    ax_wave.plot(seqs_test[i][:, 0], label=f"class {labels_test[i]}, {len(seqs_test[i])} steps")
ax_wave.set(xlabel="step", title="variable-length inputs")
ax_wave.legend()
fig.tight_layout()
fig.savefig("lstm_sequences.png", dpi=110)
print("figure saved to lstm_sequences.png")
