"""Seed 001's one-hot loop (`_train_encoder`, the negated bookkeeping and np.dot's products)
against the general loop (`_train_any`, the notebook's cells as written) on random encoders:
every loss, weight and bias bit for bit, not only on the course's 8-3-8 network."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.engine import Init, build
from tutor.experiments.notebooks import encoder_838_notebook as notebook


def _random_case(seed: int):
    rng = np.random.RandomState(seed)
    n, h = int(rng.randint(2, 13)), int(rng.randint(1, 7))
    activation = ("sigmoid", "sigmoid_quirk_001")[seed % 2]
    net = build([n, h, n], [activation] * 2, Init("xavier"), rng=rng)
    for layer in net.layers:  # biases off zero, weights of either sign and scale
        layer.W *= rng.uniform(0.2, 4.0)
        layer.b[...] = rng.normal(0.0, 1.0, layer.b.shape)
    lr = float(rng.choice([0.001, 0.05, 0.2, 0.4, 1.3, 5.0]))
    inputs = np.eye(n)[rng.permutation(n)]  # one-hot rows in a random order
    return net, inputs, lr


@pytest.mark.parametrize("seed", range(24))
def test_the_one_hot_loop_is_the_general_loop_on_random_encoders(seed):
    net, inputs, lr = _random_case(seed)
    general = net.copy()
    assert notebook._one_hot_sigmoid_pair(net, inputs)
    ours = notebook._train_encoder(net, inputs, lr, 25, None, 0, 25)
    theirs = notebook._train_any(general, inputs, lr, 25, None, 0, 25)
    assert [v.hex() for v in ours] == [v.hex() for v in theirs]
    for a, b in zip(net.layers, general.layers):
        assert a.W.tobytes() == b.W.tobytes()  # signs of zeros too
        assert a.b.tobytes() == b.b.tobytes()


def test_the_random_cases_cover_both_derivatives_and_a_width_of_one():
    cases = [_random_case(seed) for seed in range(24)]
    assert {net.layers[0].activation.name for net, _, _ in cases} == {
        "sigmoid",
        "sigmoid_quirk_001",
    }
    assert any(net.sizes[1] == 1 for net, _, _ in cases)
    assert any(min(net.sizes) > 1 for net, _, _ in cases)
