"""Progress of long work: the callback type experiments report to, and a terminal bar."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

# Columns a line keeps beside its label and the bar's own width: two spaces, `50000/50000` and
# `  loss -1.23457e-05` (a loss in `g` format is at most 12 characters), and the last column
# left empty (a character written there makes some terminals wrap before the redraw).
TAIL_COLUMNS = 33

# progress(done, total, loss) -> False to cancel. `loss` may be None.
Progress = Callable[[int, int, "float | None"], "bool | None"]


class Cancelled(Exception):
    """Raised inside an experiment when its progress callback returned False."""


def check_progress(progress: Progress | None, done: int, total: int, loss=None) -> None:
    """Report progress; raise Cancelled when the callback asks to stop."""
    if progress is not None and progress(done, total, loss) is False:
        raise Cancelled()


def progress_bar(total: int, label: str = "", stream: TextIO | None = None, width: int = 30):
    """Return `update(done, total, loss=None)`: redraws a bar on a TTY, does nothing otherwise.

    The callable matches the experiments' Progress signature; it returns None (never cancels).
    A label too long for the terminal's width (80 columns if unknown) beside the bar is
    shortened with "…": a bar that wrapped onto a second line would not be redrawn in place.
    """
    stream = stream if stream is not None else sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return lambda done, total_=None, loss=None: None
    room = max(12, shutil.get_terminal_size((80, 24)).columns - width - TAIL_COLUMNS)
    if len(label) > room:
        label = label[: room - 1].rstrip() + "…"
    last = [0.0]
    finished: list[tuple[int, int] | None] = [None]  # the end last drawn (a run reports it twice)

    def update(done: int, total_: int | None = None, loss: float | None = None) -> None:
        n = total_ or total
        now = time.monotonic()
        # Redraw at most 20 times a second, and always at the end, but the same end only once.
        if done < n:
            finished[0] = None
            if now - last[0] < 0.05:
                return
        elif finished[0] == (done, n):
            return
        else:
            finished[0] = (done, n)
        last[0] = now
        filled = int(width * done / max(n, 1))
        bar = "█" * filled + "·" * (width - filled)
        extra = f"  loss {loss:.6g}" if loss is not None else ""
        stream.write(f"\r{label} {bar} {done}/{n}{extra}\x1b[K")
        if done >= n:
            stream.write("\n")
        stream.flush()

    return update
