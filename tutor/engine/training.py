"""Training loops: full-batch gradient descent, online (one sample at a time), mini-batch SGD.

These are the fast paths: nothing is traced. A NaN or an overflow is reported
as `TrainingDiverged` naming the epoch and the layer where it first appeared.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tutor.engine.losses import Loss
from tutor.engine.network import Cache, Gradients, Network
from tutor.errors import TrainingError

RULES = ("batch", "online", "minibatch")
_add_reduce = np.add.reduce  # ndarray.sum without its Python-level wrapper


class TrainingDiverged(TrainingError, ArithmeticError):
    """Training produced a NaN or an infinity; says where."""

    def __init__(self, epoch: int, layer: int | None, quantity: str):
        self.epoch = epoch
        self.layer = layer
        self.quantity = quantity
        # What went non-finite and where, without the epoch: "non-finite output in layer 2".
        self.detail = f"non-finite {quantity}" + (f" in layer {layer}" if layer is not None else "")
        super().__init__(f"training diverged at epoch {epoch}: {self.detail}")


@dataclass
class TrainConfig:
    """How to train: learning rate, epochs, update rule, regularisation."""

    learning_rate: float
    epochs: int
    rule: str = "batch"
    batch_size: int = 32
    shuffle: bool = True
    seed: int | None = 0
    l2: float = 0.0  # adds l2·W to dE/dW (weight decay); biases are not decayed

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown update rule {self.rule!r}; expected one of {RULES}")


@dataclass
class History:
    """Loss per epoch, before that epoch's updates, over all samples.

    Online and mini-batch: each batch's loss before its own update, reduced over the
    epoch as the loss reduces a batch (mean: weighted by rows; sum: added up).
    """

    losses: list[float] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def epochs_run(self) -> int:
        return len(self.losses)


# on_epoch(epoch (1-based), loss, network) -> False to stop training.
EpochCallback = Callable[[int, float, Network], "bool | None"]


def apply_update(net: Network, grads: Gradients, learning_rate: float, l2: float = 0.0) -> None:
    """w ← w − η·dE/dw for every layer, in place; frozen biases stay."""
    update_layers(net.layers, grads.dW, grads.db, learning_rate, l2)


def update_layers(layers, dWs, dbs, learning_rate: float, l2: float = 0.0) -> None:
    """apply_update on layers and their gradients given apart (dE/dW, dE/db per layer)."""
    for layer, dW, db in zip(layers, dWs, dbs):
        if l2:
            dW = dW + l2 * layer.W
        layer.W -= learning_rate * dW
        if layer.train_bias and layer.bias_mode != "none":
            layer.b -= learning_rate * db


def train(
    net: Network,
    X: np.ndarray,
    T: np.ndarray,
    loss: Loss,
    config: TrainConfig,
    on_epoch: EpochCallback | None = None,
    *,
    period: int = 0,
) -> History:
    """Train `net` in place and return the loss history.

    `period`: X and T are their first `period` rows over and over (XOR's 4 rows tiled); a
    full-batch run then computes each distinct row's passes once (`periodic_step`), the same
    numbers. Data that does not repeat so trains as without it.
    """
    X, T = np.atleast_2d(X), np.atleast_2d(T)
    history = History()
    shuffle_rng = np.random.default_rng(config.seed)
    dropout_rng = (
        np.random.default_rng(None if config.seed is None else config.seed + 1)
        if any(layer.keep_prob < 1.0 for layer in net.layers)
        else None
    )
    first = _train_small(net, X, T, loss, config, on_epoch, history)
    if first == 1:
        first = _train_tall(net, X, T, loss, config, on_epoch, history, period)
    n = X.shape[0]
    mean = loss.reduction == "mean"
    rows = n if config.rule == "batch" else 1 if config.rule == "online" else config.batch_size
    # Reusing arrays between steps pays only for large batches (see Cache.buffers).
    buffers: dict | None = {} if rows >= 64 else None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(first, config.epochs + 1):
            if config.rule == "batch":
                epoch_loss = _step(net, X, T, loss, config, epoch, dropout_rng, buffers)
            else:
                size = 1 if config.rule == "online" else config.batch_size
                order = (
                    shuffle_rng.permutation(n)
                    if config.rule == "minibatch" and config.shuffle
                    else None
                )
                total = 0.0
                for start in range(0, n, size):
                    idx = (
                        order[start : start + size]
                        if order is not None
                        else slice(start, start + size)
                    )
                    value = _step(net, X[idx], T[idx], loss, config, epoch, dropout_rng, buffers)
                    # A 'mean' loss of a batch weighs by its rows; a 'sum' loss adds up as it is.
                    total += value * min(size, n - start) if mean else value
                epoch_loss = total / n if mean else total
            history.losses.append(epoch_loss)
            check_parameters(net, epoch)
            if on_epoch is not None and on_epoch(epoch, epoch_loss, net) is False:
                history.stopped_early = True
                break
    return history


def _train_small(net, X, T, loss, config: TrainConfig, on_epoch, history: History) -> int:
    """The epochs the small-network step serves (the same numbers and reports, fewer calls);
    returns the first epoch left to the general path (past the last when none is)."""
    from tutor.engine.small_step import small_step  # loaded where training runs: start-up

    # A callback that changed the network: the small step is built on it anew.
    return _train_fast(small_step, True, net, X, T, loss, config, on_epoch, history)


def _train_tall(
    net, X, T, loss, config: TrainConfig, on_epoch, history: History, period: int = 0
) -> int:
    """The epochs the tall-batch step serves (the same numbers and reports, less bookkeeping;
    with `period`, on the distinct rows); returns the first epoch left to the general path
    (past the last when none is)."""
    from tutor.engine.tall_step import tall_step

    make = tall_step
    if period:
        from tutor.engine.periodic_step import periodic_step

        make = periodic_step(period)
    # A callback that changed the network's shape: the general path takes over.
    return _train_fast(make, False, net, X, T, loss, config, on_epoch, history)


def _train_fast(make, rebuild: bool, net, X, T, loss, config, on_epoch, history) -> int:
    """The epochs a fast step (`make(net, X, T, loss, config)`, None where it does not serve)
    trains; when a callback leaves it stale, it is made anew (`rebuild`) or the general path
    goes on. Returns the first epoch left to the general path (past the last when none is)."""
    fast = make(net, X, T, loss, config)
    if fast is None:
        return 1
    record, step = history.losses.append, fast.step
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, config.epochs + 1):
            epoch_loss = step(epoch)  # checks the parameters after the update too
            record(epoch_loss)
            if on_epoch is not None:
                if on_epoch(epoch, epoch_loss, net) is False:
                    history.stopped_early = True
                    break
                if fast.stale():
                    fast = make(net, X, T, loss, config) if rebuild else None
                    if fast is None:
                        return epoch + 1
                    step = fast.step
    return config.epochs + 1


def _step(net, X, T, loss, config, epoch, dropout_rng, buffers=None) -> float:
    cache = Cache(buffers=buffers)
    out = net.forward(X, cache, dropout_rng)
    value = loss.value(out, T)
    if not math.isfinite(value):
        raise locate_divergence(cache, epoch)
    grads = net.backward(cache, T, loss, frozen_bias_gradients=False)
    apply_update(net, grads, config.learning_rate, config.l2)
    return value


def locate_divergence(cache: Cache, epoch: int) -> TrainingDiverged:
    """Find the first layer whose net input or output is not finite."""
    for k, (net_k, out_k) in enumerate(zip(cache.nets, cache.outs), start=1):
        if not np.all(np.isfinite(net_k)):
            return TrainingDiverged(epoch, k, "net input")
        if not np.all(np.isfinite(out_k)):
            return TrainingDiverged(epoch, k, "output")
    return TrainingDiverged(epoch, None, "loss")


def check_parameters(net: Network, epoch: int) -> None:
    """TrainingDiverged naming the first layer whose weights or biases are not all finite."""
    # A sum is finite only when every term is (an inf or a NaN carries into it): one reduction
    # per array settles the usual case; a non-finite sum (or an overflowing one) looks closer.
    total = 0.0
    for layer in net.layers:
        total += float(_add_reduce(layer.W, None)) + float(_add_reduce(layer.b, None))
    if math.isfinite(total):
        return
    for k, layer in enumerate(net.layers, start=1):
        if not (np.isfinite(layer.W).all() and np.isfinite(layer.b).all()):
            raise TrainingDiverged(epoch, k, "weights after the update")
