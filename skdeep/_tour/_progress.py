"""Progress of the tour: tqdm bars on a terminal, plain lines otherwise."""

import os
import sys
import time


def _tqdm():
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with skorch
        return None
    return tqdm


def _fixed_width(stream):
    """None on a terminal that knows its width; 100 on one reporting 0 columns."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return None if columns else 100


class Progress:
    """Per-family and per-fold progress.

    On a terminal (``stream.isatty()``) two tqdm bars: one over the families,
    one over the folds of the family being run. Otherwise (a pipe, a log file,
    a notebook cell's captured output) one plain line per finished fold.

    Parameters
    ----------
    n_sections : int
        Number of families the tour runs.
    stream : file-like, default=sys.stdout
    bars : bool or None, default=None
        Force bars on or off; by default bars only when ``stream`` is a terminal
        and tqdm is importable.
    """

    def __init__(self, n_sections, stream=None, bars=None):
        self.stream = stream or sys.stdout
        tqdm = _tqdm()
        if bars is None:
            bars = tqdm is not None and getattr(self.stream, "isatty", lambda: False)()
        self._tqdm = tqdm if bars else None
        width = _fixed_width(self.stream)
        self._size = {"ncols": width, "nrows": 20} if width else {"dynamic_ncols": True}
        self.n_sections = n_sections
        self._outer = None
        self._inner = None
        self._section = 0
        if self._tqdm is not None:
            self._outer = self._tqdm(total=n_sections, desc="families", position=0,
                                     file=self.stream, unit="family", **self._size)

    def write(self, text=""):
        """Print a line without breaking the bars."""
        if self._tqdm is not None:
            self._tqdm.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def start_section(self, title, n_fits):
        self._section += 1
        self._title = title
        self._started = time.perf_counter()
        if self._tqdm is not None:
            self._outer.set_postfix_str(title[:40])
            self._inner = self._tqdm(total=n_fits, desc="  folds", position=1, leave=False,
                                     file=self.stream, unit="fit", **self._size)
        else:
            self.write(f"[{self._section}/{self.n_sections}] {title}: {n_fits} fits")

    def fold_done(self, model, fold, n_folds, score, seconds):
        if self._inner is not None:
            self._inner.set_postfix_str(f"{model} fold {fold}/{n_folds}")
            self._inner.update(1)
        else:
            self.write(f"    {model:<34} fold {fold}/{n_folds}  score {score:.4f}  "
                       f"fit {seconds:.1f}s")

    def end_section(self):
        if self._inner is not None:
            self._inner.close()
            self._inner = None
        if self._outer is not None:
            self._outer.update(1)

    def close(self):
        if self._outer is not None:
            self._outer.close()
            self._outer = None
