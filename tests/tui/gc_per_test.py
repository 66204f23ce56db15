"""Python's cyclic GC run once per TUI test, at its end, over what that test made.

A Textual app is a web of cycles (every widget knows its parent, its app, its screen; each
Strip it draws carries seven caches), so little of a TUI test is freed by reference counting:
the app and everything it drew wait for the cyclic GC. While the test runs they are alive, and
each automatic collection walks them for nothing; the ones that survive two collections move to
the oldest generation, are walked again at every full collection, and are freed only by one.
tests/tui serially (a `gc.callbacks` probe): 4.1 s of GC in ~42 s of CPU, 325 young, 29 middle
(50-180 ms each: 100,000 live objects walked to free 30,000) and 9 full collections.

Here the automatic GC is off from the start of a TUI test's set-up to the end of its teardown
(the first fixture of tests/tui/conftest.py, so set up first and torn down last), then one
collection frees what the test left (its app and screens are garbage by then) and
`gc.freeze()` moves what is still alive (pytest's reports, Textual's module caches, the parsed
CSS and lessons shared with later tests) out of every later collection, as tests/conftest.py
does after collection: the next test's collection walks only that test's objects, once. The
collection runs within the teardown, before pytest looks for unraisable exceptions at its end,
so a finalizer that raises is still reported, on the test whose garbage it was.

Only when garbage is collected changes, never what a test runs or asserts; the automatic GC is
back on between tests and for every test outside tests/tui (hooks of this folder's conftest).
A cycle that was still alive at a test's end and dies later is not collected (frozen): memory
only, and the suite's peak did not grow (tests/tui serially: max RSS 214 → 198 MB).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collected_at_the_end() -> Iterator[None]:
    """No automatic collection inside; at the end, the garbage freed and the survivors frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        try:
            gc.collect()
            gc.freeze()
        finally:
            if was_enabled:
                gc.enable()
