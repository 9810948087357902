"""Fit time of a float64 model against a float32 one (the ``dtype`` rule).

skdeep computes in the input's float dtype on the CPU, as scikit-learn does, so
float64 data trains a float64 network.  This measures what that costs: a
(256, 256) ReLU :class:`skdeep.MLPClassifier`, Adam, 2 epochs over 20,000 x 50
synthetic rows (4 classes), mini-batches of 128 and 1024, fitted once from
float32 data and once from float64 data.  The two run interleaved, three rounds,
and the minimum of each is reported with the float64 / float32 ratio.

Run ``python benchmarks/bench_dtype.py [--threads N] [--quick]``.
"""

import argparse
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPClassifier


def fit_seconds(X, y, batch_size, epochs):
    clf = MLPClassifier(hidden_layer_sizes=(256, 256), batch_size=batch_size, max_iter=epochs,
                        random_state=0, device="cpu")
    start = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    n = 4_000 if args.quick else 20_000
    X, y = make_classification(n_samples=n, n_features=50, n_informative=30, n_classes=4,
                               random_state=0)
    data = {"float32": X.astype(np.float32), "float64": X.astype(np.float64)}
    print(f"{n} x 50, (256, 256) MLP, Adam, 2 epochs, torch threads={args.threads}")
    for batch_size in (128, 1024):
        best = {k: np.inf for k in data}
        for _ in range(3):
            for name, Xd in data.items():
                best[name] = min(best[name], fit_seconds(Xd, y, batch_size, 2))
        ratio = best["float64"] / best["float32"]
        print(f"batch {batch_size:5d}: float32 {best['float32']:.2f} s, "
              f"float64 {best['float64']:.2f} s, float64/float32 = {ratio:.2f}")


if __name__ == "__main__":
    main()
