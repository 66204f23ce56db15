"""Training by every update rule, initialisers, stability at |z| = 1000, divergence reports.

The reference below is the textbook loop, written out: it must give the very same bits as
`train` (which reuses arrays, fuses softmax + cross-entropy and skips work for small batches).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.random_data import random_data as _data
from tutor.engine import (
    ACTIVATIONS,
    Init,
    TrainConfig,
    TrainingDiverged,
    build,
    dense,
    get_loss,
    train,
)
from tutor.engine.losses import LOSSES
from tutor.engine.network import Network


def reference_step(net: Network, X, T, loss, lr: float, l2: float = 0.0) -> float:
    """One gradient step, the textbook way; returns the loss before the update."""
    inputs, nets, outs = [], [], []
    a = X
    for layer in net.layers:
        z = a @ layer.W
        if layer.bias_mode != "none":
            z = z + layer.b
        inputs.append(a)
        nets.append(z)
        a = layer.activation.forward(z)
        outs.append(a)
    value = loss.value(a, T)
    last = net.layers[-1]
    if last.activation.name == "softmax" and loss.name == "cross_entropy":
        delta = (a - T) * (1.0 / len(X) if loss.reduction == "mean" else 1.0)
    else:
        delta = last.activation.backward(nets[-1], a, loss.grad(a, T))
    updates = []
    for k in range(len(net.layers) - 1, -1, -1):
        layer = net.layers[k]
        dW = inputs[k].T @ delta
        db = np.sum(delta, axis=0) if layer.bias_mode == "neuron" else np.sum(delta).reshape(1)
        updates.append((layer, dW, db))
        if k > 0:
            prev = net.layers[k - 1]
            delta = prev.activation.backward(nets[k - 1], outs[k - 1], delta @ layer.W.T)
    for layer, dW, db in updates:
        if l2:
            dW = dW + l2 * layer.W
        layer.W -= lr * dW
        if layer.train_bias and layer.bias_mode != "none":
            layer.b -= lr * db
    return value


def reference_train(net, X, T, loss, config: TrainConfig) -> list[float]:
    """Every rule as the notebooks write it: all rows, one row at a time, shuffled batches."""
    n = len(X)
    rng = np.random.default_rng(config.seed)
    losses = []
    for _ in range(config.epochs):
        if config.rule == "batch":
            losses.append(reference_step(net, X, T, loss, config.learning_rate, config.l2))
            continue
        size = 1 if config.rule == "online" else config.batch_size
        order = rng.permutation(n) if config.rule == "minibatch" and config.shuffle else None
        values, counts = [], []
        for start in range(0, n, size):
            idx = order[start : start + size] if order is not None else slice(start, start + size)
            values.append(
                reference_step(net, X[idx], T[idx], loss, config.learning_rate, config.l2)
            )
            counts.append(len(X[idx]))
        # The epoch's loss, reduced over all n samples the way the loss reduces a batch.
        if loss.reduction == "mean":
            losses.append(sum(v * c for v, c in zip(values, counts)) / n)
        else:
            losses.append(sum(values))
    return losses


# (sizes, activations, loss, rule, batch size, bias mode, train bias, targets, n, dtype, l2)
CONFIGS = {
    "batch-sigmoid-mse-neuron": ([3, 4, 2], ["sigmoid", "sigmoid"], "mse", "batch", 0, "neuron",
                                 True, "binary", 12, np.float64, 0.0),
    "batch-96-rows-relu-softmax": ([3, 5, 3], ["relu", "softmax"], "cross_entropy", "batch", 0,
                                   "neuron", True, "classes", 96, np.float64, 0.0),
    "batch-float32-tanh-ce": ([3, 6, 3], ["tanh", "softmax"], "cross_entropy", "batch", 0,
                              "neuron", True, "classes", 80, np.float32, 0.0),
    "online-tanh-half-sse-layer-bias": ([2, 3, 2], ["tanh", "identity"], "half_sse", "online",
                                        1, "layer", True, "real", 7, np.float64, 0.0),
    "online-frozen-layer-bias": ([2, 2, 2], ["sigmoid", "sigmoid"], "half_sse", "online", 1,
                                 "layer", False, "binary", 5, np.float64, 0.0),
    "minibatch-relu-bce-uneven": ([4, 5, 1], ["relu", "sigmoid"], "bce", "minibatch", 4,
                                  "neuron", True, "binary", 18, np.float64, 0.0),
    "minibatch-leaky-ce-l2": ([3, 4, 3], ["leaky_relu", "softmax"], "cross_entropy",
                              "minibatch", 5, "layer", True, "classes", 17, np.float64, 0.01),
    "minibatch-70-rows-no-bias": ([3, 4, 2], ["identity", "tanh"], "mse", "minibatch", 70, "none",
                                  True, "real", 150, np.float64, 0.0),
    "minibatch-sum-reduction": ([2, 3, 2], ["tanh", "sigmoid"], "half_sse", "minibatch", 3,
                                "neuron", False, "binary", 10, np.float64, 0.0),
}  # fmt: skip


@pytest.mark.parametrize("name", CONFIGS)
def test_train_equals_the_textbook_loop_bit_for_bit(name):
    sizes, acts, loss_name, rule, size, bias, train_bias, kind, n, dtype, l2 = CONFIGS[name]
    X, T = _data(len(name), n, sizes[0], sizes[-1], kind)
    X, T = X.astype(dtype), T.astype(dtype)
    loss = get_loss(loss_name)
    config = TrainConfig(0.3, 6, rule, batch_size=size or 32, seed=4, l2=l2)
    net = build(sizes, acts, Init("normal", 0.7), seed=9, bias_mode=bias, dtype=dtype)
    for layer in net.layers:
        layer.b[:] = 0.1
        layer.train_bias = train_bias
    ref = net.copy()
    history = train(net, X, T, loss, config)
    ref_losses = reference_train(ref, X, T, loss, config)
    for ours, theirs in zip(net.parameters(), ref.parameters()):
        assert ours.dtype == theirs.dtype == dtype
        assert np.array_equal(ours, theirs)  # 0 difference, not a tolerance
    assert history.losses == ref_losses
    if not train_bias:
        assert all(np.all(layer.b == 0.1) for layer in net.layers)
    elif bias != "none":
        assert all(np.any(layer.b != 0.1) for layer in net.layers)
    if bias == "layer":
        assert all(layer.b.shape == (1,) for layer in net.layers)


def test_online_visits_samples_in_order_and_minibatch_shuffles_per_epoch():
    """Online = one step per row in order; minibatch with shuffle differs from the unshuffled."""
    X, T = _data(1, 8, 2, 1, "binary")
    loss = get_loss("bce")
    nets = {}
    for rule, shuffle in (("online", False), ("minibatch", False), ("minibatch", True)):
        net = build([2, 3, 1], ["tanh", "sigmoid"], Init("normal", 0.5), seed=2)
        train(net, X, T, loss, TrainConfig(0.5, 3, rule, batch_size=1, shuffle=shuffle, seed=0))
        nets[rule, shuffle] = net
    manual = build([2, 3, 1], ["tanh", "sigmoid"], Init("normal", 0.5), seed=2)
    for _ in range(3):
        for i in range(len(X)):
            reference_step(manual, X[i : i + 1], T[i : i + 1], loss, 0.5)
    for a, b in zip(nets["online", False].parameters(), manual.parameters()):
        assert np.array_equal(a, b)
    for a, b in zip(nets["minibatch", False].parameters(), manual.parameters()):
        assert np.array_equal(a, b)
    assert not np.array_equal(nets["minibatch", True].layers[0].W, manual.layers[0].W)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_epoch_loss_is_reduced_like_the_loss_for_every_rule(reduction):
    """With lr 0 every rule sees the same network: its epoch loss is the full batch's loss."""
    X, T = _data(3, 10, 2, 2, "real")
    loss = get_loss("half_sse", reduction)
    net = build([2, 3, 2], ["tanh", "identity"], Init("normal", 0.5), seed=1)
    expected = loss.value(net.forward(X), T)
    for rule, size in (("batch", 32), ("online", 1), ("minibatch", 4), ("minibatch", 3)):
        history = train(net.copy(), X, T, loss, TrainConfig(0.0, 1, rule, batch_size=size))
        assert history.losses[0] == pytest.approx(expected, rel=1e-13), (rule, size)


