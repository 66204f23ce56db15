"""Every run and compare step of every built-in lesson: wall and CPU seconds, and how soon the
first progress report (what the TUI's run panel streams) arrives. Target: ≤ 3 s wall on a
quiet machine, or results streaming as they come.

Run from the repository root:  python3 benchmarks/bench_lesson_runs.py [--lesson ID ...]
Each step starts with nothing cached (as the first time a student presses r on it, having
skipped the steps before; a step whose runs an earlier step trained costs nothing in the TUI). On a
loaded machine the CPU column is the fair one: wall includes waiting for a core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lesson", action="append", metavar="ID", help="only this lesson (may be repeated)"
    )
    args = parser.parse_args()
    import numpy  # noqa: F401  (imported once, as the TUI has it by the time a run starts)

    from tutor.experiments import registry
    from tutor.lessons.loader import default_dirs, load_lessons

    rows = []
    for lesson in load_lessons(default_dirs()).lessons:
        if args.lesson and lesson.id not in args.lesson:
            continue
        for number, step in enumerate(lesson.steps, 1):
            if step.kind not in ("run", "compare"):
                continue
            ids = tuple(step.experiments) if step.kind == "compare" else (step.experiment,)
            registry.forget()  # results and the trained runs they came from
            first: list[float] = []
            w0, c0 = time.perf_counter(), time.process_time()

            def progress(done, total, loss=None, first=first, w0=w0):
                if not first:
                    first.append(time.perf_counter() - w0)

            for experiment_id in ids:
                registry.run_experiment(experiment_id, progress)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            rows.append((lesson.id, number, ",".join(ids), wall, cpu, first[0] if first else None))
            shown = f"{first[0]:6.2f}" if first else "     —"
            flag = "" if wall <= TARGET else "  over 3 s"
            print(
                f"{lesson.id:22s} step {number:2d} {','.join(ids)[:38]:38s} "
                f"wall {wall:6.2f} s  CPU {cpu:6.2f} s  first report {shown} s{flag}",
                flush=True,
            )
    over = [r for r in rows if r[3] > TARGET]
    print(f"{len(rows)} run/compare steps; {len(over)} over {TARGET:.0f} s wall")


if __name__ == "__main__":
    main()
