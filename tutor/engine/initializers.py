"""Weight initialisers, drawn from a seeded legacy RandomState.

The course notebooks call `np.random.seed(n)` and then draw weights layer by
layer with `np.random.randn`/`np.random.rand`. `np.random.RandomState(n)` draws
the very same numbers, so a network built here with the same seed and the same
order of draws reproduces a notebook's weights bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Init:
    """How to fill a (fan_in, fan_out) weight matrix.

    kind: 'normal' (randn·scale), 'uniform' (U[low, high)), 'rand' (U[0,1)·scale),
    'lecun' (randn·√(1/fan_in), LeCun's scaling; 'xavier' is the course notebooks' name for
    the same draw, which is not Glorot's √(2/(fan_in+fan_out))), 'xavier_uniform' (Glorot's
    U[±√(6/(fan_in+fan_out))]), 'he' (randn·√(2/fan_in)), 'zeros'.
    """

    kind: str = "he"
    scale: float = 1.0
    low: float = -1.0
    high: float = 1.0

    def draw(self, rng: np.random.RandomState, fan_in: int, fan_out: int) -> np.ndarray:
        """Draw a (fan_in, fan_out) matrix, consuming `rng` exactly as the notebooks do."""
        shape = (fan_in, fan_out)
        if self.kind == "normal":
            return rng.randn(*shape) * self.scale
        if self.kind == "uniform":
            # The notebooks write `2 * random.random(shape) - 1`; keep that arithmetic.
            return (self.high - self.low) * rng.random_sample(shape) + self.low
        if self.kind == "rand":
            return rng.rand(*shape) * self.scale
        if self.kind in ("lecun", "xavier"):
            return rng.randn(*shape) * np.sqrt(1.0 / fan_in)
        if self.kind == "xavier_uniform":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-limit, limit, size=shape)
        if self.kind == "he":
            return rng.randn(*shape) * np.sqrt(2.0 / fan_in)
        if self.kind == "zeros":
            return np.zeros(shape)
        raise ValueError(f"unknown initialiser {self.kind!r}; expected one of {', '.join(KINDS)}")


KINDS = ("normal", "uniform", "rand", "lecun", "xavier", "xavier_uniform", "he", "zeros")