# -- initialisers: np.random.seed(n), then the notebook's draws in order ----------------------
NOTEBOOK_DRAWS = {
    "normal": lambda shape, fan_in, fan_out: np.random.randn(*shape) * 0.5,
    "rand": lambda shape, fan_in, fan_out: np.random.rand(*shape) * 0.5,
    "uniform": lambda shape, fan_in, fan_out: 2 * np.random.random(shape) - 1,
    "xavier": lambda shape, fan_in, fan_out: np.random.randn(*shape) * np.sqrt(1 / fan_in),
    "xavier_uniform": lambda shape, fan_in, fan_out: np.random.uniform(
        -np.sqrt(6 / (fan_in + fan_out)), np.sqrt(6 / (fan_in + fan_out)), shape
    ),
    "he": lambda shape, fan_in, fan_out: np.random.randn(*shape) * np.sqrt(2 / fan_in),
    "zeros": lambda shape, fan_in, fan_out: np.zeros(shape),
}


@pytest.mark.parametrize("kind", NOTEBOOK_DRAWS)
def test_each_initialiser_reproduces_a_seeded_notebook_bit_for_bit(kind):
    sizes = [3, 4, 2, 1]
    np.random.seed(11)
    expected = [
        NOTEBOOK_DRAWS[kind]((sizes[k], sizes[k + 1]), sizes[k], sizes[k + 1])
        for k in range(len(sizes) - 1)
    ]
    net = build(sizes, ["relu", "relu", "sigmoid"], Init(kind, 0.5), seed=11)
    for layer, W in zip(net.layers, expected):
        assert np.array_equal(layer.W, W)
        assert np.all(layer.b == 0)


