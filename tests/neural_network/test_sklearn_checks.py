"""scikit-learn's estimator checks on MLPClassifier and MLPRegressor."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import MLPClassifier, MLPRegressor


@parametrize_with_checks(
    [
        MLPClassifier(hidden_layer_sizes=(20,), max_iter=100, learning_rate_init=0.01,
                      random_state=0, device="cpu"),
        MLPRegressor(hidden_layer_sizes=(20,), max_iter=200, learning_rate_init=0.01,
                     random_state=0, device="cpu"),
    ],
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
