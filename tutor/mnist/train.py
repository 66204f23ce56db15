"""Train an MNIST classifier with vectorized mini-batch SGD on the engine's Network.

The loop is the engine's `forward`/`backward` and the update rule of its
`apply_update` (done in place here: the gradients are ours to overwrite) with per-batch
progress (so the TUI can cancel mid-epoch) and an optional learning-rate decay.
Seeded: the same config gives the same weights, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tutor.engine.initializers import Init
from tutor.engine.losses import CROSS_ENTROPY
from tutor.engine.network import Cache, Gradients, Network, build

# The engine's own divergence checks: the same messages as every other training loop.
from tutor.engine.training import check_parameters, locate_divergence
from tutor.progress import Progress, check_progress

DTYPES = {"float32": np.float32, "float64": np.float64}
HIDDEN_ACTIVATIONS = ("relu", "sigmoid")


@dataclass
class MnistConfig:
    """The network and how to train it."""

    hidden: tuple[int, ...] = (128,)
    activation: str = "relu"
    # Keep probability of inverted dropout on the input and hidden layers (the slides' p = 0.7):
    # each unit is retained with probability keep_prob while training; 1.0 = no dropout.
    keep_prob: float = 1.0
    l2: float = 0.0
    learning_rate: float = 0.1
    lr_decay: float = 1.0  # the learning rate is multiplied by this after every epoch
    batch_size: int = 128
    epochs: int = 10
    seed: int = 0
    dtype: str = "float32"

    def __post_init__(self):
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(
                f"hidden activation {self.activation!r}: expected one of {HIDDEN_ACTIVATIONS}"
            )
        if not 0.0 < self.keep_prob <= 1.0:
            raise ValueError(f"keep probability {self.keep_prob} must be in (0, 1]")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype {self.dtype!r}: expected float32 or float64")
        for name, ok, expected in (
            ("batch size", self.batch_size >= 1, "at least 1"),
            ("epochs", self.epochs >= 0, "0 or more"),
            ("learning rate", self.learning_rate > 0, "positive"),
            ("lr decay", self.lr_decay > 0, "positive"),
            ("l2", self.l2 >= 0, "0 or more"),
        ):
            if not ok:
                raise ValueError(
                    f"{name} {getattr(self, name.replace(' ', '_'))}: expected {expected}"
                )

    @property
    def np_dtype(self):
        return DTYPES[self.dtype]


@dataclass
class FitHistory:
    """Mean training loss of each epoch (with dropout on, as SGD saw it)."""

    losses: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)


def build_mnist_network(config: MnistConfig) -> Network:
    """784-hidden…-10: He init for ReLU (Xavier for sigmoid), Xavier for the softmax layer."""
    sizes = [784, *config.hidden, 10]
    hidden_init = Init("he") if config.activation == "relu" else Init("xavier")
    inits = [hidden_init] * len(config.hidden) + [Init("xavier")]
    activations = [config.activation] * len(config.hidden) + ["softmax"]
    net = build(sizes, activations, inits, seed=config.seed, dtype=config.np_dtype)
    for layer in net.layers:
        # Dropout acts on each layer's input: the pixels, then every hidden layer's output.
        layer.keep_prob = config.keep_prob
    return net


def to_inputs(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Pixels 0-255 → inputs in [0, 1]."""
    dtype = np.dtype(dtype)
    return images.astype(dtype) * dtype.type(1.0 / 255.0)


def one_hot(labels: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Labels 0-9 → one-hot rows (the slides' one-hot encoding)."""
    T = np.zeros((len(labels), 10), dtype=np.dtype(dtype))
    T[np.arange(len(labels)), labels] = 1
    return T


def fit(
    net: Network,
    X: np.ndarray,
    T: np.ndarray,
    config: MnistConfig,
    progress: Progress | None = None,
    report_every: int = 8,
) -> FitHistory:
    """Mini-batch SGD on (X, T) in place; progress(done_batches, total, loss) every few batches."""
    loss = CROSS_ENTROPY
    n = X.shape[0]
    shuffle_rng = np.random.default_rng(config.seed)
    dropout_rng = (
        np.random.default_rng(config.seed + 1)
        if any(layer.keep_prob < 1.0 for layer in net.layers)
        else None
    )
    per_epoch = -(-n // config.batch_size)
    total = per_epoch * config.epochs
    history = FitHistory()
    lr = config.learning_rate
    done = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, config.epochs + 1):
            order = shuffle_rng.permutation(n)
            epoch_loss = 0.0
            for start in range(0, n, config.batch_size):
                idx = order[start : start + config.batch_size]
                # np.take: the same rows as X[idx], gathered a little faster.
                x, t = X.take(idx, axis=0), T.take(idx, axis=0)
                cache = Cache()
                out = net.forward(x, cache, dropout_rng)
                value = loss.value(out, t)
                if not math.isfinite(value):
                    raise locate_divergence(cache, epoch)
                _update_in_place(net, net.backward(cache, t, loss), lr, config.l2)
                epoch_loss += value * len(idx)
                done += 1
                if done % report_every == 0 or done == total:
                    check_progress(progress, done, total, value)
            check_parameters(net, epoch)
            history.losses.append(epoch_loss / n)
            history.learning_rates.append(lr)
            lr *= config.lr_decay
    return history


def _update_in_place(net: Network, grads: Gradients, lr: float, l2: float) -> None:
    """W ← W − η·(dE/dW + λ·W), b ← b − η·dE/db: `apply_update`'s values, no temporary arrays."""
    for layer, dW, db in zip(net.layers, grads.dW, grads.db):
        if l2:
            dW += l2 * layer.W
        dW *= lr
        layer.W -= dW
        if layer.train_bias and layer.bias_mode != "none":
            db *= lr
            layer.b -= db
