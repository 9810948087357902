"""The thread budget: small models train on the threads they justify, the caller's count comes back."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from skdeep import MLPClassifier
from skdeep._training import NUM_THREADS_ENV, thread_budget


class RecordThreads(Callback):
    def __init__(self, fail_at=None):
        self.fail_at = fail_at

    def initialize(self):
        self.seen = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.seen.append(torch.get_num_threads())
        if self.fail_at == len(net.history):
            raise RuntimeError("callback failed on purpose")


@pytest.fixture
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    return X, (X[:, 0] > 0).astype(int)


def _fit(data, **params):
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0, device="cpu", **params)
    with pytest.warns(Warning):  # max_iter reached
        clf.fit(*data)
    return clf


def test_small_model_trains_on_one_thread_and_restores_the_callers_count(data, two_threads, monkeypatch):
    monkeypatch.delenv(NUM_THREADS_ENV, raising=False)
    clf = _fit(data, callbacks=[RecordThreads()])
    assert dict(clf.net_.callbacks_)["RecordThreads"].seen == [1, 1, 1]
    assert torch.get_num_threads() == 2
    clf.predict(data[0])
    assert torch.get_num_threads() == 2


def test_callers_count_is_restored_when_fit_raises(data, two_threads, monkeypatch):
    monkeypatch.delenv(NUM_THREADS_ENV, raising=False)
    clf = MLPClassifier(max_iter=3, device="cpu", callbacks=[RecordThreads(fail_at=2)])
    with pytest.raises(RuntimeError, match="on purpose"):
        clf.fit(*data)
    assert torch.get_num_threads() == 2


def test_environment_variable_overrides_the_estimate(data, monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.setenv(NUM_THREADS_ENV, "2")
    clf = _fit(data, callbacks=[RecordThreads()])
    assert dict(clf.net_.callbacks_)["RecordThreads"].seen == [2, 2, 2]
    assert torch.get_num_threads() == before


def test_bad_environment_variable_is_refused(data, monkeypatch):
    monkeypatch.setenv(NUM_THREADS_ENV, "many")
    with pytest.raises(ValueError, match="SKDEEP_NUM_THREADS='many' is not a positive integer"):
        MLPClassifier(max_iter=2, device="cpu").fit(*data)


def test_budget_grows_with_the_work_up_to_the_callers_count(two_threads, monkeypatch):
    monkeypatch.delenv(NUM_THREADS_ENV, raising=False)
    with thread_budget(10_000) as small:
        assert torch.get_num_threads() == small == 1
    with thread_budget(10**9) as large:
        assert torch.get_num_threads() == large == 2  # never more than the caller's
    with thread_budget(None) as unknown:
        assert unknown == 2
    assert torch.get_num_threads() == 2
