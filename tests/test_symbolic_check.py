"""The three-way check catches seed 001's σ′(σ(z)) on the 2-2-2 example and the 8-3-8 encoder."""

import numpy as np
import pytest

from tutor.experiments.builtin_examples import get_example
from tutor.symbolic import TooLargeForSymbolic
from tutor.symbolic.derivation import derivation
from tutor.symbolic.gradcheck import check_gradients, finite_difference, relative_error
from tutor.symbolic.structure import parameters, structure_of
from tutor.symbolic.variants import example


def _check(name, variant=None):
    ex = example(name, variant)
    return check_gradients(ex.network, ex.x, ex.target, ex.loss, ex.title)


def test_seed_001_flagged_on_the_small_network_all_three_columns():
    result = _check("mazur", "seed-001")
    assert result.symbolic_note is None
    assert not result.ok and len(result.disagreements) == 10
    for row in result.rows:
        # Symbolic and finite difference agree with each other; backprop is the odd one out.
        assert row.errors[("symbolic", "finite_difference")] < 1e-8
        assert row.errors[("backprop", "symbolic")] > 0.05
    worst = max(row.worst[1] for row in result.rows)
    assert 0.18 < worst < 0.19  # w7, w8: σ′(out_o2) vs out_o2(1 − out_o2)


def test_seed_001_flagged_on_the_838_encoder_without_symbolic():
    result = _check("encoder-838", "seed-001")
    assert "59 parameters" in result.symbolic_note and "30" in result.symbolic_note
    assert all(row.symbolic is None for row in result.rows)
    assert not result.ok
    flagged = {row.name for row in result.disagreements}
    assert {"w1", "w25", "b_o1"} <= flagged
    # x = e1: only i1's weights (w1, w9, w17) carry a gradient into the hidden layer.
    assert not flagged & {"w2", "w3", "w10", "w24"}


def test_encoder_838_is_the_notebooks_network():
    # Cells [13]-[18] written out: np.random.seed(42); Layer.__init__ draws W1, W2, then
    # NN.__init__ draws them again; the second draw is the network the notebook trains.
    np.random.seed(42)
    draws = []
    for _ in range(2):
        draws.append(
            [np.random.randn(8, 3) * np.sqrt(1.0 / 8), np.random.randn(3, 8) * np.sqrt(1.0 / 3)]
        )
    net = example("encoder-838").network
    for layer, W in zip(net.layers, draws[1]):
        assert np.array_equal(layer.W, W)
        assert np.array_equal(layer.b, np.zeros(layer.W.shape[1]))


def test_seed_001_on_the_encoder_is_the_notebooks_first_gradient():
    # Layer.backward of cell [16] on the first sample e1: dZ = dA · σ′(layer_output).
    ex = example("encoder-838", "seed-001")
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    W1, W2 = (layer.W for layer in ex.network.layers)
    x = np.eye(8)[:1]
    h = sig(x @ W1)
    y = sig(h @ W2)
    dz2 = (y - x) * sig(y) * (1 - sig(y))
    dz1 = (dz2 @ W2.T) * sig(h) * (1 - sig(h))
    _, grads = ex.network.gradients(ex.x, ex.target, ex.loss)
    assert np.allclose(grads.dW[1], h.T @ dz2, rtol=1e-13)
    assert np.allclose(grads.dW[0], x.T @ dz1, rtol=1e-13)
    # The quirk's size at the notebook's first step: w1 even gets the wrong sign.
    rows = {row.name: row for row in _check("encoder-838", "seed-001").rows}
    assert rows["w1"].backprop < 0 < rows["w1"].finite_difference
    assert 1.0 < rows["w1"].worst[1] < 1.1
    assert 0.35 < rows["w17"].worst[1] < 0.4


def test_correct_networks_pass():
    assert _check("mazur").ok
    assert _check("encoder-838").ok


def test_the_quirk_only_changes_backprop():
    plain, quirk = _check("mazur"), _check("mazur", "seed-001")
    for a, b in zip(plain.rows, quirk.rows):
        assert a.symbolic == b.symbolic and a.finite_difference == b.finite_difference
        assert a.backprop != b.backprop


def test_seed_001_backprop_is_what_the_notebook_computes():
    # The notebook's Layer.backward, written out: dZ = dA · σ′(layer_output).
    ex = example("mazur", "seed-001")
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h = sig(ex.x @ ex.network.layers[0].W + ex.network.layers[0].b)
    o = sig(h @ ex.network.layers[1].W + ex.network.layers[1].b)
    dz2 = (o - ex.target) * sig(o) * (1 - sig(o))
    dz1 = (dz2 @ ex.network.layers[1].W.T) * sig(h) * (1 - sig(h))
    _, grads = ex.network.gradients(ex.x, ex.target, ex.loss)
    assert np.allclose(grads.dW[1], np.outer(h, dz2), rtol=1e-13)
    assert np.allclose(grads.dW[0], np.outer(ex.x, dz1), rtol=1e-13)


def test_finite_difference_is_fourth_order():
    ex = get_example("mazur")
    p = parameters(structure_of(ex.network, ex.loss))[5]  # w5
    assert p.name == "w5"
    fd = finite_difference(ex.network, ex.x, ex.target, ex.loss, p)
    assert relative_error(fd, 0.08216704056423078) < 1e-10


def test_relative_error_floor():
    assert relative_error(1.0, 1.0 + 1e-9) == pytest.approx(1e-9)
    assert relative_error(0.0, 1e-12) == pytest.approx(1e-8)  # below the floor: absolute


def test_too_large_for_symbolic():
    with pytest.raises(TooLargeForSymbolic, match="59 parameters"):
        derivation(example("encoder-838"), "w1")
