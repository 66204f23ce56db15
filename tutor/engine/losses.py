"""Loss functions with their gradient with respect to the network's output.

`value(out, target)` is the scalar the course prints; `grad(out, target)` is
dE/dout with the same reduction, so a gradient step on it is exactly the
course's step. BCE and cross-entropy clip probabilities away from 0 and 1 so
that log(0) never happens (the divide-by-zero of seed 002).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from tutor.engine.activations import ACTIVATIONS, Activation
from tutor.engine.rows import row_sum

# Probabilities are clipped to [EPS, 1 − EPS] before a log or a division.
EPS = 1e-12
# How far from 1 the targets of cross-entropy may sum (the fused δ = out − t needs Σt = 1).
TARGET_SUM_TOLERANCE = 1e-9


def _rows(a) -> np.ndarray:
    """`a` as a batch of rows; an array of 2 or more dimensions as it is (atleast_2d's own
    answer for it, without the call: it costs more than a small batch's loss)."""
    return a if type(a) is np.ndarray and a.ndim >= 2 else np.atleast_2d(a)


def clip(a: np.ndarray, low: float, high: float) -> np.ndarray:
    """np.clip(a, low, high) of a float array as a new array, bit for bit: the larger of a and
    low, then the smaller of that and high (a NaN stays NaN, as in np.clip), without np.clip's
    Python-level wrappers, which cost 3-4× the clipping of a training step's small batch."""
    clipped = np.maximum(a, low)
    return np.minimum(clipped, high, out=clipped)


@dataclass(frozen=True)
class Loss:
    """A loss E(out, target), its gradient dE/dout, and how it reduces over samples."""

    name: str
    formula: str
    reduction: str = "mean"  # "mean" over samples, or "sum"
    # The output activation after which dE/dnet = out − target is written directly, if any.
    fuses_with: ClassVar[str | None] = None
    # True for a log-loss: the outputs must be probabilities (in (0, 1)).
    takes_probabilities: ClassVar[bool] = False

    def _scale(self, n_samples: int) -> float:
        return 1.0 / n_samples if self.reduction == "mean" else 1.0

    def per_sample(self, out: np.ndarray, target: np.ndarray) -> np.ndarray:
        """The loss of each sample (rows), before reduction."""
        raise NotImplementedError

    def value(self, out: np.ndarray, target: np.ndarray) -> float:
        """The reduced scalar loss."""
        out, target = _rows(out), _rows(target)
        return float(self.per_sample(out, target).sum() * self._scale(out.shape[0]))

    def grad(self, out: np.ndarray, target: np.ndarray) -> np.ndarray:
        """dE/dout, the same shape as `out`."""
        raise NotImplementedError

    def traced_terms(self, n_out: int) -> tuple[str, str]:
        """(E_o, dE_total/dout) as the traced step writes them: {0} the target, {1} the output."""
        raise NotImplementedError

    def traced_values(self, t: float, out: float, n_out: int) -> tuple[float, float]:
        """(E_o, dE_total/dout) of one output in scalar arithmetic, by the traced formulas."""
        raise NotImplementedError

    def output_error(self, output: Activation) -> str | None:
        """Why this loss cannot follow an output layer of `output`, or None when it can."""
        if not self.takes_probabilities or output.probabilities:
            return None
        # A log-loss on outputs that cannot be probabilities would be clipped into a wrong value.
        allowed = " or ".join(
            a.name for a in ACTIVATIONS.values() if a.probabilities and a.not_in_files is None
        )
        return (
            f"{self.name} needs outputs that are probabilities, after {allowed}; "
            f"the output layer is {output.name}"
        )

    def target_error(self, target: Sequence[float]) -> str | None:
        """Why `target` (one sample's targets) is outside this loss's domain, or None."""
        return None


class HalfSquaredError(Loss):
    """The worked example's E = Σ ½(target − out)², summed over outputs."""

    def traced_terms(self, n_out):
        return "½·({0} − {1})²", "−({0} − {1})"

    def traced_values(self, t, out, n_out):
        return 0.5 * (t - out) ** 2, -(t - out)

    def per_sample(self, out, target):
        return 0.5 * ((target - out) ** 2).sum(axis=-1)

    def grad(self, out, target):
        out, target = _rows(out), _rows(target)
        scale = self._scale(out.shape[0])
        # ×1.0 changes no bit (the worked example's 'sum'): skip the call.
        return out - target if scale == 1.0 else (out - target) * scale


class MeanSquaredError(Loss):
    """MSE: the mean of (target − out)² over outputs (and over samples with 'mean')."""

    def traced_terms(self, n_out):
        return f"({{0}} − {{1}})²/{n_out}", f"2·({{1}} − {{0}})/{n_out}"

    def traced_values(self, t, out, n_out):
        return (t - out) ** 2 / n_out, 2.0 * (out - t) / n_out

    def per_sample(self, out, target):
        return np.mean((target - out) ** 2, axis=-1)

    def grad(self, out, target):
        out, target = _rows(out), _rows(target)
        return 2.0 * (out - target) / out.shape[-1] * self._scale(out.shape[0])


class BinaryCrossEntropy(Loss):
    """BCE −[t·log(out) + (1−t)·log(1−out)], summed over outputs; clipped: no log(0)."""

    takes_probabilities = True

    def traced_terms(self, n_out):
        return "−({0}·ln({1}) + (1 − {0})·ln(1 − {1}))", "({1} − {0})/({1}·(1 − {1}))"

    def traced_values(self, t, out, n_out):
        p = min(max(out, EPS), 1.0 - EPS)
        return -(t * math.log(p) + (1.0 - t) * math.log(1.0 - p)), (p - t) / (p * (1.0 - p))

    def per_sample(self, out, target):
        p = clip(out, EPS, 1.0 - EPS)
        return -row_sum(target * np.log(p) + (1.0 - target) * np.log1p(-p))

    def grad(self, out, target):
        out, target = _rows(out), _rows(target)
        p = clip(out, EPS, 1.0 - EPS)
        return (p - target) / (p * (1.0 - p)) * self._scale(out.shape[0])

    def target_error(self, target):
        bad = [t for t in target if not 0.0 <= t <= 1.0]
        return f"bce needs targets in [0, 1], got {bad[0]!r}" if bad else None


class CrossEntropy(Loss):
    """Categorical cross-entropy −Σ_k t_k·log(out_k) on probabilities (after softmax)."""

    takes_probabilities = True
    # After a softmax layer the traced step writes δ = out − t at once (the Jacobian cancels).
    fuses_with = "softmax"

    def traced_terms(self, n_out):
        return "−{0}·ln({1})", "−{0}/{1}"

    def traced_values(self, t, out, n_out):
        p = max(out, EPS)
        return -t * math.log(p), -t / p

    def per_sample(self, out, target):
        log_p = clip(out, EPS, 1.0)
        np.log(log_p, out=log_p)  # in place on the clipped copy
        return -row_sum(target * log_p)

    def grad(self, out, target):
        out, target = _rows(out), _rows(target)
        return -target / clip(out, EPS, 1.0) * self._scale(out.shape[0])

    def target_error(self, target):
        # After softmax, δ = out − t is dE/dnet only when the targets are a distribution.
        negative = [t for t in target if t < 0.0]
        if negative:
            return f"cross_entropy needs targets ≥ 0 (a distribution), got {negative[0]!r}"
        total = math.fsum(target)
        if abs(total - 1.0) > TARGET_SUM_TOLERANCE:
            return (
                f"cross_entropy needs targets that sum to 1 (within {TARGET_SUM_TOLERANCE:g}), "
                f"a distribution; these sum to {total!r}"
            )
        return None


# The formulas are one sample's E (k runs over the outputs); `reduction` says how samples combine.
HALF_SSE = HalfSquaredError("half_sse", "E = Σ_k ½(t_k − out_k)²", reduction="sum")
MSE = MeanSquaredError("mse", "E = (1/n)·Σ_k (t_k − out_k)²  (the mean over the n outputs)")
BCE = BinaryCrossEntropy(
    "bce", "E = −Σ_k [t_k·ln(p_k) + (1 − t_k)·ln(1 − p_k)],  p = out clipped to [1e-12, 1 − 1e-12]"
)
CROSS_ENTROPY = CrossEntropy(
    "cross_entropy", "E = −Σ_k t_k·ln(p_k),  p = out clipped to [1e-12, 1]"
)

LOSSES: dict[str, Loss] = {loss.name: loss for loss in (HALF_SSE, MSE, BCE, CROSS_ENTROPY)}


def get_loss(name: str, reduction: str | None = None) -> Loss:
    """The loss called `name`, optionally with another reduction ('mean' or 'sum')."""
    if name not in LOSSES:
        known = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {name!r}; expected one of {known}")
    loss = LOSSES[name]
    if reduction is None or reduction == loss.reduction:
        return loss
    if reduction not in ("mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}; expected 'mean' or 'sum'")
    return replace(loss, reduction=reduction)
