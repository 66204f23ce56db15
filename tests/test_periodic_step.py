"""The periodic step (a batch of a few rows repeated) gives the tall step's numbers bit for bit.

`train(..., period=p)` computes each distinct row's passes once when X and T are their first p
rows over and over (tutor/engine/periodic_step.py); the reference is `train` without `period`
on the same data: the tall step, itself compared with the general path in test_tall_step.py.
The comparison is of the bytes of every parameter and every loss value, and of the divergence
reports (epoch, layer, quantity), on random networks with a softmax + cross-entropy output of
2-4 classes, and on seed 004's deep network.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tests.test_small_step import HIDDEN, _bytes, _outcome, _same_bits
from tutor.engine import Init, TrainConfig, build, get_loss, train
from tutor.engine.network import Network
from tutor.engine.periodic_step import PeriodicStep, periodic_step, repeats
from tutor.engine.tall_step import TallStep


def _random_case(seed: int):
    """(net, X, T, loss, config, period): a random network with a softmax output trained on a
    few random rows tiled to 64 rows or more."""
    rng = np.random.RandomState(2000 + seed)
    widest = [6, 9, 40][rng.randint(3)]
    depth = rng.randint(1, 4)
    sizes = [int(rng.randint(1, widest)) for _ in range(depth)] + [int(rng.randint(2, 5))]
    acts = [HIDDEN[rng.randint(len(HIDDEN))] for _ in range(depth - 1)] + ["softmax"]
    bias_mode = ["neuron", "layer", "none"][rng.randint(3)]
    init = Init("normal", float(rng.choice([0.3, 1.0, 3.0])))
    net = build(sizes, acts, init, rng=rng, bias_mode=bias_mode)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.5
        layer.train_bias = bool(rng.randint(2))
    period = [1, 3, 4, 7][rng.randint(4)]
    copies = [16, 64, 250][rng.randint(3)]
    X = rng.randn(period, sizes[0]) * rng.choice([0.5, 2.0, 8.0])
    T = np.eye(sizes[-1])[rng.randint(0, sizes[-1], period)]
    X, T = np.tile(X, (copies, 1)), np.tile(T, (copies, 1))
    loss = get_loss("cross_entropy", ["mean", "sum"][rng.randint(2)])
    l2 = [0.0, 0.0, 0.01][rng.randint(3)]
    config = TrainConfig(float(rng.choice([0.05, 0.5, 1.7])), 15, "batch", l2=l2)
    return net, X, T, loss, config, period


def _losses(net, X, T, loss, config, period=0) -> list[float]:
    return train(net, X, T, loss, config, period=period).losses


@functools.cache
def _trained(seed: int) -> tuple[tuple, Network]:
    """Random case `seed` trained with its period, once per process: its outcome and its trained
    network (three tests read them; each trained all 30 cases)."""
    net, X, T, loss, config, period = _random_case(seed)
    return _outcome(_losses, net, X, T, loss, config, period), net


@pytest.mark.parametrize("seed", range(30))
def test_random_networks_on_repeated_rows_train_to_the_tall_steps_bits(seed):
    ref, X, T, loss, config, _ = _random_case(seed)
    ours, net = _trained(seed)
    assert ours == _outcome(_losses, ref, X, T, loss, config)
    assert _same_bits(net, ref)


def test_the_random_cases_include_divergences_and_finished_runs():
    outcomes = {_trained(seed)[0][0] for seed in range(30)}
    assert outcomes == {"finished", "diverged"}


def test_most_random_cases_take_the_periodic_step():
    cases = [_random_case(seed) for seed in range(30)]
    steps = [periodic_step(p)(net, X, T, loss, config) for net, X, T, loss, config, p in cases]
    periodic = [isinstance(step, PeriodicStep) for step in steps]
    assert sum(periodic) >= 15
    # Diverging runs among them too: their reports (epoch, layer, quantity) compared above.
    assert {_trained(seed)[0][0] for seed, p in enumerate(periodic) if p} == {
        "finished",
        "diverged",
    }
    # One row repeated is a vector product (gemv), not the tall product's kernel.
    assert not any(p for c, p in zip(cases, periodic) if c[-1] == 1)


def test_seed_004s_deep_network_trains_to_the_same_bits():
    """verify's deep_xor: [2, 8, 8, 2], ReLU, softmax + cross-entropy, XOR tiled to 2000 rows."""
    X = np.tile([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], (500, 1))
    T = np.eye(2)[np.tile([0, 1, 1, 0], 500)]
    net = build([2, 8, 8, 2], ["relu", "relu", "softmax"], Init("he"), seed=42)
    ref = net.copy()
    loss, config = get_loss("cross_entropy"), TrainConfig(0.1, 300)
    seen: list[bytes] = []
    theirs: list[bytes] = []

    def watch(into: list[bytes]):  # the callback sees the network of that epoch
        return lambda epoch, value, trained: into.append(trained.forward(X).tobytes())

    history = train(net, X, T, loss, config, watch(seen), period=4)
    reference = train(ref, X, T, loss, config, watch(theirs))
    assert _bytes(history.losses) == _bytes(reference.losses) and seen == theirs
    assert _same_bits(net, ref)


def test_rows_that_do_not_repeat_take_the_tall_step():
    net, X, T, loss, config, _ = _random_case(0)
    make = periodic_step(4)
    X = np.tile(np.arange(8.0).reshape(4, 2)[:, : X.shape[1]], (20, 1))
    T = np.tile(np.eye(T.shape[1])[[0, 1, 0, 1]], (20, 1))
    net = build([X.shape[1], 3, T.shape[1]], ["tanh", "softmax"], Init("he"), seed=1)
    assert isinstance(make(net, X, T, loss, config), PeriodicStep)
    changed = X.copy()
    changed[-1, 0] = -changed[-1, 0] if changed[-1, 0] else -0.0  # a −0 is another row
    assert not repeats(changed, 4) and repeats(X, 4) and repeats(X, 8)
    assert type(make(net, changed, T, loss, config)) is TallStep
    assert not repeats(X, 3) and not repeats(X, 80) and not repeats(X, 0)
    sigmoid = build([X.shape[1], 3, T.shape[1]], ["tanh", "sigmoid"], Init("he"), seed=1)
    assert type(make(sigmoid, X, T, get_loss("bce"), config)) is TallStep  # not its output
