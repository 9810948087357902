"""Expected failures of scikit-learn's estimator checks shared by every family."""

SGD_SAMPLE_WEIGHT = (
    "mini-batch SGD: weight 2 is not the same as a repeated row "
    "(sklearn's own MLP fails this too)"
)

DENSE_EXPECTED_FAILED = {"check_sample_weight_equivalence_on_dense_data": SGD_SAMPLE_WEIGHT}

SPARSE_EXPECTED_FAILED = {
    **DENSE_EXPECTED_FAILED,
    "check_sample_weight_equivalence_on_sparse_data": SGD_SAMPLE_WEIGHT,
}
