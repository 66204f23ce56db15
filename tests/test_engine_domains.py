"""Activation and loss domains: what a network file may say, refused by name, never a traceback.

Issue 9 items 12 and 13: each file below crashed `trace`, `derive` or `check`, or was
accepted and then traced with a wrong gradient; now each is one line naming the field.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.cli import main
from tutor.engine import get_activation, get_loss
from tutor.engine.netfile import load_network_file
from tutor.engine.network import Network, dense
from tutor.engine.traced import traced_step
from tutor.engine.variants import trace_example_step
from tutor.export import export_json

TEMPLATE = """
inputs = 2
loss = "{loss}"
learning_rate = 0.5
seed = 1
[[layers]]
size = {size}
activation = "{activation}"
{weights}
bias = 0.35
[sample]
inputs = [0.05, 0.10]
targets = {targets}
"""
W22 = "weights = [[0.15, 0.2], [0.25, 0.3]]"


def network_text(
    activation="sigmoid", loss="half_sse", targets="[0.01, 0.99]", size=2, weights=W22
) -> str:
    return TEMPLATE.format(
        activation=activation, loss=loss, targets=targets, size=size, weights=weights
    )


REFUSED = [
    # (file text, field named, words of the reason)
    (network_text("sigmoid_quirk_001"), "layers[0].activation", "seed 001's notebook variant"),
    (network_text("leaky_relu(nan)"), "layers[0].activation", "0 ≤ α < 1"),
    (network_text("leaky_relu(inf)"), "layers[0].activation", "0 ≤ α < 1"),
    (network_text("leaky_relu(1e309)"), "layers[0].activation", "0 ≤ α < 1"),
    (network_text("leaky_relu(1.5)"), "layers[0].activation", "0 ≤ α < 1"),
    (network_text("leaky_relu(-0.1)"), "layers[0].activation", "0 ≤ α < 1"),
    (
        network_text(weights='init = {kind = "rand", scale = -1e308}'),
        "layers[0].init.scale",
        "between",
    ),
    (network_text(weights='init = {kind = "rand", scale = 1e3}'), "layers[0].init.scale", "100"),
    (network_text(weights='init = {kind = "rand", scale = -1}'), "layers[0].init.scale", "> 0"),
    (
        network_text(weights='init = {kind = "uniform", low = 1, high = 0}'),
        "layers[0].init",
        "low < high",
    ),
    (
        network_text("softmax", "cross_entropy", "[1.0]", 1, "weights = [[0.15, 0.2]]"),
        "layers[0].activation",
        "at least 2 neurons",
    ),
    (network_text(targets="[1e200, 0.99]"), "sample.targets[0]", "between −1e6 and 1e6"),
    (network_text("softmax", "cross_entropy", "[1.0, 1.0]"), "sample.targets", "sum to 1"),
    (network_text("softmax", "cross_entropy", "[1.5, -0.5]"), "sample.targets", "≥ 0"),
    (network_text("sigmoid", "bce", "[1.5, 0.0]"), "sample.targets", "[0, 1]"),
    (network_text("identity", "bce", "[1.0, 0.0]"), "layers[0].activation", "probabilities"),
    (network_text("relu", "cross_entropy", "[1.0, 0.0]"), "layers[0].activation", "probabilities"),
    (network_text("tanh", "bce", "[1.0, 0.0]"), "layers[0].activation", "probabilities"),
]


@pytest.mark.parametrize("command", ["trace", "derive", "check"])
@pytest.mark.parametrize("text, field, reason", REFUSED, ids=[r[2] + "|" + r[1] for r in REFUSED])
def test_a_file_outside_the_domain_is_one_line_naming_the_field(
    tmp_path, capsys, command, text, field, reason
):
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    code = main([command, "--network", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"backprop-tutor {command}: error: {path}: {field}: ")
    assert reason in err and err.count("\n") == 1


def test_leaky_relu_slope_outside_0_1_is_refused_by_the_engine_too():
    for alpha in (math.nan, math.inf, 1.0, 1.5, -0.01):
        with pytest.raises(ValueError, match="0 ≤ α < 1"):
            get_activation(f"leaky_relu({alpha!r})")


def test_leaky_relu_keeps_every_digit_of_its_slope(tmp_path):
    """meta.activations and the traced formula show α as given, not rounded to 6 digits."""
    path = tmp_path / "net.toml"
    path.write_text(network_text("leaky_relu(0.123456789)"), encoding="utf-8")
    trace = trace_example_step(load_network_file(path))[0]
    assert trace.meta["activations"] == ["leaky_relu(0.123456789)"]
    assert '"leaky_relu(0.123456789)"' in export_json(trace)
    assert trace["out_o1"].template == "max({0}, 0.123456789·{0})"
    assert trace["dout_o1/dnet_o1"].template == "1 if {0} > 0 else 0.123456789"


def _finite_difference(net: Network, x, t, loss, layer: int, i: int, j: int) -> float:
    h = 1e-5
    values = []
    for step in (h, -h):
        probe = net.copy()
        probe.layers[layer].W[i, j] += step
        values.append(loss.value(probe.forward(np.atleast_2d(x)), np.atleast_2d(t)))
    return (values[0] - values[1]) / (2 * h)


@pytest.mark.parametrize("targets", [[0.3, 0.7], [1.0, 0.0], [0.2, 0.5, 0.3]])
def test_softmax_cross_entropy_accepted_targets_give_the_true_gradient(targets):
    """δ = out − t is dE/dnet when Σt = 1: each traced dE/dw equals the finite difference."""
    n = len(targets)
    rng = np.random.RandomState(3)
    net = Network(
        [
            dense(rng.randn(2, 3), rng.randn(3), "tanh", bias_mode="neuron"),
            dense(rng.randn(3, n), rng.randn(n), "softmax", bias_mode="neuron"),
        ]
    )
    x, loss = np.array([0.4, -0.9]), get_loss("cross_entropy")
    assert loss.target_error(targets) is None
    trace, _ = traced_step(net, x, targets, loss, 0.1)
    number = 0
    for k, layer in enumerate(net.layers):
        for j in range(layer.fan_out):
            for i in range(layer.fan_in):
                number += 1
                traced = trace.value(f"dE_total/dw{number}")
                fd = _finite_difference(net, x, targets, loss, k, i, j)
                assert traced == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_check_on_a_saturated_sigmoid_has_no_symbolic_column_instead_of_a_traceback(
    tmp_path, capsys
):
    """math.exp(500·2) overflows in SymPy's lambdified gradient: the numeric check still runs."""
    path = tmp_path / "net.toml"
    path.write_text(
        network_text(weights="weights = [[-500, -500], [0.25, 0.3]]").replace(
            "[0.05, 0.10]", "[1, 1]"
        ),
        encoding="utf-8",
    )
    code = main(["check", "--network", str(path)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "symbolic column absent: SymPy's gradient overflows (an exponential" in out
    assert "all 5 gradients agree" in out


def test_check_with_bce_on_a_saturated_output_has_no_symbolic_column_instead_of_a_traceback(
    tmp_path, capsys
):
    """out = 1.0 exactly: the lambdified BCE gradient divides by 1 − out; the engine clips."""
    path = tmp_path / "net.toml"
    path.write_text(
        network_text("sigmoid", "bce", "[0.5, 0.5]", weights="weights = [[1e6, 1e6], [1, 1]]"),
        encoding="utf-8",
    )
    main(["check", "--network", str(path)])
    out, err = capsys.readouterr()
    assert err == ""
    # (the chained symbolic gradient meets log 0 first; the expanded one divided by 1 − out)
    assert "symbolic column absent: SymPy's gradient takes the log of 0" in out
