"""
MLP on digits: skdeep beside scikit-learn
=========================================

Fit :class:`skdeep.MLPClassifier` and scikit-learn's
:class:`~sklearn.neural_network.MLPClassifier` with exactly the same settings
(one hidden layer of 64 ReLU units, Adam at 1e-3, batches of 200, the same
stopping rule on the training loss) on the digits images, compare their test
accuracy, and plot both training histories with
:class:`skdeep.plotting.TrainingHistoryDisplay`.

Early stopping is left out on purpose: with 1,347 training images its 10%
validation split holds 135, and which 135 decides the stopping epoch more than
the library does (test accuracy then varies by 2-4 points from seed to seed for
both).
"""

import os

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier
from skdeep.plotting import TrainingHistoryDisplay

# The test suite runs every example with SKDEEP_EXAMPLES_QUICK=1: fewer epochs.
QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# The same parameters, with the same names, for both libraries.
params = dict(hidden_layer_sizes=(64,), max_iter=15 if QUICK else 200, random_state=0)
ours = MLPClassifier(**params).fit(X_train, y_train)
theirs = SkMLPClassifier(**params).fit(X_train, y_train)
for name, model in [("skdeep ", ours), ("sklearn", theirs)]:
    print(f"{name} test accuracy {model.score(X_test, y_test):.4f} after {model.n_iter_} epochs")

# %%
# Training histories
# ------------------
# Both stop once the training loss has not improved by ``tol`` for 10 epochs.
fig, ax = plt.subplots(figsize=(7, 4))
TrainingHistoryDisplay.from_estimator(ours, ax=ax, name="skdeep")
TrainingHistoryDisplay.from_estimator(theirs, ax=ax, name="scikit-learn")
ax.set_title("digits: training loss per epoch")
fig.tight_layout()
fig.savefig("mlp_digits.png", dpi=110)
print("figure saved to mlp_digits.png")
