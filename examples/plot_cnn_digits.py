"""
CNN on digits: convolutions beside a dense network
==================================================

Read the 8x8 digits as images with :class:`skdeep.CNNClassifier` (default
settings), compare it with :class:`skdeep.MLPClassifier` on the same split,
show a few test images the CNN gets wrong, and train once more with random
shifts as augmentation (applied in the training forward pass only).
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdeep import CNNClassifier, MLPClassifier

# The test suite runs every example with SKDEEP_EXAMPLES_QUICK=1: fewer epochs.
QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"
epochs = {"max_iter": 5} if QUICK else {}

X, y = load_digits(return_X_y=True)
X = X / 16.0
images = X.reshape(-1, 8, 8)  # (n, H, W): one channel
idx_train, idx_test = train_test_split(np.arange(len(y)), stratify=y, random_state=0)

cnn = CNNClassifier(random_state=0, **epochs).fit(images[idx_train], y[idx_train])
shifted = CNNClassifier(random_shift=1, random_state=0, **epochs).fit(images[idx_train], y[idx_train])
mlp = MLPClassifier(random_state=0, **epochs).fit(X[idx_train], y[idx_train])
for name, model, data in [
    ("CNN (defaults)", cnn, images),
    ("CNN + random shifts", shifted, images),
    ("MLP (defaults)", mlp, X),
]:
    print(f"{name:22s} test accuracy {model.score(data[idx_test], y[idx_test]):.4f} "
          f"after {model.n_iter_} epochs")

# %%
# The CNN also accepts the flat rows directly: ``image_shape='auto'`` reads the
# 64 features as one 8x8 channel.
print("same predictions from flat rows:",
      np.array_equal(cnn.predict(X[idx_test]), cnn.predict(images[idx_test])))

# %%
# Loss curves and the test images the default CNN misclassifies.
pred = cnn.predict(images[idx_test])
wrong = idx_test[pred != y[idx_test]][:6]
fig = plt.figure(figsize=(10, 3.5))
grid = fig.add_gridspec(2, 6)
ax = fig.add_subplot(grid[:, :3])
ax.plot(cnn.loss_curve_, label="CNN")
ax.plot(shifted.loss_curve_, label="CNN + shifts")
ax.plot(mlp.loss_curve_, label="MLP")
ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
ax.legend()
for k, i in enumerate(wrong):
    ax = fig.add_subplot(grid[k // 3, 3 + k % 3])
    ax.imshow(images[i], cmap="gray_r")
    ax.set_title(f"true {y[i]}, CNN {cnn.predict(images[i:i + 1])[0]}", fontsize=9)
    ax.set_axis_off()
fig.tight_layout()
fig.savefig("cnn_digits.png", dpi=110)
print("figure saved to cnn_digits.png")
