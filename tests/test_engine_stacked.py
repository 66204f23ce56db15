"""train_stacked: every run of a stack ends with train()'s very bits, run alone.

The reference is the engine's own `train()` on each network separately; equality is
np.array_equal on every parameter and == on the loss histories (no tolerance).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.random_data import random_data_for_loss as _data
from tutor.engine import ACTIVATIONS, Init, TrainConfig, TrainingDiverged, build, get_loss, train
from tutor.engine.losses import LOSSES
from tutor.engine.stacked import StackedTrainingDiverged, train_stacked

HIDDEN = [name for name in ACTIVATIONS if name != "softmax"] + ["leaky_relu(0.2)"]
# Every (output activation, loss) pair a network file may use, both reductions.
OUTPUTS = [
    (act, loss, reduction)
    for act in ("identity", "sigmoid", "tanh", "softmax", "sigmoid_quirk_001")
    for loss in LOSSES
    for reduction in ("mean", "sum")
    if get_loss(loss).output_error(ACTIVATIONS[act]) is None
]


def _runs(sizes, acts, seeds, **build_options):
    return [build(sizes, acts, Init("normal", 0.8), seed=s, **build_options) for s in seeds]


def _assert_same(stacked_nets, alone_nets, stacked_histories, alone_histories):
    for r, (ours, theirs) in enumerate(zip(stacked_nets, alone_nets)):
        for a, b in zip(ours.parameters(), theirs.parameters()):
            assert a.dtype == b.dtype
            assert np.array_equal(a, b), f"run {r}"  # 0 difference, not a tolerance
        assert stacked_histories[r].losses == alone_histories[r].losses, f"run {r}"
        assert stacked_histories[r].stopped_early == alone_histories[r].stopped_early


def _train_both(nets, X, T, loss, configs):
    alone = [net.copy() for net in nets]
    per_run = configs if isinstance(configs, list) else [configs] * len(nets)
    alone_histories = [
        train(net, X if np.ndim(X) == 2 else X[r], T if np.ndim(T) == 2 else T[r], loss, c)
        for r, (net, c) in enumerate(zip(alone, per_run))
    ]
    stacked_histories = train_stacked(nets, X, T, loss, configs)
    _assert_same(nets, alone, stacked_histories, alone_histories)


@pytest.mark.parametrize("output,loss_name,reduction", OUTPUTS)
def test_every_activation_and_loss_trains_as_train_alone(output, loss_name, reduction):
    n_out = 3 if output == "softmax" else 2
    X, T = _data(len(output), 6, 3, n_out, loss_name)
    loss = get_loss(loss_name, reduction)
    for hidden in HIDDEN:
        nets = _runs([3, 4, n_out], [hidden, output], seeds=(1, 2, 3))
        _train_both(nets, X, T, loss, TrainConfig(0.02, 20))


def test_the_xor_sweep_recipe_leaky_relu_sigmoid_bce_he():
    """xor_leaky_he_4's runs: 2-4-1 and 2-2-1, leaky ReLU, sigmoid, BCE mean, He, lr 0.01."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    T = np.array([[0], [1], [1], [0]], dtype=float)
    for units in (2, 4):
        nets = [
            build([2, units, 1], ["leaky_relu", "sigmoid"], Init("he"), seed=s) for s in range(10)
        ]
        _train_both(nets, X, T, get_loss("bce"), TrainConfig(0.01, 200))


