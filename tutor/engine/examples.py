"""Built-in example networks by fixed name: the course's own networks at their own numbers.

One registry, `EXAMPLES`: name → BuiltIn (a one-line summary and how to build the Example).
`mazur` is the 2-2-2 worked example of the slides (seed 003); the others are the networks of
seeds 000, 001, 002, 004 and the slides' MNIST lab, built by the experiments' own code (so the
initial weights are exactly those the experiments reproduce), each at the start of training.
A batch example has one sample per row of `x` and `target`; its loss says how the batch is
reduced (`loss.reduction`: "mean" or "sum").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from tutor.engine.losses import HALF_SSE, Loss, get_loss
from tutor.engine.network import Network, dense
from tutor.errors import NotFound


@dataclass
class Example:
    """A network with its training sample(s) and a learning rate: enough to trace a step.

    `x` and `target` are one sample (1-D) or a batch (2-D, one sample per row).
    `note` says anything a reader of the trace must know about the set-up.
    """

    name: str
    title: str
    network: Network
    x: np.ndarray
    target: np.ndarray
    loss: Loss
    learning_rate: float
    source: str
    note: str = ""

    @property
    def is_batch(self) -> bool:
        """True when the step is over a batch of samples (rows), not one sample."""
        return np.ndim(self.x) == 2

    @property
    def n_samples(self) -> int:
        """How many samples the step sees (1 for a single sample)."""
        return int(np.shape(self.x)[0]) if self.is_batch else 1


@dataclass(frozen=True)
class BuiltIn:
    """A built-in example: its fixed name, one line saying what it is, and its builder."""

    name: str
    summary: str
    build: Callable[[], Example]

    def __call__(self) -> Example:
        return self.build()


# Said of the ReLU examples: zero biases put every hidden unit at its kink for the input [0, 0].
KINK = (
    "; for the input [0, 0] every hidden ReLU has net = 0 exactly (zero biases), where ReLU has "
    "no derivative: backprop takes ReLU′(0) = 0, as the course's code does, while a central "
    "finite difference sees ½, so `check` flags the hidden biases"
)


def mazur() -> Example:
    """The 2-2-2 worked example: sigmoid everywhere, E = Σ½(t−out)², shared biases not updated."""
    hidden = dense(
        [[0.15, 0.25], [0.20, 0.30]], 0.35, "sigmoid", bias_mode="layer", train_bias=False
    )
    output = dense(
        [[0.40, 0.50], [0.45, 0.55]], 0.60, "sigmoid", bias_mode="layer", train_bias=False
    )
    return Example(
        name="mazur",
        title="The 2-2-2 worked example",
        network=Network([hidden, output]),
        x=np.array([0.05, 0.10]),
        target=np.array([0.01, 0.99]),
        loss=HALF_SSE,
        learning_rate=0.5,
        source="003_bd86bf8af1f2b77a.txt, slides 'Backpropagation: Example'",
    )


def xor_221(hidden: str = "relu") -> Example:
    """Seed 000's 2-2-1 XOR network at its seeded start; one full-batch step over the 4 rows."""
    from tutor.engine.initializers import Init
    from tutor.engine.network import build
    from tutor.experiments.xor_221 import SEED_FILE, T, X

    # The handout: np.random.seed(42); W1 = randn(2, 2)·0.1; W2 = randn(2, 1)·0.1; zero biases.
    net = build([2, 2, 1], [hidden, "sigmoid"], Init("normal", 0.1), seed=42)
    return Example(
        name="xor-221",
        title=f"XOR with a 2-2-1 network ({hidden} hidden, sigmoid output): one full-batch step",
        network=net,
        x=X.copy(),
        target=T.copy(),
        loss=get_loss("bce"),
        learning_rate=0.1,
        source=f"{SEED_FILE}, Exercises 1 and 2 (np.random.seed(42), W = randn·0.1)",
        note="BCE averaged over the 4 rows (the handout's np.mean)"
        + (KINK if hidden == "relu" else ""),
    )


def encoder_838() -> Example:
    """Seed 001's 8-3-8 encoder as its notebook starts training it, on its first sample x = e₁.

    The notebook seeds 42, draws W1, W2 in Layer.__init__ and draws them again in
    NN.__init__: the second draw (randn·√(1/fan_in), zero biases) is the network it trains,
    built here by the experiment's own code. Its backward pass starts from dA = ŷ − x, the
    gradient of ½Σ(ŷ − x)², so the loss is half_sse.
    """
    from tutor.experiments.encoder_838 import LEARNING_RATE, SOURCE, notebook_networks

    net = notebook_networks("sigmoid", np.random.RandomState(42))
    x = np.eye(8)[0]
    return Example(
        name="encoder-838",
        title="Seed 001's 8-3-8 encoder: seed 42, second draw (one sample, x = target = e₁)",
        network=net,
        x=x,
        target=x.copy(),
        loss=HALF_SSE,
        learning_rate=LEARNING_RATE,
        source=f"{SOURCE}, notebook cells [13]-[18]",
        note="online gradient descent: one step on the first pattern",
    )


