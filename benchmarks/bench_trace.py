"""Time `backprop-tutor trace mazur` (cold) and `--rounds 10000`, with peers in the same run.

Run from the repository root: `python3 benchmarks/bench_trace.py`. Prints the
best of a few runs of each; the peers show what the fast path saves.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5


def best_of(func, repeats: int = REPEATS) -> float:
    """The fastest of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def cold(*argv: str) -> float:
    """A fresh interpreter running the CLI, output discarded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return best_of(
        lambda: subprocess.run(
            [sys.executable, "-m", "tutor", *argv],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
    )


def plain_python_rounds(n: int) -> float:
    """Peer: the same training in plain Python floats (no NumPy)."""
    i, t = (0.05, 0.10), (0.01, 0.99)
    w = [[0.15, 0.20], [0.25, 0.30]]
    v = [[0.40, 0.45], [0.50, 0.55]]

    def sig(z):
        return 1.0 / (1.0 + math.exp(-z))

    for _ in range(n):
        h = [sig(w[j][0] * i[0] + w[j][1] * i[1] + 0.35) for j in (0, 1)]
        o = [sig(v[k][0] * h[0] + v[k][1] * h[1] + 0.60) for k in (0, 1)]
        d_o = [(o[k] - t[k]) * o[k] * (1 - o[k]) for k in (0, 1)]
        d_h = [(d_o[0] * v[0][j] + d_o[1] * v[1][j]) * h[j] * (1 - h[j]) for j in (0, 1)]
        v = [[v[k][j] - 0.5 * d_o[k] * h[j] for j in (0, 1)] for k in (0, 1)]
        w = [[w[j][m] - 0.5 * d_h[j] * i[m] for m in (0, 1)] for j in (0, 1)]
    return 0.0


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tutor.engine import traced_step
    from tutor.engine.rounds import continue_rounds
    from tutor.experiments.builtin_examples import get_example

    ex = get_example("mazur")
    python = cold("--version")
    trace = cold("trace", "mazur")
    rounds = cold("trace", "mazur", "--rounds", "10000")

    def fast_rounds():
        continue_rounds(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate, [0.0], 10_000)

    def traced_rounds(n=1000):
        net = ex.network
        for _ in range(n):
            _, net = traced_step(net, ex.x, ex.target, ex.loss, ex.learning_rate)

    fast = best_of(fast_rounds, 3)
    traced = best_of(traced_rounds, 3) * 10  # 1,000 traced steps, scaled to 10,000
    plain = best_of(lambda: plain_python_rounds(10_000), 3)

    print(f"python startup + argparse (backprop-tutor --version)  {python * 1000:8.0f} ms")
    print(f"backprop-tutor trace mazur            (cold process)  {trace * 1000:8.0f} ms")
    print(f"backprop-tutor trace mazur --rounds 10000     (cold)  {rounds * 1000:8.0f} ms")
    print()
    print("10,000 rounds in process:")
    print(f"  fast path (Network.forward/backward via train)      {fast * 1000:8.0f} ms")
    print(f"  traced path, every round (1,000 timed, ×10)         {traced * 1000:8.0f} ms")
    print(f"  peer: plain Python floats, hand-written 2-2-2       {plain * 1000:8.0f} ms")
    print(
        f"  per step: fast {fast * 100:.1f} µs, traced {traced * 100:.0f} µs, "
        f"plain Python {plain * 100:.1f} µs"
    )
    print(f"  traced / fast = {traced / fast:.1f}×   fast / plain Python = {fast / plain:.1f}×")


if __name__ == "__main__":
    main()
