"""losses.clip: np.clip's very bits for the probabilities a log-loss clips, without its wrappers."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.engine.losses import EPS, clip

EDGES = [np.nan, -np.inf, np.inf, -0.0, 0.0, 5e-324, 1e-13, EPS, 0.3, 1 - EPS, 1 - 1e-17, 1.0, 7.5]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("high", [1.0 - EPS, 1.0])
def test_clip_is_np_clip_bit_for_bit(dtype, high):
    rng = np.random.default_rng(5)
    values = np.concatenate([EDGES, rng.uniform(-0.5, 1.5, 200), rng.uniform(0, 1e-11, 50)])
    for shape in [(len(values),), (len(values), 1), (1, len(values)), (len(values) // 3, 3)]:
        a = values[: np.prod(shape)].astype(dtype).reshape(shape)
        ours, theirs = clip(a, EPS, high), np.clip(a, EPS, high)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        assert ours.tobytes() == theirs.tobytes()  # NaN kept, signs and every last bit
        assert not np.shares_memory(ours, a)  # a new array, as np.clip's: callers write into it
