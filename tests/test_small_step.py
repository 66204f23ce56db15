"""The small-network training step gives the general path's numbers bit for bit.

`train` runs full-batch training of small float64 networks through `SmallStep`
(tutor/engine/small_step.py). The reference here is the general path's loop as `train` ran it
before (`Network.forward`, `Loss.value`, `Network.backward`, `apply_update`,
`check_parameters`), copied below; the comparison is of the bytes of every parameter and of
every loss value (so a −0.0 for a 0.0 fails too), on random networks of every activation, loss
and bias mode, and of the divergence reports.
"""

from __future__ import annotations

import functools
import math
import struct

import numpy as np
import pytest

from tutor.engine import TrainConfig, TrainingDiverged, build, dense, get_loss, train
from tutor.engine.activations import SIGMOID, get_activation, sigmoid
from tutor.engine.network import Cache, Network
from tutor.engine.small_step import MAX_ROWS, SmallStep, _Layer, _sigmoid_into, small_step
from tutor.engine.training import apply_update, check_parameters, locate_divergence
from tutor.experiments.builtin_examples import get_example


def reference_train(
    net: Network, X, T, loss, config: TrainConfig, on_epoch=None, reuse_buffers: bool = False
) -> list[float]:
    """`train`'s full-batch loop as it was before the small and tall steps (the general path);
    with `reuse_buffers`, its arrays kept from step to step as it does on a tall batch."""
    losses: list[float] = []
    buffers: dict | None = {} if reuse_buffers else None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, config.epochs + 1):
            cache = Cache(buffers=buffers)
            out = net.forward(X, cache)
            value = loss.value(out, T)
            if not math.isfinite(value):
                raise locate_divergence(cache, epoch)
            grads = net.backward(cache, T, loss, frozen_bias_gradients=False)
            apply_update(net, grads, config.learning_rate, config.l2)
            losses.append(value)
            check_parameters(net, epoch)
            if on_epoch is not None and on_epoch(epoch, value, net) is False:
                break
    return losses


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu(0.2)", "identity", "sigmoid_quirk_001"]
OUTPUT = HIDDEN + ["softmax"]
LOSSES = ["half_sse", "mse", "bce", "cross_entropy"]


def _random_case(seed: int):
    """A random small network, data, loss and config that the small step serves."""
    rng = np.random.RandomState(seed)
    return random_training_case(rng, 5, HIDDEN, [1, 1, 2, 4, 7, 12, MAX_ROWS], 25)


def random_training_case(rng, widest: int, hidden: list[str], rows_from: list[int], epochs: int):
    """(net, X, T, loss, config): a random network of layers up to `widest` - 1 wide, its
    hidden activations from `hidden`, on a batch of a random count of `rows_from` rows."""
    depth = rng.randint(1, 4)
    sizes = [int(rng.randint(1, widest)) for _ in range(depth + 1)]
    output = OUTPUT[rng.randint(len(OUTPUT))]
    if output == "softmax":
        sizes[-1] = max(2, sizes[-1])
        loss_name = "cross_entropy"
    else:
        loss_name = LOSSES[rng.randint(len(LOSSES))]
        if loss_name in ("bce", "cross_entropy"):
            output = "sigmoid"
    acts = [hidden[rng.randint(len(hidden))] for _ in range(depth - 1)] + [output]
    bias_mode = ["neuron", "layer", "none"][rng.randint(3)]
    net = build(sizes, acts, _init(rng), rng=rng, bias_mode=bias_mode)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.5
        layer.train_bias = bool(rng.randint(2))
    rows = rows_from[rng.randint(len(rows_from))]
    X = rng.randn(rows, sizes[0]) * rng.choice([0.5, 2.0, 8.0])
    if loss_name == "cross_entropy":
        T = np.eye(sizes[-1])[rng.randint(0, sizes[-1], rows)]
    elif loss_name == "bce":
        T = (rng.rand(rows, sizes[-1]) > 0.5).astype(float)
    else:
        T = rng.randn(rows, sizes[-1]) * 0.5
    reduction = ["mean", "sum"][rng.randint(2)]
    loss = get_loss(loss_name, reduction)
    l2 = [0.0, 0.0, 0.01][rng.randint(3)]
    config = TrainConfig(float(rng.choice([0.05, 0.5, 1.7])), epochs, "batch", l2=l2)
    return net, X, T, loss, config


def _init(rng):
    from tutor.engine import Init

    return Init("normal", float(rng.choice([0.3, 1.0, 3.0])))


def _bytes(values) -> bytes:
    return b"".join(struct.pack("<d", v) for v in values)


def _same_bits(a: Network, b: Network) -> bool:
    return all(x.tobytes() == y.tobytes() for x, y in zip(a.parameters(), b.parameters()))


@functools.cache
def _trained(seed: int) -> tuple[tuple, Network]:
    """Random case `seed` trained by `train` (the small step), once per process: its outcome and
    its trained network, for the test comparing it with the reference and the one counting
    outcomes (which trained all 60 cases again)."""
    net, X, T, loss, config = _random_case(seed)
    return _outcome(_train_losses, net, X, T, loss, config), net


