"""A progress bar for long headless work: drawn on a terminal, silent when piped."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def progress_bar(total: int, label: str = "", stream: TextIO | None = None, width: int = 30):
    """Return `update(done, total, loss=None)`: redraws a bar on a TTY, does nothing otherwise.

    The callable matches the experiments' Progress signature; it returns None (never cancels).
    """
    stream = stream if stream is not None else sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return lambda done, total_=None, loss=None: None
    last = [0.0]

    def update(done: int, total_: int | None = None, loss: float | None = None) -> None:
        n = total_ or total
        now = time.monotonic()
        # Redraw at most 20 times a second, and always at the end.
        if done < n and now - last[0] < 0.05:
            return
        last[0] = now
        filled = int(width * done / max(n, 1))
        bar = "█" * filled + "·" * (width - filled)
        extra = f"  loss {loss:.6g}" if loss is not None else ""
        stream.write(f"\r{label} {bar} {done}/{n}{extra}\x1b[K")
        if done >= n:
            stream.write("\n")
        stream.flush()

    return update
