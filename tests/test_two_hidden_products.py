"""The two-hidden-layer loop's matrix products keep the report's bits whatever their layout.

`two_hidden_lab._Stacks` multiplies g2 by a C-contiguous copy of w2ᵀ (NumPy hands it to
OpenBLAS's small-matrix "NN" kernel), then adds 0, where the report writes `dz2 @ w2.T` (a
transposed view: OpenBLAS's general "TN" path, which adds each sum to a zeroed C); and it
forms dz3 ⊗ w3ᵀ as [dz3, 0] @ [w3ᵀ; 0] (OpenBLAS) where NumPy multiplies `dz3 @ w3.T` in its
own loop. Exactness rests on each pair computing every element as the same sum in the same
order; these tests compare them bit for bit on every shape the lessons train (and a few
more), over operands of very different magnitudes, zeros of both signs, subnormals,
infinities and NaN.
"""

from __future__ import annotations

import numpy as np
import pytest

from tutor.experiments import two_hidden as th
from tutor.experiments.notebooks.two_hidden_lab import _Stacks


def _operands(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    values = rng.standard_normal(shape) * 10.0 ** rng.uniform(-150, 150, shape)
    flat = values.reshape(-1)
    special = rng.integers(0, flat.size, size=max(1, flat.size // 20))
    flat[special] = rng.choice([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310, -1e-310], special.size)
    return values


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


@pytest.mark.parametrize("samples", [4, 21, 100])
@pytest.mark.parametrize("h1,h2", [(2, 2), (3, 3), (5, 5), (10, 10), (3, 5), (5, 2)])
def test_product_with_contiguous_transpose_has_the_bits_of_the_transposed_view(samples, h1, h2):
    rng = np.random.default_rng(samples * 100 + h1 * 10 + h2)
    with np.errstate(all="ignore"):
        for runs in (1, 3, 10):
            for _ in range(10):
                g2 = _operands(rng, (runs, samples, h2))
                w2 = _operands(rng, (runs, h1, h2))
                as_written = np.matmul(g2, w2.transpose(0, 2, 1))  # the report's dz2 @ w2.T
                contiguous = np.matmul(g2, np.ascontiguousarray(w2.transpose(0, 2, 1)))
                assert _bits(contiguous + 0.0) == _bits(as_written)
                # one run alone, as the report's own loop multiplies
                alone = g2[0] @ w2[0].T
                assert _bits(g2[0] @ np.ascontiguousarray(w2[0].T) + 0.0) == _bits(alone)


def test_the_same_bits_beyond_the_small_matrix_kernels_reach():
    """M·N·K > 100³: both products take OpenBLAS's general path; still the same bits."""
    rng = np.random.default_rng(11)
    with np.errstate(all="ignore"):
        g2, w2 = _operands(rng, (1, 1000, 40)), _operands(rng, (1, 40, 40))
        dz3, w3t = _operands(rng, (1, 1000, 1)), _operands(rng, (1, 1, 40))
        as_written = np.matmul(g2, w2.transpose(0, 2, 1))
        contiguous = np.matmul(g2, np.ascontiguousarray(w2.transpose(0, 2, 1)))
        outer = np.matmul(dz3, w3t)
        padded = np.matmul(
            np.concatenate([dz3, np.zeros_like(dz3)], axis=2),
            np.concatenate([w3t, np.zeros_like(w3t)], axis=1),
        )
    assert _bits(contiguous + 0.0) == _bits(as_written)
    assert _bits(padded) == _bits(outer)


@pytest.mark.parametrize("samples", [4, 21, 100])
@pytest.mark.parametrize("h", [2, 3, 5, 10])
def test_outer_product_padded_to_two_terms_has_the_bits_of_numpys_own_loop(samples, h):
    """dz3 ⊗ w3ᵀ: NumPy's loop for K = 1 gives 0 + d·w; [d, 0] @ [w; 0] goes to OpenBLAS."""
    rng = np.random.default_rng(samples * 10 + h)
    with np.errstate(all="ignore"):
        for runs in (1, 3, 10):
            for _ in range(20):
                dz3 = _operands(rng, (runs, samples, 1))
                w3t = _operands(rng, (runs, 1, h))
                as_written = np.matmul(dz3, w3t)  # the report's dz3 @ w3.T
                padded_left = np.concatenate([dz3, np.zeros_like(dz3)], axis=2)
                padded_right = np.concatenate([w3t, np.zeros_like(w3t)], axis=1)
                assert _bits(np.matmul(padded_left, padded_right)) == _bits(as_written)


def test_the_weight_gradient_needs_a_contiguous_dz3():
    """Why dz3 stays contiguous beside its padded copy: gemv sums a strided vector otherwise."""
    rng = np.random.default_rng(7)
    differs = 0
    for _ in range(50):
        a2 = rng.standard_normal((3, 21, 3)) * 10.0 ** rng.uniform(-8, 8, (3, 21, 3))
        dz3 = rng.standard_normal((3, 21, 1)) * 10.0 ** rng.uniform(-8, 8, (3, 21, 1))
        padded = np.concatenate([dz3, np.zeros_like(dz3)], axis=2)
        contiguous = np.matmul(a2.transpose(0, 2, 1), dz3)
        strided = np.matmul(a2.transpose(0, 2, 1), padded[..., :1])
        differs += _bits(contiguous) != _bits(strided)
    assert differs > 0


def test_without_the_added_zero_a_sum_of_zeros_may_keep_its_minus_sign():
    """Why the loop adds 0: the two kernels differ on the sign of a zero sum, nowhere else."""
    g2 = np.array([[[1e-310, 5e-97], [1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])  # 4 samples, h = 2
    w2 = np.array([[[-8e-15, -1e-310], [0.5, 3.0]]])  # g2[0] · w2[0]: two products round to −0
    as_written = np.matmul(g2, w2.transpose(0, 2, 1))
    contiguous = np.matmul(g2, np.ascontiguousarray(w2.transpose(0, 2, 1)))
    assert as_written[0, 0, 0] == 0.0 and contiguous[0, 0, 0] == 0.0
    assert np.signbit(contiguous[0, 0, 0]) and not np.signbit(as_written[0, 0, 0])
    assert _bits(contiguous + 0.0) == _bits(as_written)


def test_the_stacks_keep_w2_transposed_as_the_weights_move():
    setups = [th.setup("XOR", 3, 3, 0), th.setup("linear", 5, 5, 1), th.setup("XOR", 2, 2, 2)]
    stacks = _Stacks(
        [
            {
                "runs": np.array([k]),
                "active": np.ones(1, dtype=bool),
                "x": x[None].astype(float),
                "y": y[None].astype(float),
                "lr": np.full((1, 1, 1), 0.1),
                **{f"w{i + 1}": -net.layers[i].W[None] for i in range(3)},
            }
            for k, (net, x, y) in enumerate(setups)
        ]
    )
    with np.errstate(all="ignore"):
        for _ in range(5):
            stacks.forward()
            weights = [st["w2"].copy() for st in stacks.stacks]
            stacks.backward_and_update()
            for st, w2 in zip(stacks.stacks, weights):
                assert st["w2T"].flags.c_contiguous
                # the epoch's product used this epoch's w2 (before its update), transposed
                assert _bits(st["w2T"]) == _bits(w2.transpose(0, 2, 1))
                assert not np.array_equal(st["w2"], w2)  # and the update moved it
