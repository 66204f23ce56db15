"""One untraced training step of the 2-2-2 worked example (sigmoid, ½Σ(t − out)², shared frozen
biases), against a minimal hand-written NumPy loop and plain Python floats, in one process.

Run from the repository root: `python3 benchmarks/bench_small_step.py`. CPU time per step, the
best of a few repeats of 20,000 steps. Targets (issue 15): ours ≤ 1.2× the NumPy loop and
≤ 4× plain Python floats.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
STEPS = 20_000
REPEATS = 5


def best_of(func) -> float:
    """The least CPU seconds of REPEATS calls."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def numpy_loop(n: int) -> list[float]:
    """Peer: the same step written by hand with NumPy (the loss recorded every step)."""
    x, t = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
    w1 = np.array([[0.15, 0.25], [0.20, 0.30]])
    w2 = np.array([[0.40, 0.50], [0.45, 0.55]])
    losses = []
    for _ in range(n):
        h = 1.0 / (1.0 + np.exp(-(x @ w1 + 0.35)))
        o = 1.0 / (1.0 + np.exp(-(h @ w2 + 0.60)))
        losses.append(float(0.5 * ((t - o) ** 2).sum()))
        d_o = (o - t) * o * (1.0 - o)
        d_h = (d_o @ w2.T) * h * (1.0 - h)
        w2 -= 0.5 * (h.T @ d_o)
        w1 -= 0.5 * (x.T @ d_h)
    return losses


def plain_python(n: int) -> list[float]:
    """Peer: the same step in plain Python floats."""
    i, t = (0.05, 0.10), (0.01, 0.99)
    w = [[0.15, 0.20], [0.25, 0.30]]
    v = [[0.40, 0.45], [0.50, 0.55]]
    losses = []

    def sig(z):
        return 1.0 / (1.0 + math.exp(-z))

    for _ in range(n):
        h = [sig(w[j][0] * i[0] + w[j][1] * i[1] + 0.35) for j in (0, 1)]
        o = [sig(v[k][0] * h[0] + v[k][1] * h[1] + 0.60) for k in (0, 1)]
        losses.append(0.5 * ((t[0] - o[0]) ** 2 + (t[1] - o[1]) ** 2))
        d_o = [(o[k] - t[k]) * o[k] * (1 - o[k]) for k in (0, 1)]
        d_h = [(d_o[0] * v[0][j] + d_o[1] * v[1][j]) * h[j] * (1 - h[j]) for j in (0, 1)]
        v = [[v[k][j] - 0.5 * d_o[k] * h[j] for j in (0, 1)] for k in (0, 1)]
        w = [[w[j][m] - 0.5 * d_h[j] * i[m] for m in (0, 1)] for j in (0, 1)]
    return losses


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tutor.engine.training import TrainConfig, train
    from tutor.experiments.builtin_examples import get_example

    ex = get_example("mazur")
    X, T = np.atleast_2d(ex.x), np.atleast_2d(ex.target)
    config = TrainConfig(ex.learning_rate, epochs=STEPS, rule="batch")

    def ours():
        train(ex.network.copy(), X, T, ex.loss, config)

    # The three compute the same numbers (a check, not a timing).
    history = train(ex.network.copy(), X, T, ex.loss, TrainConfig(0.5, epochs=100))
    assert np.allclose(history.losses, numpy_loop(100), rtol=1e-12)
    assert np.allclose(history.losses, plain_python(100), rtol=1e-12)

    engine = best_of(ours) / STEPS
    peer = best_of(lambda: numpy_loop(STEPS)) / STEPS
    floats = best_of(lambda: plain_python(STEPS)) / STEPS
    print(f"engine train(), one 2-2-2 step     {engine * 1e6:6.1f} µs")
    print(f"peer: hand-written NumPy loop      {peer * 1e6:6.1f} µs")
    print(f"peer: plain Python floats          {floats * 1e6:6.1f} µs")
    print(f"engine / NumPy loop    = {engine / peer:4.2f}×   (target ≤ 1.2)")
    print(f"engine / Python floats = {engine / floats:4.2f}×   (target ≤ 4)")


if __name__ == "__main__":
    main()
