"""Tour sections: tabular data (MLP), images and sequences (CNN, RNN)."""

from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._core import section


@section("digits", "Digits: MLP beside scikit-learn's MLP", "accuracy", order=10)
def digits(ctx):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    from .. import MLPClassifier

    X, y = load_digits(return_X_y=True)
    ctx.result.description = (
        f"1797 8x8 images of digits, 10 classes, {ctx.folds}-fold stratified CV. Both MLPs "
        "have the same settings: one hidden layer of 64 ReLU units, Adam, the same epochs, "
        "standardised inputs."
    )
    params = dict(hidden_layer_sizes=(64,), max_iter=20 if ctx.quick else 60, random_state=0)
    cv = StratifiedKFold(ctx.folds, shuffle=True, random_state=0)
    ours, theirs, _ = ctx.cv([
        ("skdeep.MLPClassifier", make_pipeline(
            StandardScaler(), MLPClassifier(**params, device=ctx.device)), False),
        ("sklearn MLPClassifier", make_pipeline(StandardScaler(), SkMLPClassifier(**params)), True),
        ("sklearn LogisticRegression", make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=500)), True),
    ], X, y, cv, oof=True)

    def curves(ax):
        from ..plotting import TrainingHistoryDisplay

        TrainingHistoryDisplay.from_estimator(ours.estimator, ax=ax, name="skdeep")
        TrainingHistoryDisplay.from_estimator(theirs.estimator, ax=ax, name="scikit-learn")
        ax.set_title("training loss, last fold")

    def confusion(ax):
        from sklearn.metrics import ConfusionMatrixDisplay

        ConfusionMatrixDisplay.from_predictions(y, ours.oof_predictions, ax=ax, colorbar=False)
        ax.set_title("skdeep.MLPClassifier, out-of-fold predictions")

    ctx.figure("Learning curves", "Training loss per epoch of both MLPs on the last fold.",
               curves, size=(5.4, 3.6))
    ctx.figure("Confusion matrix", "Every digit predicted once, by the model that did "
               "not see it in training.", confusion, size=(4.6, 4.2))


@section("diabetes", "Diabetes: MLP regression beside scikit-learn's", "R^2", order=20)
def diabetes(ctx):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import RidgeCV
    from sklearn.neural_network import MLPRegressor as SkMLPRegressor

    from .. import MLPRegressor

    X, y = load_diabetes(return_X_y=True)
    y = y / 100
    ctx.result.description = (
        f"442 patients, disease progression after one year (divided by 100), {ctx.folds}-fold "
        "CV. Both MLPs: 32 ReLU units, Adam, the same epochs, standardised inputs."
    )
    params = dict(hidden_layer_sizes=(32,), max_iter=150 if ctx.quick else 300, random_state=0)
    cv = KFold(ctx.folds, shuffle=True, random_state=0)
    ours, theirs, _ = ctx.cv([
        ("skdeep.MLPRegressor", make_pipeline(
            StandardScaler(), MLPRegressor(**params, device=ctx.device)), False),
        ("sklearn MLPRegressor", make_pipeline(StandardScaler(), SkMLPRegressor(**params)), True),
        ("sklearn RidgeCV", make_pipeline(StandardScaler(), RidgeCV()), True),
    ], X, y, cv)

    def curves(ax):
        from ..plotting import TrainingHistoryDisplay

        TrainingHistoryDisplay.from_estimator(ours.estimator, ax=ax, name="skdeep")
        TrainingHistoryDisplay.from_estimator(theirs.estimator, ax=ax, name="scikit-learn")
        ax.set_title("training loss (half squared error), last fold")

    ctx.figure("Learning curves", "Training loss per epoch of both MLPs on the last fold.",
               curves, size=(5.4, 3.6))


@section("images", "Digits as images and as sequences: CNN and LSTM", "accuracy", order=30)
def images_and_sequences(ctx):
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    from .. import CNNClassifier, RNNClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    images = X.reshape(-1, 8, 8)
    ctx.result.description = (
        f"The same digits read as 8x8 one-channel images (CNN, default settings) and as "
        f"8 steps of 8 pixels (LSTM, default settings), {ctx.folds}-fold stratified CV; "
        "scikit-learn's MLP on the 64 flat pixels is the classical baseline."
    )
    epochs = ctx.epochs(10)
    cv = StratifiedKFold(ctx.folds, shuffle=True, random_state=0)
    cnn, rnn, _ = ctx.cv([
        ("skdeep.CNNClassifier", CNNClassifier(**ctx.skdeep(**epochs)), False, images),
        ("skdeep.RNNClassifier (LSTM)", RNNClassifier(**ctx.skdeep(**epochs)), False, images),
        ("sklearn MLPClassifier (64,)", SkMLPClassifier((64,), max_iter=200, random_state=0),
         True, X),
    ], X, y, cv)

    def curves(ax):
        from ..plotting import TrainingHistoryDisplay

        TrainingHistoryDisplay.from_estimator(cnn.estimator, ax=ax, name="CNN")
        TrainingHistoryDisplay.from_estimator(rnn.estimator, ax=ax, name="LSTM")
        ax.set_title("training loss, last fold")

    ctx.figure("Learning curves", "Training loss per epoch of the CNN and the LSTM.",
               curves, size=(5.4, 3.6))
