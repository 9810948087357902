"""The tour: each family cross-validated on bundled data beside its classical baseline.

``python -m skdeep tour`` runs every registered family section (see
:mod:`skdeep._tour._core`), prints each section's table as it finishes, with
progress per family and per fold, and writes a self-contained HTML report with
pictures (``index.html``) and the table as ``results.csv``.

Adding a family: write ``skdeep/_tour/_<family>.py`` with one function decorated
with ``@section(...)`` and add its module name to ``SECTION_MODULES``.
"""

import importlib
import sys
import time
import traceback

from ._core import REGISTRY, SectionResult, TourContext, section
from ._progress import Progress
from ._report import format_table, write_report

__all__ = ["run_tour", "section", "SECTION_MODULES", "TourError"]

SECTION_MODULES = ["_tabular", "_survival", "_graph", "_pruning"]


def sections(only=None):
    """The registered sections in tour order (importing their modules first)."""
    for name in SECTION_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    found = sorted(REGISTRY.values(), key=lambda s: s.order)
    if only:
        unknown = set(only) - {s.key for s in found}
        if unknown:
            raise ValueError(
                f"Unknown tour section(s) {sorted(unknown)}; available: "
                f"{', '.join(s.key for s in found)}."
            )
        found = [s for s in found if s.key in only]
    return found


def run_tour(quick=False, device="auto", output="skdeep-tour", only=None, stream=None,
             bars=None):
    """Run the tour, print its tables and write the HTML report.

    Parameters
    ----------
    quick : bool, default=False
        3 folds and fewer epochs (under 2 minutes on 2 CPU cores) instead of 5.
    device : str, default="auto"
        Device of every skdeep estimator (``"cpu"``, ``"cuda"``, ``"auto"``).
    output : str or path or None, default="skdeep-tour"
        Folder of the report (``index.html``, ``results.csv``); None writes none.
    only : list of str, default=None
        Keys of the sections to run (all when None).
    stream : file-like, default=None
        Where the tables and progress go (standard output when None).
    bars : bool, default=None
        Progress bars (True), plain lines (False), or bars only on a terminal.

    Returns
    -------
    results : list of SectionResult
    """
    import torch

    import skdeep

    from .._training import resolve_device

    stream = stream or sys.stdout
    resolved = resolve_device(device)
    where = str(resolved)
    if resolved.type == "cuda":
        where += f" ({torch.cuda.get_device_name(resolved)})"
    header = (f"skdeep {skdeep.__version__} tour - torch {torch.__version__} on {where}, "
              f"{torch.get_num_threads()} torch threads")
    settings = f"{'quick' if quick else 'full'} tour, {time.strftime('%Y-%m-%d %H:%M')}"
    print(header, file=stream, flush=True)
    chosen = sections(only)
    runnable = [s for s in chosen if not s.missing()]
    progress = Progress(len(runnable), stream=stream, bars=bars)
    ctx = TourContext(quick, str(resolved), progress)
    if not ctx.plots and output is not None:
        progress.write('matplotlib is not installed: the report will have tables but no '
                       'pictures (pip install "skdeep[plot]").')
    results, failed = [], []
    start = time.perf_counter()
    try:
        for sec in chosen:
            missing = sec.missing()
            if missing:
                progress.write(f"\n{sec.title}: skipped, needs {', '.join(missing)}")
                continue
            ctx.result = SectionResult(sec.key, sec.title, sec.metric)
            started = time.perf_counter()
            try:
                sec.run(ctx)
            except Exception as exc:  # one broken family must not hide the others
                progress.end_section()
                traceback.print_exc(file=sys.stderr)
                progress.write(f"\n{sec.title}: FAILED ({type(exc).__name__}: {exc})")
                failed.append(sec.key)
                continue
            ctx.result.seconds = time.perf_counter() - started
            progress.end_section()
            progress.write("\n" + format_table(ctx.result))
            results.append(ctx.result)
    finally:
        progress.close()
    total = time.perf_counter() - start
    print(f"\nTour finished in {total:.0f} s.", file=stream, flush=True)
    if output is not None:
        index = write_report(results, output, header, settings + f", {total:.0f} s")
        print(f"Report: {index}", file=stream, flush=True)
    if failed:
        raise TourError(f"the tour's section(s) {', '.join(failed)} failed (tracebacks above)")
    return results


class TourError(RuntimeError):
    """A section of the tour raised; the others ran and the report was written."""
