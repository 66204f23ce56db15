"""Speed of lessons 05/06's loops against the course's own code, measured in the same run.

Run: python3 benchmarks/repro_b.py
"""

import time

import numpy as np

from tutor.experiments import encoder_838 as enc
from tutor.experiments import two_hidden as th
from tutor.experiments.registry import get_experiment


def notebook_001(epochs: int, quirk: bool = True) -> tuple[list, list]:
    """Cells [16]-[18] as written (Layer/NN classes inlined): seed 42, draws twice, online GD."""
    rs = np.random.RandomState(42)
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    deriv = (lambda a: sig(a) * (1 - sig(a))) if quirk else (lambda a: a * (1 - a))
    for _ in range(2):
        W = [rs.randn(8, 3) * np.sqrt(1.0 / 8), rs.randn(3, 8) * np.sqrt(1.0 / 3)]
    b = [np.zeros((1, 3)), np.zeros((1, 8))]
    history = []
    for _ in range(epochs):
        losses = []
        for x in np.eye(8):
            a = [x.reshape(1, 8)]
            for k in range(2):
                a.append(sig(np.dot(a[k], W[k]) + b[k]))
            error = a[2] - x
            losses.append(np.sum(error**2))
            dA, grads = error, [None, None]
            for k in (1, 0):
                dZ = dA * deriv(a[k + 1])
                grads[k] = (np.dot(a[k].T, dZ), np.sum(dZ, axis=0, keepdims=True))
                dA = np.dot(dZ, W[k].T)
            for k in range(2):
                W[k] -= 0.2 * grads[k][0]
                b[k] -= 0.2 * grads[k][1]
        history.append(np.mean(losses))
    return history, W


def timed(f) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def main() -> None:
    epochs = 2000
    ours = timed(
        lambda: enc.train_online(
            enc.notebook_networks(enc.QUIRK, np.random.RandomState(42)), enc.X, 0.2, epochs
        )
    )
    theirs = timed(lambda: notebook_001(epochs))
    print(
        f"8-3-8 online, {epochs} epochs: engine loop {ours:.2f} s, notebook code {theirs:.2f} s,"
        f" ratio {ours / theirs:.2f}; 10,000 epochs ≈ {ours * 5:.1f} s"
    )
    cells = [(0.1, 3, s, None) for s in th.SEEDS] + [(0.5, 3, s, None) for s in th.SEEDS]
    n = 2000
    single = timed(
        lambda: [
            th.train_report([th.sweep_setup("XOR", h, s, p)], [lr], n) for lr, h, s, p in cells
        ]
    )
    stacked = timed(
        lambda: th.train_report(
            [th.sweep_setup("XOR", h, s, p) for lr, h, s, p in cells], [lr for lr, *_ in cells], n
        )
    )
    print(
        f"two hidden layers, {len(cells)} XOR runs × ≤{n} epochs: one at a time {single:.2f} s,"
        f" stacked {stacked:.2f} s, ratio {stacked / single:.2f}"
    )
    for exp_id in (
        "two_hidden_sweep_lr_xor",
        "two_hidden_sweep_lr_linear",
        "two_hidden_sweep_units_xor",
        "two_hidden_sweep_units_linear",
        "two_hidden_sweep_figures",
    ):
        th._CELLS.clear()
        seconds = timed(lambda exp_id=exp_id: get_experiment(exp_id).func())
        print(f"{exp_id}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
