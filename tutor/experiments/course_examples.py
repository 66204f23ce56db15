"""The course's built-in examples, each built by its experiment's own code at the start of
training: seeds 000 (`xor_221`), 001 (`encoder_838`), 002 (`two_hidden`), 004 (`deep_xor`) and
the slides' MNIST lab (`mnist_digit`), so the initial weights are exactly those the experiments
reproduce. Registered by name in `tutor.experiments.builtin_examples`, which loads this module
only when one of them is built (`trace mazur` needs none of them).

The experiments a builder uses are imported inside it, so building an example costs only its own.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tutor.engine.examples import Example
from tutor.engine.losses import HALF_SSE, get_loss

# Said of the ReLU examples: zero biases put every hidden unit at its kink for the input [0, 0].
KINK = (
    "; for the input [0, 0] every hidden ReLU has net = 0 exactly (zero biases), where ReLU has "
    "no derivative: backprop takes ReLU′(0) = 0, as the course's code does, while a central "
    "finite difference sees ½, so `check` flags the hidden biases"
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
        with_hidden=xor_221,
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
