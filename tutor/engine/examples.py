"""The example type, and the 2-2-2 worked example the engine's own tests and lessons build on.

An `Example` is a network with its sample(s), loss and learning rate: enough to trace a step.
`mazur` is the 2-2-2 worked example of the slides (seed 003). The registry of every built-in
example by name (`EXAMPLES`, `get_example`), with the course's networks built by the
experiments' own code, is `tutor.experiments.builtin_examples`: the engine names no experiment.
A batch example has one sample per row of `x` and `target`; its loss says how the batch is
reduced (`loss.reduction`: "mean" or "sum").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from tutor.engine.losses import HALF_SSE, Loss
from tutor.engine.network import Network, dense


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
    # Builds this example again with another hidden activation (xor-221's `relu` and `sigmoid`
    # variants: the handout's same seeded weights); None for the others.
    with_hidden: Callable[[str], Example] | None = field(default=None, repr=False, compare=False)

    @property
    def is_batch(self) -> bool:
        """True when the step is over a batch of samples (rows), not one sample."""
        return np.ndim(self.x) == 2

    @property
    def n_samples(self) -> int:
        """How many samples the step sees (1 for a single sample)."""
        return int(np.shape(self.x)[0]) if self.is_batch else 1


# A NamedTuple, not a dataclass: created in a tenth of the time at every start-up.
class BuiltIn(NamedTuple):
    """A built-in example: its fixed name, one line saying what it is, and its builder."""

    name: str
    summary: str
    build: Callable[[], Example]

    def __call__(self) -> Example:
        return self.build()


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
