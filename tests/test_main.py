"""The command line: prog names, plain help without torch, --version, benchmarks."""

import subprocess
import sys
import textwrap

import pytest

import skdeep
from skdeep.__main__ import build_parser, main


def _run(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=True).stdout


def test_help_does_not_import_torch():
    out = _run("""
        import sys
        import skdeep.__main__ as cli
        for argv in (["--help"], ["tour", "--help"], ["bench", "--help"], ["--version"]):
            try:
                cli.main(argv)
            except SystemExit:
                pass
        print("TORCH", "torch" in sys.modules, "SKORCH", "skorch" in sys.modules)
    """)
    assert "tour" in out and "--quick" in out
    assert "TORCH False SKORCH False" in out


def test_python_m_help_is_plain_text_with_its_prog_name():
    result = subprocess.run([sys.executable, "-m", "skdeep", "--help"], capture_output=True,
                            text=True, check=True)
    assert result.stdout.startswith("usage: python -m skdeep")
    assert "``" not in result.stdout and ":class:" not in result.stdout


def test_console_script_prog_name(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/skdeep", "--help"])
    assert build_parser().prog == "skdeep"
    monkeypatch.setattr(sys, "argv", ["/x/skdeep/__main__.py"])
    assert build_parser().prog == "python -m skdeep"


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip().endswith(skdeep.__version__)


def test_unknown_benchmark_lists_the_available_ones():
    with pytest.raises(SystemExit, match="tabular"):
        main(["bench", "no-such-bench"])


def test_unknown_tour_section_names_the_available_ones(capsys):
    with pytest.raises(SystemExit):
        main(["tour", "--only", "no-such-section", "--no-report"])
    err = capsys.readouterr().err
    assert "no-such-section" in err and "digits" in err


def test_missing_optional_dependency_is_one_line_naming_the_extra(monkeypatch, capsys, tmp_path):
    import skdeep.__main__ as cli

    (tmp_path / "bench_needs_pycox.py").write_text(
        "REQUIRES = ('pycox',)\n\ndef main(argv):\n    raise AssertionError('must not run')\n")
    (tmp_path / "bench_imports_torchtuples.py").write_text(
        "def main(argv):\n    import torchtuples\n")
    monkeypatch.setattr(cli, "BENCHMARKS", tmp_path)
    monkeypatch.setitem(sys.modules, "torchtuples", None)  # import fails as if absent
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SystemExit, match=r'needs pycox.*pip install "skdeep\[bench\]"'):
        main(["bench", "needs-pycox"])
    assert "bench needs-pycox" in capsys.readouterr().out  # the header comes first
    with pytest.raises(SystemExit, match=r'needs torchtuples.*skdeep\[bench\]'):
        main(["bench", "imports-torchtuples"])


def test_survival_benchmark_declares_its_extra():
    import runpy

    from skdeep.__main__ import BENCHMARKS, OPTIONAL

    module = runpy.run_path(str(BENCHMARKS / "bench_survival.py"), run_name="probe")
    assert set(module["REQUIRES"]) == {"pycox", "torchtuples"}
    assert all(OPTIONAL[name] == "bench" for name in module["REQUIRES"])