@pytest.mark.parametrize("seed", range(60))
def test_random_networks_train_to_the_same_bits(seed):
    ref, X, T, loss, config = _random_case(seed)
    assert small_step(ref, X, T, loss, config) is not None  # the small step is what runs
    ours, net = _trained(seed)
    theirs = _outcome(reference_train, ref, X, T, loss, config)
    assert ours == theirs
    assert _same_bits(net, ref)


def test_the_random_networks_include_divergences_and_finished_runs():
    outcomes = {_trained(seed)[0][0] for seed in range(60)}
    assert outcomes == {"finished", "diverged"}


def _train_losses(*args) -> list[float]:
    return train(*args).losses


def _outcome(run, *args) -> tuple:
    """("finished", the losses' bytes) or ("diverged", epoch, layer, quantity) of run(*args)."""
    try:
        return "finished", _bytes(run(*args))
    except TrainingDiverged as error:
        return "diverged", error.epoch, error.layer, error.quantity


def test_the_worked_example_trains_to_the_same_bits_for_2000_epochs():
    ex = get_example("mazur")
    X, T = np.atleast_2d(ex.x), np.atleast_2d(ex.target)
    config = TrainConfig(ex.learning_rate, 2000)
    net, ref = ex.network.copy(), ex.network.copy()
    assert small_step(net, X, T, ex.loss, config) is not None
    history = train(net, X, T, ex.loss, config)
    assert _bytes(history.losses) == _bytes(reference_train(ref, X, T, ex.loss, config))
    assert _same_bits(net, ref)
    # The output net inputs start ≥ 0 and net_o1 turns negative on the way (target 0.01):
    # both the all-≥-0 form of the sigmoid and a sign pattern ran.
    nets = [ex.network.forward(X, cache := Cache()) is not None and cache.nets[1], None]
    ref.forward(X, cache := Cache())
    nets[1] = cache.nets[1]
    assert nets[0].min() >= 0 and nets[1][0, 0] < 0 <= nets[1][0, 1]


@pytest.mark.parametrize("outputs", [1, 2])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_one_row_of_sigmoid_outputs_with_half_sse_trains_to_the_same_bits(outputs, reduction):
    """The case written out in Python floats (SmallStep._sigmoid_row_loss)."""
    rng = np.random.RandomState(outputs)
    net = build([3, 2, outputs], ["tanh", "sigmoid"], _init(rng), rng=rng, bias_mode="layer")
    X, T = rng.randn(1, 3), rng.rand(1, outputs)
    loss, config = get_loss("half_sse", reduction), TrainConfig(2.5, 400)
    fast = small_step(net, X, T, loss, config)
    assert fast is not None and fast.sigmoid_row
    ref = net.copy()
    history = train(net, X, T, loss, config)
    assert _bytes(history.losses) == _bytes(reference_train(ref, X, T, loss, config))
    assert _same_bits(net, ref)


def test_xor_with_bce_trains_to_the_same_bits_through_mixed_signs():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    T = np.array([[0], [1], [1], [0]], dtype=float)
    net = build([2, 2, 1], ["sigmoid", "sigmoid"], _init(np.random.RandomState(3)), seed=5)
    ref = net.copy()
    config = TrainConfig(0.5, 3000)
    history = train(net, X, T, get_loss("bce"), config)
    assert _bytes(history.losses) == _bytes(reference_train(ref, X, T, get_loss("bce"), config))
    assert _same_bits(net, ref)


SPECIAL = [0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 36.0, -36.0, 709.0, -709.0, 745.5, -745.5,
           1e308, -1e308, math.inf, -math.inf, math.nan]  # fmt: skip


@pytest.mark.parametrize("pattern_cache", [True, False])
def test_the_sigmoid_in_place_is_the_sigmoid_bit_for_bit(pattern_cache):
    rng = np.random.RandomState(0)
    for _ in range(300):
        z = np.concatenate([rng.choice(SPECIAL, 3), rng.randn(3) * 10.0 ** rng.randint(-3, 3)])
        rng.shuffle(z)
        z = z.reshape(2, 3)
        layer = _Layer(dense(np.zeros((1, 3)), activation="sigmoid"), 2, 0.1)
        if not pattern_cache:
            layer.signs = None
        layer.net[...] = z
        with np.errstate(over="ignore", invalid="ignore"):
            ours = _sigmoid_into(layer).copy()
            theirs = sigmoid(z)
        assert np.array_equal(np.isnan(ours), np.isnan(theirs))
        ok = ~np.isnan(theirs)
        assert ours[ok].tobytes() == theirs[ok].tobytes(), z


def test_a_sigmoid_with_every_net_input_at_least_zero_takes_the_short_form():
    layer = _Layer(dense(np.zeros((1, 2)), activation="sigmoid"), 1, 0.1)
    layer.net[...] = [[0.0, 3.0]]
    assert np.array_equal(_sigmoid_into(layer), sigmoid(np.array([[0.0, 3.0]])))
    assert layer.signs == {}  # no pattern was needed
    layer.net[...] = [[-0.0, -3.0]]  # −0.0 ≥ 0 and −3 < 0: one pattern, kept
    assert _sigmoid_into(layer).tobytes() == sigmoid(np.array([[-0.0, -3.0]])).tobytes()
    assert list(layer.signs) == [(True, False)]
    assert layer.signs[(True, False)][0].tolist() == [[-1.0, 1.0]]
    assert SIGMOID is layer.act


