"""Sandbox speed: an edit of w5 on the 2-2-2 example to the repainted screen (target ≤ 50 ms).

Run from the worktree root:  python3 benchmarks/bench_sandbox.py [--edits N] [--size 80x24]
Peers in the same run: the traced step alone (the engine's part of an edit) and a repaint that
changes nothing (Textual's floor for this screen). The paint is forced right after the edit
(what Textual's frame timer does on its next tick, at most 1/60 s later); headless, so terminal
output itself is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


async def latencies(edits: int, size: tuple[int, int]) -> dict[str, list[float]]:
    """Seconds per edit → recompute → repaint, and for the peers, alternating in one process."""
    sys.path.insert(0, str(ROOT))
    from tests.tui.snapshot_app import make_sandbox_app
    from tutor.engine import traced_step

    app = make_sandbox_app("mazur", Path(tempfile.mkdtemp()))
    results: dict[str, list[float]] = {
        "edit w5 → repainted": [],
        "traced step alone (peer)": [],
        "repaint only (peer)": [],
    }
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.5)
        screen = app.screen
        for k in range(edits):
            value = 0.4 + 0.01 * (k % 10 + 1)
            t0 = time.perf_counter()
            screen.set_selected(value)  # the edit: new state, trace, every widget updated
            screen._on_timer_update()  # layout + compositor + display, as the frame timer does
            results["edit w5 → repainted"].append(time.perf_counter() - t0)
            assert screen.state.trace.value("w5") == value
            await pilot.pause()
            state = screen.state
            t0 = time.perf_counter()
            traced_step(state.network, state.x, state.target, state.loss, state.learning_rate)
            results["traced step alone (peer)"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            screen.refresh(layout=True)
            screen._on_timer_update()
            results["repaint only (peer)"].append(time.perf_counter() - t0)
            await pilot.pause()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--size", default="80x24")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    lat = asyncio.run(latencies(args.edits, (width, height)))
    print(f"sandbox on mazur (2-2-2), {args.edits} edits of w5, {width}×{height}, headless")
    medians = {}
    for label, values in lat.items():
        ms = sorted(v * 1000 for v in values)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        medians[label] = statistics.median(ms)
        print(
            f"  {label:26s} median {medians[label]:6.1f} ms"
            f"   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms"
        )
    edit = medians["edit w5 → repainted"]
    print(f"  ratio edit / repaint-only  {edit / medians['repaint only (peer)']:.2f}")
    verdict = "met" if edit <= 50 else "NOT met"
    print(f"  target edit → repaint ≤ 50 ms: {verdict} (add at most 17 ms of 60 fps frame pacing)")


if __name__ == "__main__":
    main()