@pytest.mark.parametrize("rows", [5, 12, 70])  # few rows; > 8 rows (einsum sums); ≥ 64 (buffers)
@pytest.mark.parametrize("bias_mode", ["neuron", "layer", "none"])
def test_rows_bias_modes_and_per_run_settings(rows, bias_mode):
    """Per-run learning rates, L2 (0 for some runs) and dropout keep probabilities (1 for some)."""
    X, T = _data(rows, rows, 2, 1, "bce")
    nets = _runs([2, 6, 5, 1], ["relu", "tanh", "sigmoid"], (4, 5, 6, 7), bias_mode=bias_mode)
    for net, keeps in zip(nets, [(1.0, 0.5), (1.0, 1.0), (0.7, 0.9), (1.0, 0.3)]):
        for layer, keep in zip(net.layers[1:], keeps):
            layer.keep_prob = keep
    configs = [
        TrainConfig(lr, 30, seed=seed, l2=l2)
        for lr, seed, l2 in ((0.1, 0, 0.0), (0.3, 1, 0.01), (0.05, 2, 0.5), (0.2, 3, 0.0))
    ]
    _train_both(nets, X, T, get_loss("bce"), configs)


def test_frozen_biases_float32_dropout_and_per_run_data():
    """Frozen biases stay; float32 stacks (dropout too); each run its own inputs and targets."""
    X = np.stack([_data(s, 9, 2, 2, "mse")[0] for s in range(3)]).astype(np.float32)
    T = np.stack([_data(s, 9, 2, 2, "mse")[1] for s in range(3)]).astype(np.float32)
    nets = _runs([2, 3, 2], ["sigmoid", "identity"], (1, 2, 3), dtype=np.float32)
    for net, keep in zip(nets, (0.7, 1.0, 0.3)):
        net.layers[0].train_bias = False
        net.layers[0].b[:] = 0.25
        net.layers[1].keep_prob = keep
    _train_both(nets, X, T, get_loss("mse"), TrainConfig(0.5, 20))
    assert all(np.all(net.layers[0].b == np.float32(0.25)) for net in nets)


def test_the_regularization_lessons_runs_and_l2_on_runs_apart():
    """Lesson 8's 2-64-64-1 network (ReLU, sigmoid, BCE, He, dropout on the hidden layers' inputs)
    as its steps stack it: no regularization, L2, dropout; λ ≠ 0 on runs that are not neighbours
    (the in-place L2 update of each group of consecutive runs)."""
    from tutor.experiments.regularization import _network, data

    X, T, _, _ = data()
    settings = [(0.0, 1.0), (0.01, 1.0), (0.0, 0.5), (0.1, 0.7), (0.0, 0.9)]
    nets = [_network(keep) for _, keep in settings]
    configs = [TrainConfig(0.1, 25, seed=0, l2=l2) for l2, _ in settings]
    _train_both(nets, X, T, get_loss("bce"), configs)


def test_without_loss_values_the_networks_end_the_same():
    X, T = _data(3, 12, 2, 1, "bce")
    nets = _runs([2, 5, 1], ["relu", "sigmoid"], (0, 1, 2))
    twins = [net.copy() for net in nets]
    configs = [TrainConfig(0.3, 15, l2=l2) for l2 in (0.0, 0.2, 0.0)]
    heard = []

    def on_epoch(epoch, losses, layers):
        heard.append(losses.tolist())

    histories = train_stacked(nets, X, T, get_loss("bce"), configs, on_epoch, loss_values=False)
    with_losses = train_stacked(twins, X, T, get_loss("bce"), configs)
    _assert_same(nets, twins, histories, [type(h)([], False) for h in with_losses])
    assert all(h.epochs_run == 15 for h in with_losses)
    assert len(heard) == 15 and all(np.isnan(heard[-1]))