def _divergence(run) -> tuple:
    with pytest.raises(TrainingDiverged) as info:
        run()
    return info.value.epoch, info.value.layer, info.value.quantity, str(info.value)


EXPECTED_DIVERGENCE = {
    "nan in the data": (1, 1, "net input"),
    "huge learning rate": (2, None, "loss"),  # the outputs ~1e307: only (t − out)² overflows
    "nan weight from a callback": (4, 2, "net input"),
    "inf in the data": (1, 1, "weights after the update"),
}


@pytest.mark.parametrize("case", EXPECTED_DIVERGENCE)
def test_divergence_is_reported_as_the_general_path_reports_it(case):
    net = Network(
        [
            dense([[0.5, -0.2], [0.1, 0.3]], [0.1, -0.1], "sigmoid"),
            dense([[0.5], [-0.4]], [0.2], "identity"),
        ]
    )
    X, T = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([[0.3], [-0.2]])
    lr, callback = 0.1, None
    if case == "nan in the data":
        X[1, 0] = np.nan
    elif case == "huge learning rate":
        lr = 1e308
    elif case == "nan weight from a callback":

        def callback(epoch, loss, trained):
            if epoch == 3:
                trained.layers[1].W[1, 0] = np.nan

    else:
        X[0, 0] = np.inf  # the loss stays finite (σ(∞) = 1); dE/dW1 has ∞·0 = NaN

    config = TrainConfig(lr, 6)
    loss = get_loss("mse")
    ref = net.copy()
    assert small_step(net, X, T, loss, config) is not None
    ours = _divergence(lambda: train(net, X, T, loss, config, callback))
    theirs = _divergence(lambda: reference_train(ref, X, T, loss, config, callback))
    assert ours == theirs
    assert ours[:3] == EXPECTED_DIVERGENCE[case]


CALLBACK_CHANGES = {
    "a new weight array": lambda layers: setattr(layers[0], "W", layers[0].W * 0.5),
    "a frozen bias in place": lambda layers: layers[1].b.__setitem__(0, 0.25),
    "a bias unfrozen": lambda layers: setattr(layers[1], "train_bias", True),
    "another activation": lambda layers: setattr(
        layers[0], "activation", get_activation("sigmoid")
    ),
    # Not a network the small step serves: the general path takes the remaining epochs.
    "float32 weights": lambda layers: setattr(layers[0], "W", layers[0].W.astype(np.float32)),
}


@pytest.mark.parametrize("change", CALLBACK_CHANGES)
def test_a_callback_that_changes_the_network_is_followed(change):
    net = build([2, 3, 1], ["tanh", "sigmoid"], _init(np.random.RandomState(1)), seed=2)
    net.layers[1].bias_mode, net.layers[1].b = "layer", np.array([0.1])
    net.layers[1].train_bias = False
    X, T = np.random.RandomState(3).randn(5, 2), np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])

    def swap(epoch, loss, trained):
        if epoch == 4:
            CALLBACK_CHANGES[change](trained.layers)

    ref, initial = net.copy(), net.copy()
    config = TrainConfig(0.7, 10)
    history = train(net, X, T, get_loss("bce"), config, swap)
    expected = reference_train(ref, X, T, get_loss("bce"), config, swap)
    assert _bytes(history.losses) == _bytes(expected)
    assert _same_bits(net, ref)
    unchanged = reference_train(initial, X, T, get_loss("bce"), config)
    assert _bytes(unchanged) != _bytes(expected)  # the change mattered


def test_what_the_small_step_leaves_to_the_general_path():
    net = build([2, 2, 2], ["sigmoid", "sigmoid"], _init(np.random.RandomState(1)), seed=2)
    X, T, loss = np.ones((4, 2)), np.zeros((4, 2)), get_loss("mse")
    assert isinstance(small_step(net, X, T, loss, TrainConfig(0.1, 1)), SmallStep)
    assert small_step(net, X, T, loss, TrainConfig(0.1, 1, "online")) is None
    assert small_step(net, np.ones((64, 2)), np.zeros((64, 2)), loss, TrainConfig(0.1, 1)) is None
    assert small_step(net, X.astype(np.float32), T, loss, TrainConfig(0.1, 1)) is None
    net.layers[0].keep_prob = 0.5
    assert small_step(net, X, T, loss, TrainConfig(0.1, 1)) is None
    net.layers[0].keep_prob = 1.0
    net.layers[1].train_bias = False
    net.layers[1].b[0] = np.inf  # a frozen bias is checked once: a non-finite one is not served
    assert small_step(net, X, T, loss, TrainConfig(0.1, 1)) is None
    softmax_net = build([2, 3], ["softmax"], _init(np.random.RandomState(1)), seed=2)
    assert small_step(softmax_net, X, np.ones((4, 3)) / 3, loss, TrainConfig(0.1, 1)) is None
