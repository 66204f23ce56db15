"""Random inputs and targets for the engine's tests, drawn the same way wherever they are used."""

from __future__ import annotations

import numpy as np

# The targets each loss expects: one-hot classes, 0/1 labels, or real numbers.
TARGETS_OF_LOSS = {"cross_entropy": "classes", "bce": "binary"}


def random_data(seed: int, n: int, n_in: int, n_out: int, targets: str):
    """`n` rows of standard-normal inputs and targets of the kind named (`classes`, `binary`,
    anything else real-valued), from `np.random.RandomState(seed)`."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, n_in)
    if targets == "classes":
        T = np.eye(n_out)[rng.randint(0, n_out, n)]
    elif targets == "binary":
        T = (rng.rand(n, n_out) > 0.5).astype(float)
    else:
        T = rng.randn(n, n_out) * 0.5
    return X, T


def random_data_for_loss(seed: int, n: int, n_in: int, n_out: int, loss: str):
    """`random_data` with the targets the loss `loss` expects."""
    return random_data(seed, n, n_in, n_out, TARGETS_OF_LOSS.get(loss, "real"))
