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

Painting: each layout, resize or screen pushed makes Textual paint the screen at once
(`Screen._compositor_refresh`: every dirty widget drawn into strips, then the frame assembled
for the terminal, which the headless driver throws away). While `settle` waits for a key (and
while `run_test` starts the app) those paints are put off and done once, when nothing is left
to handle: the frame each key ends on is drawn in full, every widget the key changed rendered,
so a widget that fails to draw still fails the test; the frames in between, which a terminal
at 60 frames a second shows only when the messages take longer than a frame, are not drawn.
Before, a step key painted up to four times (tests/tui: 2004 paints, 1036 then). Under
`run_test` the paints stay put off between keys too (while the test waits for a worker, or
reads the screen) and from the app's start to the test's first key: the next key, or the end
of the test, paints what they changed, once (tests/tui: 1097 paints, 851 now).

Pilot's own `_wait_for_screen` (at the end of every `press`, the start of every `pause`) wakes
every node of the screen to run a callback; `wait_for_busy_pumps` waits the same way for the
nodes that have messages to handle, the others having none (see its docstring).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from time import monotonic, thread_time

import pytest
import textual._wait
import textual.app
import textual.pilot
import textual.screen
from textual import events
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


class Countdown:
    """An event set once `one_done` has been called as many times as `left` says."""

    def __init__(self) -> None:
        self.left = 0
        self.done = asyncio.Event()

    def one_done(self) -> None:
        self.left -= 1
        if not self.left:
            self.done.set()


async def handled(app, busy: list) -> bool:
    """Wait until each pump in `busy` has handled what it holds now; False if the app raised.

    Like `Pilot._wait_for_screen`, but only for the pumps that have work: a callback queued
    behind their messages (and behind a handler still running) tells when they got there.
    Asking every widget of the screen costs a callback and an idle event each, every round.

    The callback is posted as `call_later` posts it, but as the bound method itself, not
    wrapped in a new `functools.partial`: Textual counts a callback's parameters with
    `inspect.signature` (~30 µs) each time for a partial, once per function for a method.
    """
    countdown = Countdown()
    for pump in busy:
        countdown.left += bool(pump.post_message(events.Callback(callback=countdown.one_done)))
    if not countdown.left:
        return True
    done = countdown.done
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

    While it waits, the screens' paints are put off (see `paint_unless_deferred`) and done
    once, when nothing is left to handle: the frame the key ends on is painted, every widget
    it changed drawn, as a terminal would at any frame rate slower than the messages.
    """
    # A key reaches the app's queue two event-loop turns after the driver sends it
    # (asyncio.run_coroutine_threadsafe: one turn to create the task, one to run it).
    for _ in range(DRIVER_TURNS):
        await asyncio.sleep(0)
    held = PAINTS_OWED in app.__dict__  # under `run_test`, paints stay put off between keys
    owed: dict = app.__dict__.setdefault(PAINTS_OWED, {})
    raised = False
    try:
        settled = await _settle(app, max_sleep, owed)
        raised = settled is None
        return settled is not False
    finally:
        if not held:
            del app.__dict__[PAINTS_OWED]
        if not raised:
            paint(owed)


def paint(owed: dict) -> None:
    """The paints put off, once per screen, in the order they were asked for.

    A screen that was shown when its paint was asked for, and has been covered since (a
    lesson pushed over the picker), is not painted: Textual painted it then, a frame the
    next screen's first paint replaced. Painted now, behind, it would only mark the screen
    on top dirty for one more full paint.
    """
    while owed:
        screen = next(iter(owed))
        shown_then = owed.pop(screen)
        if shown_then and screen is not screen.app.screen:
            continue
        ORIGINAL_PAINT(screen)


async def _settle(app, max_sleep: float, owed: dict) -> bool | None:
    """`settle`'s loop: True when settled, False when it gave up, None if the app raised."""
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
                return None  # the app raised: run_test re-raises it, nothing more to wait for
        elif app._resize_timer is not None:
            # A terminal resize reaches the screen through a 1/120 s debounce timer.
            await asyncio.sleep(RESIZE_DEBOUNCE)
        else:
            screen = app.screen
            if updates_due(screen):
                screen._on_timer_update()  # layout, call_after_refresh callbacks
                if busy_pumps(app):
                    continue
            if not owed:
                return True  # nothing handled, laid out or painted since no pump was busy
            paint(owed)  # may post messages in turn (a widget sized by what it drew)
            if not busy_pumps(app):
                return True


UPDATES = ("_layout_required", "_scroll_required", "_repaint_required", "_recompose_required")


def updates_due(screen) -> bool:
    """Has `Screen._on_timer_update` anything to do (a layout, a repaint, a callback)?"""
    return (
        any(getattr(screen, flag) for flag in UPDATES)
        or bool(screen._dirty_widgets)
        or bool(screen._callbacks)
    )


