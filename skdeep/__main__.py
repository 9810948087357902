"""Command line: ``python -m skdeep tour`` and ``python -m skdeep bench NAME``."""

import argparse
import runpy
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _bench(name, argv):
    script = BENCHMARKS / f"bench_{name.replace('-', '_')}.py"
    if not script.exists():
        available = sorted(p.stem[len("bench_"):] for p in BENCHMARKS.glob("bench_*.py"))
        if not BENCHMARKS.exists():
            sys.exit("Benchmarks run from a source checkout of skdeep (benchmarks/ not found).")
        sys.exit(f"Unknown benchmark {name!r}; available: {', '.join(available)}")
    module = runpy.run_path(str(script), run_name="skdeep_bench")
    module["main"](argv)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skdeep", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    tour = sub.add_parser("tour", help="cross-validated tour of the estimators on bundled data")
    tour.add_argument("--quick", action="store_true", help="fewer folds and epochs")
    bench = sub.add_parser("bench", help="run a benchmark from benchmarks/")
    bench.add_argument("name", help="e.g. tabular, survival")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="passed to the benchmark")
    args = parser.parse_args(argv)
    if args.command == "tour":
        from ._tour import run_tour

        run_tour(quick=args.quick)
    else:
        _bench(args.name, args.args)


if __name__ == "__main__":
    main()
