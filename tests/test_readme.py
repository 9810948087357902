"""The README's example runs and learns its target."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(capsys):
    code = re.search(r"## Ten lines\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["search"].best_score_ > 0.9
    assert "mlpclassifier__alpha" in capsys.readouterr().out


def test_readme_quickstart_matches_ci():
    readme = README.read_text()
    ci = (README.parent / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci.replace("python -m pip", "pip") in readme
    assert "python -m skdeep tour" in readme