ORIGINAL_PAINT = textual.screen.Screen._compositor_refresh
PAINTS_OWED = "_settle_paints_owed"  # set on the app while `settle` waits for it


def paint_unless_deferred(screen) -> None:
    """`Screen._compositor_refresh`, or, while `settle` waits, a note that a paint is owed.

    Only the paint waits: the compositor keeps every dirty region (each `update_widgets` adds
    to them) until `render_update` draws and clears them all. The widgets noted dirty are
    cleared as the paint would, so the screen's idle handler goes on to its callbacks.
    """
    owed = screen.app.__dict__.get(PAINTS_OWED)
    if owed is None:
        ORIGINAL_PAINT(screen)
    else:
        owed[screen] = owed.get(screen, False) or screen is screen.app.screen
        screen._dirty_widgets.clear()


async def wait_for_handled(min_sleep: float = textual._wait.SLEEP_GRANULARITY, max_sleep=1.0):
    """Drop-in for `wait_for_idle(min_sleep, max_sleep)`: settle the running app instead."""
    app = active_app.get(None)
    if app is None or not app.is_running:
        await ORIGINAL(min_sleep, max_sleep)
    else:
        await settle(app, max_sleep)


ORIGINAL_WAIT_FOR_SCREEN = textual.pilot.Pilot._wait_for_screen


async def wait_for_busy_pumps(pilot, timeout: float = STUCK) -> bool:
    """`Pilot._wait_for_screen` for the pumps that have work: the same wait, fewer wake-ups.

    Textual's waits until the app and every node of the screen have handled what they held
    when it was called, by queueing a callback behind each (every `press` and `pause` ends or
    starts with it): each of a lesson screen's ~60 idle widgets is woken to run it. A pump
    with an empty queue that waits for its next message has nothing to handle, so only the
    busy ones are waited for (`handled`, as `settle` does); False if the app raised.
    """
    try:
        app = pilot.app
        app.screen  # noqa: B018  (no screen: Textual's returns False too)
    except Exception:
        return False
    busy = busy_pumps(app)
    if not busy:
        return True
    try:
        return await asyncio.wait_for(handled(app, busy), timeout)
    except TimeoutError:
        raise textual.pilot.WaitForScreenTimeout(
            "Timed out while waiting for widgets to process pending messages."
        ) from None


ORIGINAL_RUN_TEST = textual.app.App.run_test


@asynccontextmanager
async def run_test_painted_once(app, **options):
    """`App.run_test`, its paints put off from the app's start to the test's end but at keys.

    Textual paints the first screen at each of its start-up steps (the screen's resume, then
    each resize the driver and the app post: four paints of the picker, 80×24), and again at
    its 60 Hz timer whenever something changed. Here the frame the test starts from is painted
    with its first key or pause (the start-up's layouts often go on after the pilot is handed
    over: two more paints of the picker before), every later frame at the next key or pause
    (`settle`), and what is still owed when the test's body ends, before the app exits.
    """
    owed = app.__dict__.setdefault(PAINTS_OWED, {})
    try:
        async with ORIGINAL_RUN_TEST(app, **options) as pilot:
            yield pilot
            paint(owed)  # what the test's last steps changed, drawn once before the exit
    finally:
        app.__dict__.pop(PAINTS_OWED, None)


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Pilot wait for handled messages instead of idle CPU, for one test."""
    if textual.screen.Screen._compositor_refresh not in (ORIGINAL_PAINT, paint_unless_deferred):
        raise RuntimeError("tests/tui/settle.py: Screen._compositor_refresh was replaced elsewhere")
    monkeypatch.setattr(textual.screen.Screen, "_compositor_refresh", paint_unless_deferred)
    monkeypatch.setattr(textual.app.App, "run_test", run_test_painted_once)
    if textual.pilot.Pilot._wait_for_screen not in (ORIGINAL_WAIT_FOR_SCREEN, wait_for_busy_pumps):
        raise RuntimeError("tests/tui/settle.py: Pilot._wait_for_screen was replaced elsewhere")
    monkeypatch.setattr(textual.pilot.Pilot, "_wait_for_screen", wait_for_busy_pumps)
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
        screen = textual.screen.Screen()
        updates_due(screen)  # the flags `_on_timer_update` reads
        textual.app.App._check_resize  # noqa: B018  (what sets and clears _resize_timer)
        textual.screen.Screen._compositor_refresh  # noqa: B018  (the paint put off)
    except AttributeError as error:
        raise RuntimeError(f"tests/tui/settle.py: Textual changed ({error}); re-check it") from None


check_privates()
