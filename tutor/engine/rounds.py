"""Many rounds of training on one sample by the fast path, with the error after each round."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tutor.engine.losses import Loss
from tutor.engine.network import Cache, Network
from tutor.engine.training import TrainConfig, locate_divergence, train


@dataclass
class Rounds:
    """The error after each round (index 0: before any) and the network after the last round."""

    errors: list[float]
    network: Network
    outputs: list[float]

    @property
    def rounds(self) -> int:
        return len(self.errors) - 1


def continue_rounds(
    net: Network,
    x,
    target,
    loss: Loss,
    learning_rate: float,
    errors_so_far: list[float],
    more: int,
    on_round: Callable[[int, float], object] | None = None,
) -> Rounds:
    """Train a copy of `net` `more` rounds on (x, target); `errors_so_far` ends with net's error.

    `on_round(round, error)` is called after every round, numbered on from `errors_so_far`.
    """
    net = net.copy()
    X, T = np.atleast_2d(x), np.atleast_2d(target)
    errors = list(errors_so_far)
    start = len(errors) - 1

    def record(epoch: int, loss_before: float, _net: Network):
        # train() reports the loss *before* an epoch's update: the error after the one before.
        if epoch > 1:
            errors.append(loss_before)
            if on_round is not None:
                on_round(start + epoch - 1, loss_before)

    if more > 0:
        train(net, X, T, loss, TrainConfig(learning_rate, epochs=more, rule="batch"), record)
    cache = Cache()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = net.forward(X, cache)
        final = float(loss.value(out, T))
    if not math.isfinite(final):
        # As train() would have found it at the start of one more epoch.
        raise locate_divergence(cache, more + 1)
    if more > 0:
        errors.append(final)
        if on_round is not None:
            on_round(start + more, final)
    return Rounds(errors, net, [float(v) for v in out[0]])


def thin(n_rounds: int, points: int = 200) -> list[int]:
    """Round numbers to keep for a curve: every round at first, then evenly spaced, and the last."""
    step = max(1, n_rounds // points)
    keep = set(range(0, min(n_rounds, 10) + 1)) | set(range(0, n_rounds + 1, step)) | {n_rounds}
    return sorted(keep)
