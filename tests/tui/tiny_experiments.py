"""Fast, deterministic experiments for the TUI tests: registered only by the tests."""

from __future__ import annotations

import time

import numpy as np

from tutor.engine import Init, TrainConfig, build, get_loss, train
from tutor.experiments.registry import EXPERIMENTS, check_progress, experiment

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([[0.0], [1.0], [1.0], [0.0]])


def tui_tiny(progress=None) -> dict:
    """XOR on a 2-3-1 sigmoid network, 600 epochs of batch gradient descent (well under 1 s)."""
    net = build([2, 3, 1], ["tanh", "sigmoid"], Init("normal", 1.0), seed=3)
    epochs: list[int] = []
    losses: list[float] = []

    def on_epoch(epoch, loss, _net):
        if epoch % 20 == 0:
            epochs.append(epoch)
            losses.append(float(loss))
            check_progress(progress, epoch, 600, float(loss))

    train(net, XOR_X, XOR_T, get_loss("bce"), TrainConfig(learning_rate=0.5, epochs=600), on_epoch)
    out = net.forward(XOR_X)[:, 0]
    xs, ys = np.linspace(-0.5, 1.5, 40), np.linspace(1.5, -0.5, 12)
    grid = [[float(net.forward(np.array([[x, y]]))[0, 0]) for x in xs] for y in ys]
    hidden = np.tanh(XOR_X @ net.layers[0].W + net.layers[0].b)
    return {
        "loss_curve": losses,
        "loss_epochs": epochs,
        "final_loss": losses[-1],
        "accuracy": float(np.mean((out > 0.5) == (XOR_T[:, 0] > 0.5))),
        "summary": "XOR learnt: every input on the right side of 0.5.",
        "tables": {
            "predictions": {
                "columns": ["x1", "x2", "target", "output"],
                "rows": [
                    [*map(float, x), float(t[0]), float(o)] for x, t, o in zip(XOR_X, XOR_T, out)
                ],
                "caption": "after 600 epochs",
            }
        },
        "heatmap": {
            "rows": ["00", "01", "10", "11"],
            "columns": ["h1", "h2", "h3"],
            "values": [[round(float(v), 4) for v in row] for row in hidden],
            "caption": "hidden code",
        },
        "boundary": {
            "x": [-0.5, 1.5],
            "y": [-0.5, 1.5],
            "grid": grid,
            "points": [[*map(float, x), float(t[0])] for x, t in zip(XOR_X, XOR_T)],
        },
    }


def tui_slow(progress=None) -> dict:
    """Ten seconds of nothing unless cancelled: for testing cancel (checks every 10 ms)."""
    for k in range(1000):
        check_progress(progress, k, 1000, 1.0 / (k + 1))
        time.sleep(0.01)
    return {"loss_curve": [1.0], "summary": "not cancelled"}


def register() -> None:
    """Register both experiments once per process."""
    for func, title in ((tui_tiny, "XOR, tiny (test)"), (tui_slow, "Slow run (test)")):
        if func.__name__ not in EXPERIMENTS:
            experiment(func.__name__, title, "tests")(func)
