import pytest
from sklearn.datasets import load_digits


@pytest.fixture(scope="session")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype("float32"), y


@pytest.fixture(scope="session")
def split(digits):
    from sklearn.model_selection import train_test_split

    X, y = digits
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="session")
def dense(split):
    """A small fitted MLP shared by the tests (never modified: prefit copies it)."""
    from skdeep import MLPClassifier

    X_train, _, y_train, _ = split
    return MLPClassifier((64, 32), max_iter=60, random_state=0, device="cpu").fit(
        X_train, y_train
    )
