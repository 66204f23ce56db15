"""Constants for the notebooks' hot loops, as ufuncs take them fastest."""

from __future__ import annotations

import numpy as np


def constant(value: float) -> np.ndarray:
    """A read-only 0-d float64 array: a ufunc takes it as it takes the Python float (the same
    float64 loop, the same numbers) without converting a Python scalar at every call."""
    array = np.full((), value, dtype=np.float64)
    array.flags.writeable = False
    return array


ONE = constant(1.0)
