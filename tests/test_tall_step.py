"""The tall-batch training step gives the general path's numbers bit for bit.

`train` runs full-batch training of float64 networks on 64 rows or more through `TallStep`
(tutor/engine/tall_step.py). The reference here is the general path's loop as `train` ran it
before, with its reusable buffers (`Network.forward`, `Loss.value`, `Network.backward`,
`apply_update`, `check_parameters`), copied below; the comparison is of the bytes of every
parameter and every loss value, on random networks of every activation, loss and bias mode,
and of the divergence reports; seed 004's [2, 8, 8, 2] on 2,000 rows takes the written-out
softmax + cross-entropy of a few classes.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tests.test_small_step import (
    HIDDEN,
    _bytes,
    _outcome,
    _same_bits,
    random_training_case,
)
from tests.test_small_step import reference_train as general_train
from tutor.engine import Init, TrainConfig, build, get_loss, train
from tutor.engine.network import Network
from tutor.engine.tall_step import MIN_ROWS, TallStep, tall_step

# `train`'s full-batch loop on a tall batch as it was before the tall step.
reference_train = functools.partial(general_train, reuse_buffers=True)


def _random_case(seed: int):
    """A random network on a tall batch, its loss and config: what the tall step serves.
    A hidden softmax too: the general path serves it and so does the tall step."""
    rng = np.random.RandomState(1000 + seed)
    return random_training_case(rng, 9, HIDDEN + ["softmax"], [MIN_ROWS, 100, 257], 12)


def _train_losses(*args) -> list[float]:
    return train(*args).losses


@functools.cache
def _trained(seed: int) -> tuple[tuple, Network]:
    """Random case `seed` trained by `train` (the tall step), once per process: its outcome and
    its trained network (two tests read them)."""
    net, X, T, loss, config = _random_case(seed)
    return _outcome(_train_losses, net, X, T, loss, config), net


@pytest.mark.parametrize("seed", range(30))
def test_random_networks_on_tall_batches_train_to_the_same_bits(seed):
    ref, X, T, loss, config = _random_case(seed)
    assert tall_step(ref, X, T, loss, config) is not None  # the tall step is what runs
    ours, net = _trained(seed)
    assert ours == _outcome(reference_train, ref, X, T, loss, config)
    assert _same_bits(net, ref)


def test_the_random_cases_include_divergences_and_finished_runs():
    outcomes = {_trained(seed)[0][0] for seed in range(30)}
    assert outcomes == {"finished", "diverged"}


def test_seed_004s_deep_network_trains_to_the_same_bits():
    """verify's deep_xor: [2, 8, 8, 2], ReLU, softmax + cross-entropy, XOR tiled to 2000 rows."""
    X = np.tile([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], (500, 1))
    T = np.eye(2)[np.tile([0, 1, 1, 0], 500)]
    net = build([2, 8, 8, 2], ["relu", "relu", "softmax"], Init("he"), seed=42)
    ref = net.copy()
    loss, config = get_loss("cross_entropy"), TrainConfig(0.1, 120)
    seen: list[bytes] = []

    def on_epoch(epoch, value, trained):  # the callback sees the network of that epoch
        seen.append(trained.forward(X[:4]).tobytes())

    assert tall_step(net, X, T, loss, config).narrow  # the written-out output layer and loss
    history = train(net, X, T, loss, config, on_epoch)
    theirs: list[bytes] = []
    reference = reference_train(
        ref, X, T, loss, config, lambda e, v, n: theirs.append(n.forward(X[:4]).tobytes())
    )
    assert _bytes(history.losses) == _bytes(reference) and seen == theirs
    assert _same_bits(net, ref)


def test_a_callback_that_reshapes_a_layer_hands_the_rest_to_the_general_path():
    rng = np.random.RandomState(7)
    X, T = rng.randn(80, 3), rng.randn(80, 2)
    net = build([3, 4, 2], ["tanh", "identity"], Init("normal", 0.5), seed=1)
    ref = net.copy()
    loss, config = get_loss("mse"), TrainConfig(0.1, 12)

    def grow(epoch, value, trained):  # a wider hidden layer after epoch 5 (as a sandbox may)
        if epoch == 5:
            first, second = trained.layers
            first.W = np.hstack([first.W, np.full((3, 1), 0.25)])
            first.b = np.append(first.b, 0.0)
            second.W = np.vstack([second.W, np.full((1, 2), -0.5)])

    assert _bytes(train(net, X, T, loss, config, grow).losses) == _bytes(
        reference_train(ref, X, T, loss, config, grow)
    )
    assert _same_bits(net, ref)


def test_what_the_tall_step_leaves_to_the_general_path():
    net = build([2, 3, 1], ["relu", "sigmoid"], Init("normal", 0.5), seed=0)
    X, T, loss = np.ones((MIN_ROWS, 2)), np.zeros((MIN_ROWS, 1)), get_loss("bce")
    assert isinstance(tall_step(net, X, T, loss, TrainConfig(0.1, 1)), TallStep)
    assert tall_step(net, X[:-1], T[:-1], loss, TrainConfig(0.1, 1)) is None  # the small step's
    assert tall_step(net, X, T, loss, TrainConfig(0.1, 1, "minibatch")) is None
    assert tall_step(net, X.astype(np.float32), T, loss, TrainConfig(0.1, 1)) is None
    net.layers[0].keep_prob = 0.5
    assert tall_step(net, X, T, loss, TrainConfig(0.1, 1)) is None  # dropout
    net.layers[0].keep_prob = 1.0
    assert tall_step(net.astype(np.float32), X, T, loss, TrainConfig(0.1, 1)) is None


@pytest.mark.parametrize("classes", [2, 3, 4])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_softmax_and_cross_entropy_written_out_give_the_same_bits(classes, reduction):
    rng = np.random.RandomState(classes)
    for scale, lr in [(1.0, 0.3), (8.0, 40.0)]:  # small steps; large weights and steps
        net = build([3, 5, classes], ["tanh", "softmax"], Init("normal", scale), rng=rng)
        X = rng.randn(90, 3) * scale
        T = np.eye(classes)[rng.randint(0, classes, 90)]
        loss, config = get_loss("cross_entropy", reduction), TrainConfig(lr, 15)
        assert tall_step(net, X, T, loss, config).narrow
        ref = net.copy()
        assert _outcome(_train_losses, net, X, T, loss, config) == _outcome(
            reference_train, ref, X, T, loss, config
        )
        assert _same_bits(net, ref)
