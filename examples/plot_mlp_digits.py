"""
MLP on digits: skdeep beside scikit-learn
=========================================

Fit :class:`skdeep.MLPClassifier` and scikit-learn's MLP with the same
architecture on the digits images, compare their test accuracy and plot the
training loss curves (``loss_curve_``) and skdeep's validation scores.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

params = dict(hidden_layer_sizes=(64,), max_iter=60, random_state=0)
ours = MLPClassifier(**params, dropout=0.1, early_stopping=True, n_iter_no_change=15).fit(X_train, y_train)
theirs = SkMLPClassifier(**params).fit(X_train, y_train)
print(f"skdeep  test accuracy {ours.score(X_test, y_test):.4f} after {ours.n_iter_} epochs")
print(f"sklearn test accuracy {theirs.score(X_test, y_test):.4f} after {theirs.n_iter_} epochs")

fig, (ax_loss, ax_val) = plt.subplots(1, 2, figsize=(9, 3.5))
ax_loss.plot(ours.loss_curve_, label="skdeep (dropout 0.1)")
ax_loss.plot(theirs.loss_curve_, label="scikit-learn")
ax_loss.set(xlabel="epoch", ylabel="training loss", yscale="log")
ax_loss.legend()
ax_val.plot(ours.validation_scores_)
ax_val.axhline(ours.best_validation_score_, ls="--", c="grey")
ax_val.set(xlabel="epoch", ylabel="validation accuracy", title="early stopping keeps the best epoch")
fig.tight_layout()
plt.show()
