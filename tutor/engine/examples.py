"""Built-in example networks, starting with the 2-2-2 worked example of the slides (seed 003)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.engine.losses import HALF_SSE, Loss
from tutor.engine.network import Network, dense


@dataclass
class Example:
    """A network with one training sample and a learning rate: enough to trace a step."""

    name: str
    title: str
    network: Network
    x: np.ndarray
    target: np.ndarray
    loss: Loss
    learning_rate: float
    source: str


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


EXAMPLES = {"mazur": mazur}


def get_example(name: str) -> Example:
    """The built-in example called `name`."""
    if name not in EXAMPLES:
        raise KeyError(f"unknown example {name!r}; known examples: {', '.join(sorted(EXAMPLES))}")
    return EXAMPLES[name]()
