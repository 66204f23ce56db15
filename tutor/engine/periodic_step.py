"""The tall step on a batch whose rows repeat: each distinct row's passes computed once.

Seed 004's deep network trains on XOR's 4 rows tiled 500 times (2,000 rows, full batch). Every
row's forward pass, loss term and back-propagated delta depends on that row alone, so the 500
copies of a row compute the same numbers: `PeriodicStep` computes them on the first `period`
rows only and writes them out over the batch (one copy an array) where a sum over every row
reads them — the loss, each layer's weight gradient (aᵀδ) and bias gradient — which are the
tall step's calls on arrays of the same values, shape and layout. The rest is `TallStep`'s
step, call for call, on the `period` rows.

Each row of a product (a @ W, δ @ Wᵀ) must come out the same in a `period`-row product as in
the tall one. That holds when BLAS multiplies both with the same kernel family (each element
the same chain of multiply-adds along the inner dimension, whatever the number of rows), not
across families (one row is a vector product; a wide layer on many rows takes gemm's general
path, on a few rows a small-matrix kernel): `rows_alone` tries the network's product shapes
on random operands once per run, and where any differs the tall step runs.
tests/test_periodic_step.py compares the bytes of every parameter and loss with the tall
step's on random networks and seed 004's run, and the divergence reports. It serves what the
tall step's written-out softmax + cross-entropy serves (2 to NARROW classes); anything else
takes the tall step. Seed 004's 5,000 epochs take ~0.55 of the tall step's CPU.
"""

from __future__ import annotations

import numpy as np

from tutor.engine.losses import Loss
from tutor.engine.network import Network
from tutor.engine.tall_step import TallStep, tall_step


def periodic_step(period: int):
    """`make(net, X, T, loss, config)` for `train`: the periodic step when X and T are their
    first `period` rows over and over (checked bit for bit), else the tall step (or None)."""

    def make(net: Network, X: np.ndarray, T: np.ndarray, loss: Loss, config) -> TallStep | None:
        tall = tall_step(net, X, T, loss, config)
        if (
            tall is None
            or not tall.narrow
            or period < 2  # one row: NumPy multiplies a vector (gemv), not a matrix
            or not (repeats(X, period) and repeats(T, period))
            or not rows_alone(net, period, X.shape[0])
        ):
            return tall
        return PeriodicStep(net, X, T, loss, config.learning_rate, config.l2, period)

    return make


def rows_alone(net: Network, period: int, rows: int) -> bool:
    """Whether every product the step makes (a @ W of each layer, δ @ Wᵀ of all but the first)
    gives `period` rows the bits they get among `rows` rows that repeat them.

    Which BLAS kernel multiplies depends on the shapes (OpenBLAS's small-matrix kernels, gemm's
    general path); the same kernel family computes each element as the same chain of
    multiply-adds whatever the number of rows, two families may not (e.g. 2,000 × 36 × 36 on
    the general path against 4 rows on a small kernel): tried on random operands of the
    network's own shapes, once per run.
    """
    draw = np.random.default_rng(0).standard_normal  # the runs' own streams are untouched
    copies = rows // period
    for k, layer in enumerate(net.layers):
        products = [(draw((period, layer.fan_in)), layer.W)]
        if k:
            products.append((draw((period, layer.fan_out)), layer.W.T))
        for few, W in products:
            alone = np.tile(few @ W, (copies, 1))
            if alone.tobytes() != (np.tile(few, (copies, 1)) @ W).tobytes():
                return False
    return True


def repeats(A: np.ndarray, period: int) -> bool:
    """Whether the float64 rows of A are its first `period` rows, bit for bit, over and over."""
    rows = A.shape[0]
    if period <= 0 or period >= rows or rows % period:
        return False
    bits = np.ascontiguousarray(A).view(np.uint64).reshape(rows // period, -1)
    return bool((bits == bits[0]).all())


class PeriodicStep(TallStep):
    """`TallStep` on a batch of `period` distinct rows repeated; `step(epoch)` returns the loss."""

    def __init__(
        self, net: Network, X: np.ndarray, T: np.ndarray, loss: Loss, lr: float, l2, period: int
    ):
        # The tall step's arrays for the distinct rows; its scale is the whole batch's.
        super().__init__(net, X[:period], T[:period], loss, lr, l2)
        rows = X.shape[0]
        self.scale = 1.0 / rows if loss.reduction == "mean" else 1.0
        self.copies = rows // period
        self.X_all = X
        # The whole batch's arrays the sums read: each hidden layer's output, each layer's delta,
        # the loss per row.
        self.outs_all = [np.empty((rows, layer.fan_out)) for layer in self.layers[:-1]]
        self.deltas_all = [np.empty((rows, layer.fan_out)) for layer in self.layers]
        self.per_sample_all = np.empty(rows)

    def _all(self, rows: np.ndarray, whole: np.ndarray) -> np.ndarray:
        """`rows` written over the whole batch's array `whole`, copy after copy."""
        whole.reshape(self.copies, *rows.shape)[...] = rows
        return whole

    def _summed_delta(self, k: int, delta: np.ndarray) -> np.ndarray:
        return self._all(delta, self.deltas_all[k])

    def _summed_input(self, k: int, a: np.ndarray) -> np.ndarray:
        return self._all(a, self.outs_all[k - 1]) if k else self.X_all

    def _cross_entropy(self, out: np.ndarray) -> float:
        """The tall step's loss: the distinct rows' terms, summed over the whole batch."""
        self._loss_terms(out)
        return float(self._all(self.per_sample, self.per_sample_all).sum() * self.scale)
