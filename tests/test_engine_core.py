"""Engine core: the fast backward pass against central finite differences and the traced step."""

import numpy as np
import pytest

from tutor.engine import Init, Network, build, dense, get_loss, traced_step
from tutor.experiments.builtin_examples import get_example

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
LOSSES = ["half_sse", "mse", "bce", "cross_entropy"]


def finite_difference(net: Network, X, T, loss, h=1e-6):
    """Central differences of the loss for every parameter, in Network.parameters() order."""
    grads = []
    for p in net.parameters():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = loss.value(net.forward(X), T)
            p[idx] = old - h
            down = loss.value(net.forward(X), T)
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def _random_case(seed, sizes, hidden_act, out_act, loss_name):
    rng = np.random.RandomState(seed)
    net = build(sizes, [hidden_act] * (len(sizes) - 2) + [out_act], Init("normal", 0.8), rng=rng)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.3
    X = rng.randn(5, sizes[0])
    if loss_name in ("bce",) or out_act == "softmax":
        T = rng.rand(5, sizes[-1])
        if out_act == "softmax" or loss_name == "cross_entropy":
            T = np.eye(sizes[-1])[rng.randint(0, sizes[-1], 5)]
    else:
        T = rng.randn(5, sizes[-1])
    return net, X, T


@pytest.mark.parametrize("hidden_act", ACTIVATIONS[:-1])
@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("sizes", [[2, 2, 2], [3, 4, 2], [2, 3, 3, 3]])
def test_backprop_matches_finite_differences(hidden_act, loss_name, sizes):
    out_act = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss_name, "tanh")
    net, X, T = _random_case(sizes[0] * 7 + len(sizes), sizes, hidden_act, out_act, loss_name)
    loss = get_loss(loss_name)
    _, grads = net.gradients(X, T, loss)
    numeric = finite_difference(net, X, T, loss)
    analytic = []
    for dW, db in zip(grads.dW, grads.db):
        analytic += [dW, db]
    for a, n in zip(analytic, numeric):
        # relative error against the gradient's scale; ReLU kinks are avoided by the random data
        scale = max(np.max(np.abs(n)), 1e-3)
        assert np.max(np.abs(a - n)) / scale < 1e-7


def test_softmax_with_squared_error_uses_full_jacobian():
    net, X, T = _random_case(3, [3, 4, 3], "tanh", "softmax", "mse")
    loss = get_loss("half_sse")
    _, grads = net.gradients(X, T, loss)
    numeric = finite_difference(net, X, T, loss)
    assert np.allclose(grads.dW[0], numeric[0], rtol=1e-6, atol=1e-9)


def test_traced_step_agrees_with_fast_backward_on_mazur():
    ex = get_example("mazur")
    trace, updated = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    _, grads = ex.network.gradients(ex.x, ex.target, ex.loss)
    # W[i, j] is the weight from neuron i to neuron j; w5 is h1→o1, w6 h2→o1, w7 h1→o2
    assert trace.value("dE_total/dw5") == pytest.approx(grads.dW[1][0, 0], rel=1e-13)
    assert trace.value("dE_total/dw6") == pytest.approx(grads.dW[1][1, 0], rel=1e-13)
    assert trace.value("dE_total/dw7") == pytest.approx(grads.dW[1][0, 1], rel=1e-13)
    assert trace.value("dE_total/dw3") == pytest.approx(grads.dW[0][0, 1], rel=1e-13)
    # frozen shared biases stay; weights move
    assert updated.layers[0].b[0] == 0.35
    assert updated.layers[1].W[0, 0] == pytest.approx(trace.value("w5+"), rel=1e-15)


def test_stable_activations_do_not_warn():
    from tutor.engine.activations import ACTIVATIONS as ACTS

    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for act in ACTS.values():
            out = act.forward(z)
            assert np.all(np.isfinite(out))
            if act.derivative is not None:
                assert np.all(np.isfinite(act.derivative(z, out)))


def test_seeded_build_reproduces_notebook_draws():
    np.random.seed(42)
    W1 = np.random.randn(2, 2) * 0.1
    W2 = np.random.randn(2, 1) * 0.1
    net = build([2, 2, 1], ["relu", "sigmoid"], Init("normal", 0.1), seed=42)
    assert np.array_equal(net.layers[0].W, W1)
    assert np.array_equal(net.layers[1].W, W2)


def test_divergence_names_epoch_and_layer():
    from tutor.engine import TrainConfig, TrainingDiverged, train

    net = Network([dense([[1e200]], [0.0], "identity"), dense([[1e200]], [0.0], "identity")])
    with pytest.raises(TrainingDiverged) as info:
        train(
            net,
            np.array([[1e200]]),
            np.array([[0.0]]),
            get_loss("mse"),
            TrainConfig(learning_rate=0.1, epochs=3),
        )
    assert info.value.epoch == 1
    assert info.value.layer in (1, 2)
    assert "epoch 1" in str(info.value)


@pytest.mark.parametrize("bias_mode", ["layer", "none"])
@pytest.mark.parametrize(
    "acts, loss_name",
    [
        (["tanh", "sigmoid"], "bce"),
        (["relu", "softmax"], "cross_entropy"),
        (["sigmoid", "identity"], "half_sse"),
    ],
)
def test_shared_and_absent_biases_match_finite_differences(bias_mode, acts, loss_name):
    """A bias shared by a layer gets Σ of its neurons' deltas; no bias, no gradient."""
    rng = np.random.RandomState(5)
    net = build([3, 4, 2], acts, Init("normal", 0.8), rng=rng, bias_mode=bias_mode)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.3
    X = rng.randn(6, 3)
    T = np.eye(2)[rng.randint(0, 2, 6)]
    loss = get_loss(loss_name)
    _, grads = net.gradients(X, T, loss)
    numeric = finite_difference(net, X, T, loss)
    analytic = [g for pair in zip(grads.dW, grads.db) for g in pair]
    assert all(db.shape == ((1,) if bias_mode == "layer" else (0,)) for db in grads.db)
    for a, n in zip(analytic, numeric):
        assert a.shape == n.shape
        scale = max(np.max(np.abs(n), initial=0.0), 1e-3)
        assert np.max(np.abs(a - n), initial=0.0) / scale < 1e-7


def test_the_traces_numbers_view_is_its_dict_without_the_copy():
    ex = get_example("mazur")
    trace, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    numbers, copied = trace.numbers(), trace.as_dict()
    assert list(numbers.items()) == list(copied.items()) and len(numbers) == len(trace)
    assert numbers["out_o1"] == trace.value("out_o1") and "w9" not in numbers
    with pytest.raises(KeyError):
        numbers["w9"]
    with pytest.raises(TypeError):
        numbers["w1"] = 0.0  # read-only: callers cannot change the trace through it
