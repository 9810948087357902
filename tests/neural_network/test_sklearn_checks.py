"""scikit-learn's estimator checks on MLPClassifier and MLPRegressor."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import MLPClassifier, MLPRegressor

from .._estimator_checks import SPARSE_EXPECTED_FAILED


CLASSIFIER_ONLY = {
    "check_methods_subset_invariance": (
        "float32 inference: predict_proba of a row moves by ~1e-7 with the "
        "batch's row count (BLAS blocking), above the check's float64 rtol"
    ),
}


def _expected_failed_checks(estimator):
    if isinstance(estimator, MLPClassifier):
        return {**SPARSE_EXPECTED_FAILED, **CLASSIFIER_ONLY}
    return SPARSE_EXPECTED_FAILED


@parametrize_with_checks(
    [
        MLPClassifier(hidden_layer_sizes=(20,), max_iter=100, learning_rate_init=0.01,
                      random_state=0, device="cpu"),
        MLPRegressor(hidden_layer_sizes=(20,), max_iter=200, learning_rate_init=0.01,
                     random_state=0, device="cpu"),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
