"""scikit-learn's estimator checks on GraphNodeClassifier with graph=None (a kNN graph over rows)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep.graph import GraphNodeClassifier

NODE_EXPECTED_FAILED = {
    "check_sample_weight_equivalence_on_dense_data": (
        "a repeated row is also an extra node of the kNN graph (and a zero-weight row "
        "still passes messages), so weights cannot equal repeating or removing rows"
    ),
}


def _expected_failed_checks(estimator):
    return NODE_EXPECTED_FAILED


@parametrize_with_checks(
    [GraphNodeClassifier(conv="sage", n_neighbors=5, max_iter=60, random_state=0, device="cpu")],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
