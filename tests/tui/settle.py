"""Pilot's waits made exact: after a key, wait until the app has handled it, not for a quiet CPU.

Textual 8.2.8's Pilot decides that a key press is done by `textual._wait.wait_for_idle`: it
sleeps 20 ms at a time until one sleep passes with under 1 ms of process CPU, twice per key
and once per `pilot.pause()`. That costs at least 40 ms a key when nothing is left to do, and
it guesses: a process starved of CPU (the other xdist worker busy) looks idle while a message
is still queued, and a thread worker that happens to be busy delays the key by up to 1 s.

`settle` replaces the guess by what Textual itself can tell: every message pump of the app and
of the screen shown has handled every message posted to it (the way `Pilot._wait_for_screen`
waits, repeated until nothing new was posted), then the screen's pending layout and repaint
are done at once (`Screen._on_timer_update`, as `Pilot.pause` does), repeated until that posts
nothing; a terminal resize's 1/120 s debounce timer is waited for too. What it does not wait
for, by design: workers and the app's own timers. A test that needs a worker's result waits
for it by name (`await app.workers.wait_for_complete()`), which holds on a loaded machine where
a lucky sleep would not. (tests/tui: 117 tests pass with every worker made 0.3 s late.)

Textual has no public setting for this (its testing guide offers `pilot.pause()` only), so
`install` swaps the `wait_for_idle` that `textual.app` and `textual.pilot` imported, and
checks first that each is still the function this was written against: a Textual upgrade that
moves or renames it fails every TUI test at once with a message, never silently waits again
(pyproject pins textual exactly, for the SVG snapshots' sake as well).
"""

from __future__ import annotations

import asyncio
from time import monotonic, thread_time

import pytest
import textual._wait
import textual.app
import textual.pilot
import textual.screen
from textual._context import active_app
from textual.message_pump import MessagePump

RESIZE_DEBOUNCE = 1 / 120
DRIVER_TURNS = 3  # two are enough; one more costs nothing
STUCK = 30.0  # seconds, as Pilot._wait_for_screen's own timeout

ORIGINAL = textual._wait.wait_for_idle
PATCHED_MODULES = (textual.app, textual.pilot)


def pumps(app):
    """The app and every node of the screen it shows: what a key press can reach."""
    return [app, *app.screen.walk_children(with_self=True)]


def busy(pump) -> bool:
    """Has `pump` a message queued, or is its task doing anything but waiting for the next?"""
    if not pump._message_queue.empty() or pump._pending_message is not None:
        return True
    task = pump._task
    waiting = bool(pump._message_queue.ready_event._waiters)  # asyncio.Event's own waiters
    return task is not None and not task.done() and not waiting


def busy_pumps(app) -> list:
    return [pump for pump in pumps(app) if busy(pump)]


async def handled(app, busy: list) -> bool:
    """Wait until each pump in `busy` has handled what it holds now; False if the app raised.

    Like `Pilot._wait_for_screen`, but only for the pumps that have work: a callback queued
    behind their messages (and behind a handler still running) tells when they got there.
    Asking every widget of the screen costs a callback and an idle event each, every round.
    """
    left = 0
    done = asyncio.Event()

    def one_done() -> None:
        nonlocal left
        left -= 1
        if not left:
            done.set()

    for pump in busy:
        left += bool(pump.call_later(one_done))
    if not left:
        return True
    waits = [asyncio.create_task(done.wait()), asyncio.create_task(app._exception_event.wait())]
    finished, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.is_set()


async def settle(app, max_sleep: float = 1.0) -> bool:
    """Wait until `app` has handled every message and repainted; False if it did not.

    A worker streaming progress (a run, training) can keep the app from ever being quiet, so
    while a worker runs this gives up once the app's thread has spent 2 × `max_sleep` seconds
    of CPU here, as Textual's own wait gives up after `max_sleep` seconds of busy CPU: a test
    that needs a worker's result waits for the worker. CPU, not wall time: on a loaded machine
    the app's thread may wait seconds for a core, and that must not cut a wait short. Without
    workers every message comes from the test's keys, so it waits as long as the app needs,
    up to STUCK seconds.
    """
    # A key reaches the app's queue two event-loop turns after the driver sends it
    # (asyncio.run_coroutine_threadsafe: one turn to create the task, one to run it).
    for _ in range(DRIVER_TURNS):
        await asyncio.sleep(0)
    start, cpu_start = monotonic(), thread_time()
    while True:
        if monotonic() - start > STUCK:
            return False
        working = any(not worker.is_finished for worker in app.workers)
        if working and thread_time() - cpu_start > 2 * max_sleep:
            return False
        busy = busy_pumps(app)
        if busy:
            if not await handled(app, busy):
                return True  # the app raised: run_test re-raises it, nothing more to wait for
        elif app._resize_timer is not None:
            # A terminal resize reaches the screen through a 1/120 s debounce timer.
            await asyncio.sleep(RESIZE_DEBOUNCE)
        else:
            app.screen._on_timer_update()  # layout, repaint, call_after_refresh callbacks
            if not busy_pumps(app):
                return True


async def wait_for_handled(min_sleep: float = textual._wait.SLEEP_GRANULARITY, max_sleep=1.0):
    """Drop-in for `wait_for_idle(min_sleep, max_sleep)`: settle the running app instead."""
    app = active_app.get(None)
    if app is None or not app.is_running:
        await ORIGINAL(min_sleep, max_sleep)
    else:
        await settle(app, max_sleep)


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Pilot wait for handled messages instead of idle CPU, for one test."""
    for module in PATCHED_MODULES:
        found = getattr(module, "wait_for_idle", None)
        if found is not ORIGINAL:
            raise RuntimeError(
                f"tests/tui/settle.py: {module.__name__}.wait_for_idle is not "
                "textual._wait.wait_for_idle any more (Textual upgraded?): re-check how Pilot "
                "waits for a key to be handled before changing this patch."
            )
        monkeypatch.setattr(module, "wait_for_idle", wait_for_handled)


def check_privates() -> None:
    """Fail at once, with a message, if a Textual upgrade changed what `busy` reads."""

    async def probe():
        pump = MessagePump()
        queue = pump._message_queue
        return (pump._pending_message, pump._task, queue.empty(), queue.ready_event._waiters)

    try:
        asyncio.run(probe())
        textual.screen.Screen._on_timer_update  # noqa: B018
        textual.app.App._check_resize  # noqa: B018  (what sets and clears _resize_timer)
    except AttributeError as error:
        raise RuntimeError(f"tests/tui/settle.py: Textual changed ({error}); re-check it") from None


check_privates()
