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
        done.append((time.time() - t_start, time.process_time()))
        app.exit()
app._display = first_paint
app.run(headless=True, size=(100, 30))
print(f"{done[0][0]:.4f} {done[0][1]:.4f}")
"""


def launch_time(mode: str) -> tuple[float, float]:
    """(wall, CPU) seconds from spawning Python to the first painted screen."""
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
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


async def step_latencies(presses: int = 64) -> dict[str, list[float]]:
    """CPU seconds of the UI thread from a step action to the last paint it causes, on the
    2-2-2 lesson: the action, every layout and every paint (Textual may paint more than once).

    CPU time of the thread, not wall time: the wait for Textual's 60 fps frame timer (at most
    1/60 s) and other processes on a loaded machine are not counted.
    """
    sys.path.insert(0, str(ROOT))
    from tests.tui.snapshot_app import make_app

    app = make_app(Path(tempfile.mkdtemp()))
    paints: list[float] = []
    display = app._display

    def record(screen, renderable):
        display(screen, renderable)
        if renderable is not None:
            paints.append(time.thread_time())

    app._display = record
    results: dict[str, list[float]] = {"step (→ / ←)": [], "repaint only (peer)": []}

    async def settle(since: int) -> float:
        await pilot.pause()
        await asyncio.sleep(0.05)  # the frame timer's paints, layout and scroll included
        assert len(paints) > since, "nothing was painted"
        return paints[-1]

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause(3.0)  # let the SymPy formulas arrive first: they are a one-off
        screen = app.screen
        screen.jump_to("4")  # the reveal frames of the fixture lesson: forward and error phases
        await pilot.pause(0.2)
        for k in range(presses):
            before = screen.index
            forward = k % 16 < 8
            n, t0 = len(paints), time.thread_time()
            screen.action_next() if forward else screen.action_previous()
            results["step (→ / ←)"].append(await settle(n) - t0)
            assert screen.index != before, "the step did not move"
            n, t0 = len(paints), time.thread_time()
            screen.refresh(layout=True)  # the peer: a full layout and repaint, nothing new
            results["repaint only (peer)"].append(await settle(n) - t0)
    return results


def main() -> None:
    runs = 7
    tutor, empty = [], []
    for _ in range(runs):  # interleaved, so a change in the machine's load hits both alike
        tutor.append(launch_time("tutor"))
        empty.append(launch_time("empty"))
    print(f"launch → first paint (median of {runs}, 100×30, headless)     wall      CPU")
    for label, runs_ in (("backprop-tutor picker", tutor), ("empty Textual app (peer)", empty)):
        wall = statistics.median(r[0] for r in runs_) * 1000
        cpu = statistics.median(r[1] for r in runs_) * 1000
        print(f"  {label:40s} {wall:7.0f} ms {cpu:7.0f} ms")
    ratio_wall = statistics.median(r[0] for r in tutor) / statistics.median(r[0] for r in empty)
    ratio_cpu = statistics.median(r[1] for r in tutor) / statistics.median(r[1] for r in empty)
    print(f"  {'ratio (target ≤ 1.25)':40s} {ratio_wall:10.2f} {ratio_cpu:10.2f}")
    lat = asyncio.run(step_latencies())
    print("step → repainted screen on the 2-2-2 lesson (64 steps, 100×30, CPU of the UI thread)")
    for label, values in lat.items():
        ms = sorted(v * 1000 for v in values)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        median = statistics.median(ms)
        print(f"  {label:22s} median {median:6.1f} ms   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms")
    print("  (target: ≤ 25 ms median; Textual's frame pacing adds at most 17 ms of wall)")


if __name__ == "__main__":
    main()
