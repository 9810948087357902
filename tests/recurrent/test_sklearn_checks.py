"""scikit-learn's estimator checks on RNNClassifier and RNNRegressor (2-D input)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import RNNClassifier, RNNRegressor


# Default sequence_shape: a row of d features is read as d steps of one feature.
@parametrize_with_checks(
    [
        RNNClassifier(hidden_size=8, max_iter=50, random_state=0, device="cpu"),
        RNNRegressor(hidden_size=8, max_iter=100, random_state=0, device="cpu"),
    ],
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
