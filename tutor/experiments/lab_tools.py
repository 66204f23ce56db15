"""Small helpers shared by the lessons' experiments: progress per epoch, boundaries, tables."""

from __future__ import annotations

import numpy as np

from tutor.experiments.registry import Progress, check_progress


def epoch_reporter(progress: Progress | None, total: int, offset: int = 0, every: int = 100):
    """An `on_epoch` callback reporting progress every `every` epochs (raises Cancelled)."""

    def on_epoch(epoch: int, loss: float, net) -> None:
        if epoch % every == 0 or epoch == total - offset:
            check_progress(progress, offset + epoch, total, loss)

    return on_epoch


def boundary(net, X: np.ndarray, labels, x_range, y_range, width=48, height=20) -> dict:
    """The network's probability of class 1 on a grid (rows top to bottom) and the data points."""
    xs = np.linspace(x_range[0], x_range[1], width)
    ys = np.linspace(y_range[1], y_range[0], height)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.c_[grid_x.ravel(), grid_y.ravel()]
    p = net.predict(points)
    p = p[:, -1] if p.shape[1] > 1 else p[:, 0]
    return {
        "x": [float(x_range[0]), float(x_range[1])],
        "y": [float(y_range[0]), float(y_range[1])],
        "grid": np.round(p.reshape(height, width), 4).tolist(),
        "points": [[float(a), float(b), int(c)] for (a, b), c in zip(X, labels)],
    }


def accuracy(net, X: np.ndarray, T: np.ndarray) -> float:
    """Share of samples whose output (thresholded at 0.5, or argmax) matches the target."""
    out = net.predict(X)
    if out.shape[1] == 1:
        return float(np.mean((out[:, 0] > 0.5) == (T[:, 0] > 0.5)))
    return float(np.mean(out.argmax(axis=1) == T.argmax(axis=1)))