def test_explicit_values_are_taken_exactly():
    layer = dense([[0.15, 0.25], [0.20, 0.30]], 0.35, "sigmoid", bias_mode="layer")
    assert layer.W.tolist() == [[0.15, 0.25], [0.20, 0.30]] and layer.b.tolist() == [0.35]
    neuron = dense([[0.1, 0.2]], [0.3, 0.4], "tanh")
    assert neuron.b.tolist() == [0.3, 0.4]


# -- stability: |z| up to 1000, no warning, nothing non-finite ---------------------------------
Z = np.array([[-1000.0, -710.0, -50.0, -1e-9, 0.0, 1e-9, 50.0, 710.0, 1000.0]])


@pytest.mark.parametrize("act_name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_activation_loss_and_their_derivatives_are_finite_at_z_1000(act_name, loss_name):
    act, loss = ACTIVATIONS[act_name], get_loss(loss_name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = act.forward(Z)
            if loss_name in ("bce", "cross_entropy"):
                # these losses take probabilities; identity/relu outputs clipped as a user would
                out = np.clip(out, 0.0, 1.0)
            for target in (np.zeros_like(Z), np.ones_like(Z), np.full_like(Z, 0.3)):
                value = loss.value(out, target)
                grad = loss.grad(out, target)
                back = act.backward(Z, act.forward(Z), grad)
                assert np.isfinite(value) and np.all(np.isfinite(grad))
                assert np.all(np.isfinite(back))


@pytest.mark.parametrize(
    "acts, loss_name",
    [
        (["sigmoid", "sigmoid"], "bce"),
        (["tanh", "softmax"], "cross_entropy"),
        (["relu", "sigmoid"], "half_sse"),
        (["leaky_relu", "identity"], "mse"),
    ],
)
def test_a_network_saturated_at_z_1000_trains_without_warnings(acts, loss_name):
    net = Network(
        [
            dense([[1000.0, -1000.0]], [0.0, 0.0], acts[0]),
            dense([[1.0, -1.0], [-1.0, 1.0]], [0.0, 0.0], acts[1]),
        ]
    )
    X, T = np.array([[1.0], [-1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss, grads = net.gradients(X, T, get_loss(loss_name))
    assert np.isfinite(loss)
    assert all(np.all(np.isfinite(g)) for g in grads.dW + grads.db)


# -- divergence: reported with epoch and layer, by every rule ----------------------------------
RULES = [("batch", 32), ("online", 1), ("minibatch", 2)]


def _two_layer(train_first_bias=True):
    return Network(
        [
            dense([[0.5]], [1.0], "identity", train_bias=train_first_bias),
            dense([[0.5]], [0.0], "identity"),
        ]
    )


@pytest.mark.parametrize("rule, size", RULES)
def test_nan_in_the_data_is_reported_at_epoch_1_layer_1(rule, size):
    X = np.array([[1.0], [2.0], [np.nan], [0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDiverged) as info:
            train(_two_layer(), X, X * 0, get_loss("mse"), TrainConfig(0.1, 3, rule, size))
    assert (info.value.epoch, info.value.layer, info.value.quantity) == (1, 1, "net input")
    assert str(info.value) == "training diverged at epoch 1: non-finite net input in layer 1"


@pytest.mark.parametrize("rule, size", RULES)
def test_a_nan_weight_is_found_in_the_layer_it_is_in(rule, size):
    X = np.array([[1.0], [2.0], [0.5]])

    def poison(epoch, loss, net):
        if epoch == 2:
            net.layers[1].W[0, 0] = np.nan

    with pytest.raises(TrainingDiverged) as info:
        train(_two_layer(), X, X, get_loss("mse"), TrainConfig(0.01, 5, rule, size), poison)
    assert (info.value.epoch, info.value.layer) == (3, 2)


@pytest.mark.parametrize("rule, size", RULES)
def test_an_overflowing_update_names_the_epoch_and_the_layer(rule, size):
    # lr 1e308 · dE/dw2 (≈ 12) overflows w2; w1's gradient carries x = 1e-300 and stays finite.
    X = np.array([[1e-300], [1e-300]])
    net = _two_layer(train_first_bias=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDiverged) as info:
            train(net, X, X * 0 - 5.0, get_loss("mse"), TrainConfig(1e308, 4, rule, size))
    assert (info.value.epoch, info.value.layer) == (1, 2)
    # Online, the second sample's forward pass meets the overflowed w2 before the epoch ends.
    expected = "net input" if rule == "online" else "weights after the update"
    assert info.value.quantity == expected
    assert np.isfinite(net.layers[0].W).all()


def test_the_fast_path_records_nothing(monkeypatch):
    """Tracing is per step: training and --rounds never build a Trace."""
    from tutor.engine import trace as trace_module
    from tutor.engine.rounds import continue_rounds
    from tutor.experiments.builtin_examples import get_example

    def refuse(*args, **kwargs):
        raise AssertionError("the fast path traced a value")

    monkeypatch.setattr(trace_module.Trace, "add", refuse)
    monkeypatch.setattr(trace_module.Trace, "__init__", refuse)
    ex = get_example("mazur")
    rounds = continue_rounds(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate, [0.3], 50)
    assert rounds.rounds == 50 and rounds.errors[-1] < rounds.errors[1]


@pytest.mark.parametrize(
    "acts, loss_name, bias_mode, train_bias",
    [
        (["tanh", "sigmoid"], "bce", "neuron", True),
        (["relu", "softmax"], "cross_entropy", "layer", True),
        (["leaky_relu", "softmax"], "half_sse", "neuron", False),
        (["sigmoid", "identity"], "mse", "none", True),
        (["identity", "tanh", "sigmoid"], "half_sse", "layer", False),
    ],
)
def test_the_traced_step_updates_like_one_fast_step(acts, loss_name, bias_mode, train_bias):
    """The teaching path (scalar, traced) and the fast path (matrices) give the same network."""
    from tutor.engine import traced_step

    sizes = [3, 4, 3, 2][: len(acts) + 1]
    rng = np.random.RandomState(len(acts) * 10 + len(loss_name))
    net = build(sizes, acts, Init("normal", 0.6), rng=rng, bias_mode=bias_mode)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.2
        layer.train_bias = train_bias
    x = rng.randn(sizes[0])
    t = np.eye(sizes[-1])[1] if loss_name in ("cross_entropy", "bce") else rng.rand(sizes[-1])
    loss = get_loss(loss_name)
    trace, traced = traced_step(net, x, t, loss, 0.4)
    fast = net.copy()
    history = train(fast, x[None, :], t[None, :], loss, TrainConfig(0.4, 1, "batch"))
    assert trace.value("E_total") == pytest.approx(history.losses[0], rel=1e-12)
    for a, b in zip(traced.parameters(), fast.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_a_training_step_skips_only_the_gradients_of_frozen_biases():
    from tutor.engine.network import Cache
    from tutor.experiments.builtin_examples import get_example

    ex = get_example("mazur")  # shared biases, frozen
    net = ex.network
    net.layers[1].train_bias = True  # one trainable bias among frozen ones
    X, T = np.atleast_2d(ex.x), np.atleast_2d(ex.target)
    cache = Cache()
    net.forward(X, cache)
    full = net.backward(cache, T, ex.loss)
    lean = net.backward(cache, T, ex.loss, frozen_bias_gradients=False)
    for a, b in zip(full.dW, lean.dW):
        np.testing.assert_array_equal(a, b)
    assert full.db[0].shape == (1,) and lean.db[0].size == 0  # frozen: not computed
    np.testing.assert_array_equal(full.db[1], lean.db[1])  # trainable: the same
