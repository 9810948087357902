"""GridSearchCV over a skdeep estimator on a Dask cluster (joblib's dask backend)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier

distributed = pytest.importorskip("distributed")


def _search():
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier(learning_rate_init=0.01, max_iter=40, random_state=0, device="cpu"),
    )
    grid = {"mlpclassifier__hidden_layer_sizes": [(2,), (16,)], "mlpclassifier__alpha": [1e-4, 10.0]}
    return GridSearchCV(pipe, grid, cv=3, n_jobs=-1)


def test_grid_search_on_a_local_dask_cluster_matches_the_local_run():
    import joblib

    X, y = load_iris(return_X_y=True)
    local = _search().fit(X, y)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        workers = set(client.scheduler_info()["workers"])
        with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
            remote = _search().fit(X, y)
    # The 4 candidates x 3 folds really ran as tasks on the cluster's workers.
    assert len(stream.data) >= 12
    assert {task["worker"] for task in stream.data} <= set(workers)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
