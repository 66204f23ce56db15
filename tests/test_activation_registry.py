"""One definition per activation and per loss (issue 10): every registered one, through everything.

The engine's ACTIVATIONS and LOSSES are the definitions (forward, derivative, traced templates,
validity rules); tutor.symbolic keys its SymPy forms by the same names. Each test below walks
the registries, so a new activation or loss is exercised without being named here.
"""

from __future__ import annotations

import numpy as np
import pytest

from tutor.cli import main
from tutor.engine import ACTIVATIONS, LOSSES, Network, dense, get_activation, get_loss
from tutor.engine.traced import traced_step
from tutor.symbolic import ACTIVATION_TARGETS

# What a network file may name: every registered activation it accepts, and a leaky slope.
FILE_ACTIVATIONS = [a.name for a in ACTIVATIONS.values() if a.not_in_files is None]
FILE_ACTIVATIONS.append("leaky_relu(0.2)")


def test_the_symbolic_registry_and_the_targets_are_the_engines_families():
    from tutor.symbolic.activations import SYMBOLIC_ACTIVATIONS
    from tutor.symbolic.model import SYMBOLIC_LOSSES

    families = {a.family for a in ACTIVATIONS.values()}
    assert set(ACTIVATION_TARGETS) == families == set(SYMBOLIC_ACTIVATIONS)
    assert set(SYMBOLIC_LOSSES) == set(LOSSES)
    for name in FILE_ACTIVATIONS:
        act = get_activation(name)
        assert (SYMBOLIC_ACTIVATIONS[act.family].slope is None) == (not act.elementwise), name


def _output_for(activation: str, loss_name: str) -> str:
    """The activation itself on the output layer when the loss accepts it, else a sigmoid."""
    return (
        activation
        if get_loss(loss_name).output_error(get_activation(activation)) is None
        else ("sigmoid")
    )


CASES = [(a, loss) for a in FILE_ACTIVATIONS for loss in LOSSES]


def _network_file(tmp_path, activation: str, loss_name: str):
    text = f"""
inputs = 1
loss = "{loss_name}"
learning_rate = 0.5
[[layers]]
size = 2
activation = "{activation}"
weights = [[0.8], [-0.6]]
bias = [0.1, 0.3]
[[layers]]
size = 2
activation = "{_output_for(activation, loss_name)}"
weights = [[0.5, -0.7], [0.9, 0.4]]
bias = [0.2, -0.1]
[sample]
inputs = [0.7]
targets = [0.25, 0.75]
"""
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("activation, loss_name", CASES)
def test_every_activation_and_loss_traces_derives_and_checks(
    tmp_path, capsys, activation, loss_name
):
    """A hidden layer of each activation under an output each loss accepts: three commands."""
    path = str(_network_file(tmp_path, activation, loss_name))
    assert main(["trace", "--network", path]) == 0
    trace_out = capsys.readouterr().out
    assert "Error after the step" in trace_out and f"activations {activation}," in trace_out
    assert main(["derive", "--network", path, "--param", "w1"]) == 0
    assert "∂E_total/∂w1" in capsys.readouterr().out
    assert main(["check", "--network", path]) == 0  # symbolic, backprop, finite difference agree
    assert "gradients agree" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_registered_activation_traces_like_the_fast_path(name):
    """The traced step of each activation (seed 001's quirk too) updates as one fast step does."""
    rng = np.random.RandomState(7)
    net = Network(
        [
            dense(rng.randn(2, 3), rng.randn(3), name, bias_mode="neuron"),
            dense(rng.randn(3, 2), rng.randn(2), "sigmoid", bias_mode="neuron"),
        ]
    )
    x, t, loss = np.array([0.3, -0.8]), np.array([0.2, 0.9]), get_loss("half_sse")
    trace, updated = traced_step(net, x, t, loss, 0.5)
    _, grads = net.gradients(np.atleast_2d(x), np.atleast_2d(t), loss)
    for layer, after, dW in zip(net.layers, updated.layers, grads.dW):
        np.testing.assert_allclose(after.W, layer.W - 0.5 * dW, rtol=1e-12, atol=1e-15)
    assert trace.meta["activations"] == [name, "sigmoid"]