def two_hidden() -> Example:
    """Seed 002's 2-3-3-1 sigmoid network with BCE (summed), on its 21 'easy XOR' points."""
    from tutor.experiments.two_hidden import SOURCE, setup

    net, x, y = setup("XOR", 3, 3, 0)
    return Example(
        name="two-hidden",
        title="Two hidden layers (3, 3), sigmoid, BCE: one full-batch step on the easy XOR",
        network=net,
        x=x.astype(float),
        target=y.astype(float),
        loss=get_loss("bce", reduction="sum"),
        learning_rate=0.1,
        source=f"{SOURCE}, network(epoch=10000, lr=0.1, h1=3, h2=3, distribution='XOR', seed=0)",
        note="no biases; the report's loss is a SUM over the 21 points, not a mean",
    )


def deep_xor() -> Example:
    """Seed 004's [2, 8, 8, 2] ReLU/softmax network, He init seed 42, one full-batch step."""
    from tutor.engine.initializers import Init
    from tutor.experiments.deep_xor import REPEATS, SEED_FILE, X_BASE, Y_BASE, deep_net

    return Example(
        name="deep-xor",
        title="A deeper network [2, 8, 8, 2] on XOR: one full-batch step",
        network=deep_net([2, 8, 8, 2], Init("he"), 42),
        x=X_BASE.copy(),
        target=np.eye(2)[Y_BASE],
        loss=get_loss("cross_entropy"),
        learning_rate=0.1,
        source=f"{SEED_FILE}, code cell [1] (He init, seed 42, lr 0.1)",
        note=(
            f"the lab trains on the 4 XOR rows stacked {REPEATS} times (2000 rows); with the "
            f"loss averaged over the rows, each row's gradient appears {REPEATS} times in a sum "
            f"divided by {4 * REPEATS}: ({REPEATS}·Σ of the 4)/({REPEATS}·4) = (Σ of the 4)/4, "
            "the same mean gradient, so the same step, traced here on the 4 rows" + KINK
        ),
    )


def mnist_digit() -> Example:
    """One SGD step of the slides' 784-128-10 network (seed 0) on the first shipped digit."""
    from tutor.engine.losses import CROSS_ENTROPY
    from tutor.experiments.mnist import SOURCE, mnist_config
    from tutor.mnist.subset import load_subset
    from tutor.mnist.train import build_mnist_network, one_hot, to_inputs

    config = replace(mnist_config(keep_prob=1.0), dtype="float64")  # traced in float64
    images, labels = load_subset()
    return Example(
        name="mnist-digit",
        title=f"MNIST 784-128-10: one SGD step on a shipped digit (a {int(labels[0])})",
        network=build_mnist_network(config),
        x=to_inputs(images[0], np.float64),
        target=one_hot(labels[:1], np.float64)[0],
        loss=CROSS_ENTROPY,
        learning_rate=config.learning_rate,
        source=SOURCE,
        note=(
            "the lesson's network (He init for the ReLU layer, Xavier for softmax, seed 0) "
            "before training, on digit 0 of the shipped subset; dropout is off for the traced step"
        ),
    )


EXAMPLES: dict[str, BuiltIn] = {
    b.name: b
    for b in (
        BuiltIn("mazur", "the slides' 2-2-2 worked example, one step on one sample", mazur),
        BuiltIn(
            "xor-221",
            "seed 000's 2-2-1 XOR net, one step over its 4 rows;",
            xor_221,
        ),
        BuiltIn(
            "encoder-838",
            "seed 001's 8-3-8 encoder, one online step on e₁ (slip: @seed-001)",
            encoder_838,
        ),
        BuiltIn(
            "two-hidden",
            "seed 002's 2-3-3-1 sigmoid/BCE net, one step over 21 easy-XOR rows",
            two_hidden,
        ),
        BuiltIn(
            "deep-xor",
            "seed 004's [2, 8, 8, 2] ReLU/softmax/CE net, one step over 4 rows",
            deep_xor,
        ),
        BuiltIn(
            "mnist-digit",
            "the slides' 784-128-10 MNIST net, one SGD step on a shipped digit",
            mnist_digit,
        ),
    )
}


def get_example(name: str) -> Example:
    """The built-in example called `name`."""
    if name not in EXAMPLES:
        raise NotFound(f"unknown example {name!r}; known examples: {', '.join(sorted(EXAMPLES))}")
    return EXAMPLES[name]()
