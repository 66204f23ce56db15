"""The sandbox's data sets: rows a 2-input network can train on, with a decision boundary.

The truth tables (XOR, AND, OR) on the corners of the unit square, and the two data sets of
seed 002's lab report, built by the report's own code (tutor/experiments/two_hidden.py, hence
this module's place beside it): `easy-xor`, its 21 points on the two diagonals, and `linear`,
the 100 points uniform in [0, 1)² of its linear run with seed 0 (3.A; label 1 where
x1 ≤ x2). One target column for a 1-output network; for a 2-output network the same labels
one-hot, [1 − t, t] (class 1 is the second output), so a softmax network can train on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
_TABLES = {
    "xor": [0.0, 1.0, 1.0, 0.0],
    "and": [0.0, 0.0, 0.0, 1.0],
    "or": [0.0, 1.0, 1.0, 1.0],
}
# What each data set is, for the status line and the saved file's comment.
DESCRIPTIONS = {
    "sample": "the traced sample alone",
    "xor": "the XOR truth table (4 rows)",
    "and": "the AND truth table (4 rows)",
    "or": "the OR truth table (4 rows)",
    "easy-xor": "seed 002's easy XOR (21 points on the two diagonals)",
    "linear": "seed 002's linear data (100 points, label 1 where x1 ≤ x2)",
    "batch": "the rows of the network file or example it was opened on",
}
TWO_D_SETS = ("xor", "and", "or", "easy-xor", "linear")


@dataclass(frozen=True)
class DataSet:
    """Rows to train on: inputs X (rows × inputs) and targets T (rows × outputs)."""

    name: str
    X: np.ndarray
    T: np.ndarray

    @property
    def two_d(self) -> bool:
        """Two inputs, one output or two (one-hot), several rows: a boundary can be drawn."""
        return self.X.shape[1] == 2 and self.T.shape[1] in (1, 2) and len(self.X) > 1

    @property
    def labels(self) -> np.ndarray:
        """Each row's class-1 target: the one output, or the second of two."""
        return self.T[:, -1]


def _labels(name: str) -> tuple[np.ndarray, np.ndarray]:
    """X and the 0/1 labels of a two-input data set."""
    if name in _TABLES:
        return np.array(_CORNERS), np.array(_TABLES[name])
    from tutor.experiments.two_hidden import generate_xor_easy, setup

    if name == "easy-xor":
        x, y = generate_xor_easy()
    else:  # network(epoch=10000, lr=0.01, h1=2, h2=2, distribution='linear', seed=0)
        _, x, y = setup("linear", 2, 2, 0)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float).ravel()


def two_d_set(name: str, outputs: int) -> DataSet:
    """The data set `name` (TWO_D_SETS) for a network of 1 or 2 outputs."""
    X, labels = _labels(name)
    T = labels[:, None] if outputs == 1 else np.stack([1.0 - labels, labels], axis=1)
    return DataSet(name, X, T)


def fits_two_d(sizes: list[int]) -> bool:
    """A network the two-input data sets fit: 2 inputs, 1 or 2 outputs."""
    return sizes[0] == 2 and sizes[-1] in (1, 2)


def known_name(X: np.ndarray, T: np.ndarray) -> str | None:
    """The name of the built-in data set these rows are exactly (a saved file's data), if any."""
    if X.ndim != 2 or X.shape[1] != 2 or T.ndim != 2 or T.shape[1] not in (1, 2):
        return None
    for name in TWO_D_SETS:
        known = two_d_set(name, T.shape[1])
        if np.array_equal(known.X, X) and np.array_equal(known.T, T):
            return name
    return None
