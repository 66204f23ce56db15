"""train_stacked's per-stack arrays on random networks: each run ends with train()'s bits alone.

The stack writes each run's η and λ out at the weights' shape, makes the dropout masks of only
the runs that drop out when some run keeps every unit, and makes a large one-unit layer's
δ @ Wᵀ (an outer product) by einsum. Random widths 1-70, 2-80 rows, 1-4 runs, dropout on some
runs and layers, λ on some runs, frozen biases: every parameter's bytes and every loss.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.random_data import random_data_for_loss
from tutor.engine import Init, TrainConfig, build, get_loss, train
from tutor.engine.stacked import OUTER_BY_EINSUM, _grad_in, train_stacked

CASES = 30


def _case(seed: int):
    rng = np.random.RandomState(1000 + seed)
    depth = int(rng.randint(2, 4))
    widths = [int(w) for w in rng.choice([1, 2, 3, 8, 17, 32, 40, 64, 70], depth)]
    sizes = [int(rng.randint(1, 5)), *widths, int(rng.choice([1, 2, 3]))]
    rows = int(rng.choice([2, 5, 8, 16, 40, 63, 80]))
    hidden = str(rng.choice(["relu", "sigmoid", "tanh", "leaky_relu"]))
    output, loss_name = [("sigmoid", "bce"), ("identity", "mse"), ("tanh", "mse")][seed % 3]
    k_runs = int(rng.randint(1, 5))
    nets, configs = [], []
    for r in range(k_runs):
        net = build(sizes, [hidden] * depth + [output], Init("he"), seed=seed * 10 + r)
        drops = rng.rand() < 0.6
        for layer in net.layers[1:]:
            layer.keep_prob = float(rng.choice([0.3, 0.5, 0.9, 1.0])) if drops else 1.0
        nets.append(net)
        l2 = float(rng.choice([0.0, 0.0, 0.01, 0.5]))
        lr = float(rng.choice([0.05, 0.1, 0.3]))
        configs.append(TrainConfig(lr, 6, rule="batch", seed=int(rng.randint(0, 99)), l2=l2))
    if seed % 7 == 3:
        for net in nets:  # one bias mode for the stack
            net.layers[-1].train_bias = False
    X, T = random_data_for_loss(seed, rows, sizes[0], sizes[-1], loss_name)
    return nets, X, T, get_loss(loss_name), configs


@pytest.mark.parametrize("seed", range(CASES))
def test_every_run_of_a_random_stack_is_train_alone(seed):
    nets, X, T, loss, configs = _case(seed)
    alone = [net.copy() for net in nets]
    expected = [train(net, X, T, loss, c).losses for net, c in zip(alone, configs)]
    histories = train_stacked(nets, X, T, loss, configs)
    for r, (ours, theirs) in enumerate(zip(nets, alone)):
        assert [v.hex() for v in histories[r].losses] == [v.hex() for v in expected[r]], r
        for a, b in zip(ours.parameters(), theirs.parameters()):
            assert a.tobytes() == b.tobytes(), f"run {r}"


def test_the_random_stacks_take_every_path():
    """The cases cover: a one-unit layer's outer product by einsum and by matmul, runs dropping
    out beside runs keeping all, λ on some runs only."""
    einsum = matmul = mixed_dropout = mixed_l2 = 0
    for seed in range(CASES):
        nets, X, _, _, configs = _case(seed)
        for net in nets[:1]:
            for layer in net.layers[1:]:
                if layer.fan_out == 1 and layer.fan_in > 1 and X.shape[0] > 1:
                    big = len(nets) * X.shape[0] * layer.fan_in >= OUTER_BY_EINSUM
                    einsum += big
                    matmul += not big
        keeps = [{layer.keep_prob < 1.0 for layer in net.layers[1:]} for net in nets]
        mixed_dropout += any(True in k for k in keeps) and any(k == {False} for k in keeps)
        decays = {c.l2 != 0.0 for c in configs}
        mixed_l2 += decays == {True, False}
    assert einsum and matmul and mixed_dropout and mixed_l2


def test_a_one_unit_layers_outer_product_is_matmuls_bit_for_bit():
    """δ (K, n, 1) times Wᵀ (K, 1, fan_in): the einsum path against matmul's own loop on values
    with ±0, ±∞, NaN, subnormals and products that underflow or round to −0."""
    rng = np.random.default_rng(11)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e-200, -1e-200])
    for k_runs, rows, fan_in in [(1, 2, 2), (3, 40, 64), (4, 7, 33), (2, 80, 30), (1, 64, 64)]:
        delta = rng.standard_normal((k_runs, rows, 1))
        W = rng.standard_normal((k_runs, fan_in, 1))
        delta.flat[: len(specials)] = specials[: delta.size]
        W.flat[::2] = rng.choice(specials, W.flat[::2].shape)
        with np.errstate(all="ignore"):
            ours = _grad_in(delta, W)
            theirs = np.matmul(delta, W.swapaxes(-1, -2))
        assert ours.tobytes() == theirs.tobytes()
    assert np.signbit(_grad_in(np.full((1, 64, 1), -0.0), np.ones((1, 64, 1)))).sum() == 0