@pytest.mark.parametrize("rows", [4, 70])  # the small step's rows; the general path's
@pytest.mark.parametrize(
    "acts,loss_name",
    [(["relu", "relu", "softmax"], "cross_entropy"), (["sigmoid", "tanh", "identity"], "mse")],
)
def test_on_forward_hears_each_runs_own_forward_pass(rows, acts, loss_name):
    """Every epoch's output stack, run by run, is the bits of `Network.forward` of that run
    trained alone for epoch − 1 epochs (deep_xor's accuracy checks read it)."""
    X, T = _data(rows, rows, 2, 2, loss_name)
    loss = get_loss(loss_name)
    nets = _runs([2, 8, 8, 2], acts, (0, 1, 2))
    configs = [TrainConfig(lr, 12) for lr in (0.1, 0.5, 2.0)]
    heard: list[tuple[int, np.ndarray]] = []

    def on_forward(epoch, outputs):
        heard.append((epoch, outputs.copy()))

    train_stacked([net.copy() for net in nets], X, T, loss, configs, on_forward=on_forward)
    assert [epoch for epoch, _ in heard] == list(range(1, 13))
    for r, (net, config) in enumerate(zip(nets, configs)):
        alone = [net.forward(X)]  # after 0 updates, then after each epoch's

        def on_epoch(epoch, value, trained, alone=alone):
            alone.append(trained.forward(X))

        train(net, X, T, loss, config, on_epoch)
        for (epoch, outputs), output in zip(heard, alone):
            assert outputs[r].tobytes() == output.tobytes(), f"run {r}, epoch {epoch}"


def test_on_epoch_sees_every_loss_and_can_stop_every_run():
    X, T = _data(0, 4, 2, 1, "bce")
    nets = _runs([2, 2, 1], ["tanh", "sigmoid"], (0, 1))
    seen = []

    def on_epoch(epoch, losses, layers):
        seen.append((epoch, losses.tolist()))
        return epoch < 3

    histories = train_stacked(nets, X, T, get_loss("bce"), TrainConfig(0.1, 10), on_epoch)
    assert [e for e, _ in seen] == [1, 2, 3]
    assert all(h.stopped_early and h.epochs_run == 3 for h in histories)
    assert [h.losses[-1] for h in histories] == seen[-1][1]


def test_a_diverging_run_is_named_with_its_epoch_and_layer():
    X, T = _data(0, 4, 2, 1, "mse")
    nets = _runs([2, 3, 1], ["identity", "identity"], (0, 1, 2))
    nets[1].layers[1].W[0, 0] = np.nan
    with pytest.raises(StackedTrainingDiverged) as caught:
        train_stacked(nets, X, T, get_loss("mse"), TrainConfig(0.1, 5))
    assert (caught.value.run, caught.value.epoch, caught.value.layer) == (1, 1, 2)
    assert isinstance(caught.value, TrainingDiverged)
    expected = "run 1: training diverged at epoch 1: non-finite net input in layer 2"
    assert str(caught.value) == expected


def test_an_overflowing_update_names_the_run():
    X, T = _data(0, 4, 2, 1, "mse")
    nets = _runs([2, 3, 1], ["identity", "identity"], (0, 1))
    configs = [TrainConfig(0.1, 3), TrainConfig(1e308, 3)]
    with pytest.raises(StackedTrainingDiverged) as caught:
        train_stacked(nets, X, T, get_loss("mse"), configs)
    assert caught.value.run == 1 and caught.value.quantity == "weights after the update"


@pytest.mark.parametrize(
    "sizes, acts, message",
    [([2, 4, 1], ["tanh", "sigmoid"], "sizes"), ([2, 3, 1], ["relu", "sigmoid"], "layer 1")],
)
def test_networks_of_another_shape_are_refused(sizes, acts, message):
    X, T = _data(0, 4, 2, 1, "mse")
    nets = _runs([2, 3, 1], ["tanh", "sigmoid"], (0,)) + _runs(sizes, acts, (1,))
    with pytest.raises(ValueError, match=message):
        train_stacked(nets, X, T, get_loss("mse"), TrainConfig(0.1, 2))


def test_only_full_batches_of_equal_length():
    X, T = _data(0, 4, 2, 1, "mse")
    nets = _runs([2, 3, 1], ["tanh", "sigmoid"], (0, 1))
    with pytest.raises(ValueError, match="full batches"):
        train_stacked(nets, X, T, get_loss("mse"), TrainConfig(0.1, 2, rule="online"))
    with pytest.raises(ValueError, match="same number of epochs"):
        train_stacked(nets, X, T, get_loss("mse"), [TrainConfig(0.1, 2), TrainConfig(0.1, 3)])
