"""scikit-learn's estimator checks on CNNClassifier and CNNRegressor (2-D input)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import CNNClassifier, CNNRegressor


# Rows are read as 1 x d strips (image_shape=(1, 1, -1)), so every d the checks use works.
@parametrize_with_checks(
    [
        CNNClassifier(conv_channels=(4,), hidden_layer_sizes=(16,), image_shape=(1, 1, -1),
                      learning_rate_init=0.01, max_iter=50, random_state=0, device="cpu"),
        CNNRegressor(conv_channels=(4,), hidden_layer_sizes=(16,), image_shape=(1, 1, -1),
                     learning_rate_init=0.01, max_iter=100, random_state=0, device="cpu"),
    ],
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
