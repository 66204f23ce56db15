"""The narrow-batch row max/sum (a speed path) give the very numbers np.max/np.sum give."""

import numpy as np
import pytest

from tutor.engine.activations import RELU, softmax
from tutor.engine.backprop import _bias_gradient
from tutor.engine.rows import row_max, row_sum


@pytest.mark.parametrize("columns", [1, 2, 3, 4, 5, 10])
def test_row_sum_and_max_equal_numpy_bit_for_bit(columns):
    rng = np.random.default_rng(columns)
    a = rng.standard_normal((500, columns)) * 10.0 ** rng.integers(-8, 8, (500, columns))
    assert np.array_equal(row_sum(a), np.sum(a, axis=-1))
    assert np.array_equal(row_sum(a, keepdims=True), np.sum(a, axis=-1, keepdims=True))
    assert np.array_equal(row_max(a), np.max(a, axis=-1, keepdims=True))


@pytest.mark.parametrize("columns", [1, 2, 3, 4, 5, 9])
def test_row_sum_and_max_into_a_given_array_are_the_same_numbers(columns):
    z = np.random.default_rng(columns).standard_normal((300, columns)) * 10
    out = np.full((300, 1), np.nan)
    assert row_max(z, out=out) is out and np.array_equal(out, np.max(z, axis=1, keepdims=True))
    kept = row_sum(z, keepdims=True, out=out)
    assert kept is out and np.array_equal(out, np.sum(z, axis=1, keepdims=True))
    column = row_sum(z, out=out)
    assert np.shares_memory(column, out) and np.array_equal(column, np.sum(z, axis=1))


def test_softmax_matches_the_textbook_formula():
    rng = np.random.default_rng(7)
    z = rng.standard_normal((300, 2)) * 30
    shifted = z - np.max(z, axis=1, keepdims=True)
    expected = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    assert np.array_equal(softmax(z), expected)
    assert np.allclose(softmax(z[0]), expected[0], rtol=0, atol=1e-15)  # 1-D input still works
    assert np.allclose(softmax(np.array([1, 2, 3])), np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    assert softmax(z.astype(np.float32)).dtype == np.float32


def test_relu_gate_backward_equals_derivative_product_and_respects_overwrite():
    rng = np.random.default_rng(3)
    z, g = rng.standard_normal((50, 8)), rng.standard_normal((50, 8))
    expected = g * RELU.derivative(z, RELU.forward(z))
    kept = g.copy()
    assert np.array_equal(RELU.backward(z, RELU.forward(z), kept), expected)
    assert np.array_equal(kept, g)  # not overwritten unless asked
    result = RELU.backward(z, RELU.forward(z), kept, overwrite=True)
    assert result is kept and np.array_equal(kept, expected)


@pytest.mark.parametrize(
    "shape", [(2000, 8), (2000, 2), (4, 8), (4, 2), (130, 6), (1, 3), (2000, 1), (4, 1)]
)
def test_bias_gradient_equals_numpy_sum_bit_for_bit(shape):
    rng = np.random.default_rng(shape[0])
    delta = rng.standard_normal(shape) * 10.0 ** rng.integers(-6, 6, shape)
    assert np.array_equal(_bias_gradient(delta, "neuron"), np.sum(delta, axis=0))
    assert np.array_equal(
        _bias_gradient(delta.astype(np.float32), "neuron"), np.sum(delta.astype(np.float32), axis=0)
    )
