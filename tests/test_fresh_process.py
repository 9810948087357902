"""A first fit in a fresh process prints no warning that is not skdeep's or the user's."""

import subprocess
import sys


def test_first_fit_prints_no_foreign_deprecation_warning():
    code = (
        "import numpy as np\n"
        "from skdeep import MLPClassifier\n"
        "X = np.random.RandomState(0).rand(60, 3); y = np.arange(60) % 2\n"
        "MLPClassifier((4,), max_iter=50, tol=1e9, random_state=0).fit(X, y)\n"
    )
    # -W default shows every DeprecationWarning once, wherever it comes from.
    result = subprocess.run([sys.executable, "-W", "default", "-c", code],
                            capture_output=True, text=True, check=True)
    assert "Warning" not in result.stderr, result.stderr
