"""Command line: the tour and the benchmarks.

Run as ``skdeep`` (the console script) or ``python -m skdeep``.  Nothing heavy
(torch, skorch, the estimators) is imported until a command runs, so ``--help``
and ``--version`` answer at once.
"""

import argparse
import importlib.util
import os
import runpy
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

DESCRIPTION = """\
Deep networks as scikit-learn estimators.

commands:
  tour    cross-validate each family on bundled data beside its classical
          baseline; print the tables and write an HTML report with pictures
  bench   run a benchmark from benchmarks/ (a source checkout)

examples:
  {prog} tour --quick          # about a minute on a laptop CPU
  {prog} tour --device cuda    # on a GPU
  {prog} bench tabular
"""

# The extra (pip install "skdeep[EXTRA]") that provides an optional module.
OPTIONAL = {
    "pycox": "bench", "torchtuples": "bench", "matplotlib": "plot", "dask": "dask",
    "distributed": "dask", "networkx": "test",
}


def _prog():
    """``skdeep`` for the console script, ``python -m skdeep`` otherwise."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python -m skdeep" if name in {"__main__.py", "-m", "-c", ""} else "skdeep"


def _version():
    from . import __version__ as version  # skdeep/__init__ imports the estimators lazily

    return version


def _bench(name, argv, prog):
    script = BENCHMARKS / f"bench_{name.replace('-', '_')}.py"
    if not BENCHMARKS.exists():
        sys.exit("Benchmarks run from a source checkout of skdeep (benchmarks/ not found).")
    if not script.exists():
        available = sorted(p.stem[len("bench_"):] for p in BENCHMARKS.glob("bench_*.py"))
        sys.exit(f"Unknown benchmark {name!r}; available: {', '.join(available)}")
    print(f"{prog} bench {name} ({script.name})", flush=True)
    try:
        module = runpy.run_path(str(script), run_name="skdeep_bench")
        for requirement in module.get("REQUIRES", ()):
            if importlib.util.find_spec(requirement) is None:
                raise ModuleNotFoundError(f"No module named {requirement!r}", name=requirement)
        module["main"](argv)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in OPTIONAL:
            raise
        sys.exit(_missing(f"bench {name}", top))


def _missing(what, module):
    extra = OPTIONAL[module]
    return (f"{what} needs {module}, which is not installed: "
            f'pip install "skdeep[{extra}]" (from a clone: pip install -e ".[{extra}]").')


def build_parser(prog=None):
    """The argument parser (no heavy import)."""
    prog = prog or _prog()
    parser = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION.format(prog=prog),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{tour,bench}")
    tour = sub.add_parser(
        "tour", help="cross-validated tour of every family on bundled data",
        description="Cross-validate each family on bundled data beside its classical "
        "baseline, print the tables with fit times, and write a self-contained HTML "
        "report with pictures (learning curves, a confusion matrix, survival curves).",
    )
    tour.add_argument("--quick", action="store_true",
                      help="3 folds and fewer epochs: under 2 minutes on 2 CPU cores")
    tour.add_argument("--device", default="auto",
                      help="torch device of the skdeep models: cpu, cuda, cuda:N or auto "
                      "(default: auto, the GPU when there is one)")
    tour.add_argument("--output", default="skdeep-tour", metavar="DIR",
                      help="folder of the HTML report (default: ./skdeep-tour)")
    tour.add_argument("--no-report", action="store_true", help="print the tables only")
    tour.add_argument("--only", nargs="+", metavar="SECTION",
                      help="run only these sections (e.g. digits survival)")
    tour.add_argument("--threads", type=int, default=None,
                      help="torch CPU threads (default: torch's choice)")
    bench = sub.add_parser("bench", help="run a benchmark from benchmarks/",
                           description="Run benchmarks/bench_NAME.py from a source checkout.")
    bench.add_argument("name", help="e.g. tabular, survival, survival-cv")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="passed to the benchmark")
    return parser


def main(argv=None):
    """Entry point of ``skdeep`` and ``python -m skdeep``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "tour":
        from ._tour import TourError, run_tour

        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        try:
            run_tour(quick=args.quick, device=args.device,
                     output=None if args.no_report else args.output, only=args.only)
        except ValueError as exc:
            parser.exit(2, f"{parser.prog} tour: error: {exc}\n")
        except TourError as exc:
            parser.exit(1, f"{parser.prog} tour: {exc}\n")
    else:
        _bench(args.name, args.args, parser.prog)


if __name__ == "__main__":
    main()
