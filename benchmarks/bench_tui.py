"""TUI speed: launch to first paint, and a step key to the repaint it causes.

Run from the worktree root:  python3 benchmarks/bench_tui.py
Peers in the same run: an empty Textual app's first paint (the floor any Textual app pays),
and an unbound key on the lesson screen (the cost of a key that changes nothing).
Paint time is taken when Textual hands a finished screen update to its driver (`App._display`),
headless, so terminal output itself is not counted.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
t_start = float(sys.argv[1])
mode = sys.argv[2]
if mode == "tutor":
    from tutor.tui.app import TutorApp
    app = TutorApp()
else:
    from textual.app import App
    from textual.widgets import Static
    class Empty(App):
        def compose(self):
            yield Static("hello")
    app = Empty()
display = app._display
done = []
def first_paint(screen, renderable):
    display(screen, renderable)
    # The tutor's first real screen is the picker (its default blank Screen does not count).
    wanted = mode != "tutor" or type(screen).__name__ == "PickerScreen"
    if renderable is not None and wanted and not done:
        done.append(time.time() - t_start)
        app.exit()
app._display = first_paint
app.run(headless=True, size=(100, 30))
print(f"{done[0]:.4f}")
"""


def launch_time(mode: str) -> float:
    """Seconds from spawning Python to the first painted screen."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), BACKPROP_TUTOR_DATA=tempfile.mkdtemp())
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, repr(t0), mode],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


async def step_latencies(presses: int = 64) -> dict[str, list[float]]:
    """Seconds for a step action plus the layout and paint it causes, on the 2-2-2 lesson.

    The paint is forced right after the action (what Textual's frame timer does on its next
    tick, at most 1/60 s later), so the figure is the work a step costs, without frame pacing.
    """
    sys.path.insert(0, str(ROOT))
    from tests.tui.snapshot_app import make_app

    app = make_app(Path(tempfile.mkdtemp()))
    paints: list[float] = []
    display = app._display

    def record(screen, renderable):
        display(screen, renderable)
        if renderable is not None:
            paints.append(time.perf_counter())

    app._display = record
    results: dict[str, list[float]] = {"step (→ / ←)": [], "repaint only (peer)": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause(3.0)  # let the SymPy formulas arrive first: they are a one-off
        screen = app.screen
        screen.jump_to("4")  # the reveal frames of the fixture lesson: forward and error phases
        await pilot.pause(0.2)
        for k in range(presses):
            before = screen.index
            forward = k % 16 < 8
            t0 = time.perf_counter()
            screen.action_next() if forward else screen.action_previous()
            screen._on_timer_update()  # layout + compositor + display, as the frame timer does
            results["step (→ / ←)"].append(time.perf_counter() - t0)
            assert screen.index != before, "the step did not move"
            await pilot.pause()
            t0 = time.perf_counter()
            screen.refresh(layout=True)
            screen._on_timer_update()
            results["repaint only (peer)"].append(time.perf_counter() - t0)
            await pilot.pause()
    return results


def main() -> None:
    runs = 5
    tutor = [launch_time("tutor") for _ in range(runs)]
    empty = [launch_time("empty") for _ in range(runs)]
    print(f"launch → first paint (median of {runs}, 100×30, headless)")
    print(f"  backprop-tutor picker   {statistics.median(tutor) * 1000:7.0f} ms   (target ≤ 1000)")
    print(f"  empty Textual app       {statistics.median(empty) * 1000:7.0f} ms   (peer)")
    print(f"  ratio                   {statistics.median(tutor) / statistics.median(empty):7.2f}")
    lat = asyncio.run(step_latencies())
    print("step → repainted screen on the 2-2-2 lesson (64 steps, 100×30)")
    for label, values in lat.items():
        ms = sorted(v * 1000 for v in values)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        median = statistics.median(ms)
        print(f"  {label:22s} median {median:6.1f} ms   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms")
    print("  (target for a step: ≤ 50 ms; add at most 17 ms of Textual's 60 fps frame pacing)")


if __name__ == "__main__":
    main()
