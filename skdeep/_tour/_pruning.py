"""Tour section: a dense MLP beside the same MLP pruned by NetworkPruner."""

import pickle

from sklearn.model_selection import StratifiedKFold

from ._core import section

SPARSITY = 0.9


@section("pruning", "Digits: dense MLP beside the same MLP pruned to 90% sparsity",
         "accuracy", requires=("skdeep.pruning",), order=60)
def pruning(ctx):
    from sklearn.datasets import load_digits

    from .. import MLPClassifier
    from ..pruning import NetworkPruner

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    epochs = 30 if ctx.quick else 100
    mlp = MLPClassifier((128,), max_iter=epochs, **ctx.skdeep())
    pruner = NetworkPruner(mlp, sparsity=SPARSITY, n_steps=5 if ctx.quick else 10,
                           fine_tune_epochs=15 if ctx.quick else 40)
    ctx.result.description = (
        f"Digits, {ctx.folds}-fold stratified CV. The same MLP (128 ReLU units, {epochs} "
        f"epochs) dense, and trained then pruned by magnitude to {SPARSITY:.0%} of its "
        "weights on a cubic schedule with fine-tuning between steps (skdeep.pruning."
        "NetworkPruner); the dense network is the baseline."
    )
    cv = StratifiedKFold(ctx.folds, shuffle=True, random_state=0)
    dense, pruned = ctx.cv([
        ("skdeep.pruning.NetworkPruner", pruner, False),
        ("skdeep.MLPClassifier (dense)", mlp, True),
    ], X, y, cv)[::-1]
    fitted = pruned.estimator
    size = len(pickle.dumps(fitted)) / 1024
    dense_size = len(pickle.dumps(dense.estimator)) / 1024
    ctx.note(f"Last fold: {fitted.n_nonzero_:,} non-zero parameters of {fitted.n_params_:,} "
             f"(sparsity {fitted.sparsity_:.2f}); pickled {size:.0f} KiB against "
             f"{dense_size:.0f} KiB dense.")

    def curve(ax):
        from ..plotting import PruningCurveDisplay

        PruningCurveDisplay.from_estimator(fitted, ax=ax, name="magnitude pruning")
        ax.set(title="after each pruning step (last fold)", ylabel="training accuracy")

    ctx.figure("Pruning curve", "Accuracy of the network on its training data after each "
               "pruning and fine-tuning step, against its sparsity; the first point is the "
               "trained dense network. The table has the held-out accuracies.", curve,
               size=(6, 3.8))
