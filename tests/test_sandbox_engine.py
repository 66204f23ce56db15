"""The sandbox model: edits retrace exactly, structure edits stay valid, training is the engine."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from tutor import sandbox as sb
from tutor.engine import TrainConfig, traced_step, train
from tutor.engine.netfile import load_network_file, parse_network
from tutor.engine.netfile_write import network_toml, toml_string
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import get_example

ROOT_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mazur.toml"


def _edited_mazur_file(tmp_path, w5: float):
    """examples/mazur.toml with w5 replaced, as a student would edit the file by hand."""
    text = ROOT_EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("weights = [[0.40, 0.45],", f"weights = [[{w5!r}, 0.45],")
    path = tmp_path / "edited.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_editing_w5_gives_exactly_the_trace_of_the_edited_file(tmp_path):
    state = sb.set_value(sb.open_named("mazur"), "w5", 0.5)
    expected, _ = trace_example_step(load_network_file(_edited_mazur_file(tmp_path, 0.5)))
    assert state.trace.as_dict() == expected.as_dict()
    assert state.trace.value("E_total") != sb.open_named("mazur").trace.value("E_total")


@pytest.mark.parametrize("name", ["i1", "t_o2", "w1", "b1", "b2", "eta"])
def test_every_editable_value_is_the_one_traced(name):
    state = sb.set_value(sb.open_named("mazur"), name, 0.77)
    assert state.trace.value(name) == 0.77 and sb.value_of(state, name) == 0.77


def test_bad_values_are_refused_with_a_reason():
    state = sb.open_named("mazur")
    with pytest.raises(sb.SandboxError, match="learning rate > 0"):
        sb.set_value(state, "eta", 0.0)
    with pytest.raises(sb.SandboxError, match="between"):
        sb.set_value(state, "w5", 1e9)
    with pytest.raises(sb.SandboxError, match="not a value"):
        sb.set_value(state, "net_h1", 1.0)


def test_adding_and_removing_neurons_and_layers_keeps_the_trace_valid():
    state = sb.open_named("mazur")
    for edit, sizes in [
        (lambda s: sb.add_neuron(s, 1), [2, 3, 2]),
        (lambda s: sb.add_layer(s), [2, 3, 3, 2]),
        (lambda s: sb.add_neuron(s, 2), [2, 3, 4, 2]),
        (lambda s: sb.remove_neuron(s, 2), [2, 3, 3, 2]),
        (lambda s: sb.remove_layer(s), [2, 3, 2]),
        (lambda s: sb.remove_neuron(s, 1), [2, 2, 2]),
    ]:
        state = edit(state)
        assert state.sizes == sizes
        trace = state.trace
        # the traced step is a valid step: its update equals one fast gradient step
        net = state.network.copy()
        train(net, state.x[None], state.target[None], state.loss, TrainConfig(0.5, epochs=1))
        updated = state.traced()[1]
        for a, b in zip(net.layers, updated.layers):
            np.testing.assert_allclose(a.W, b.W, rtol=1e-12, atol=1e-15)
        assert np.isfinite(trace.value("E_total"))
    # back at 2-2-2: the original weights are kept where they were
    assert sb.value_of(state, "w1") == 0.15 and sb.value_of(state, "w2") == 0.2


def test_invalid_combinations_change_nothing_and_say_why():
    state = sb.open_named("mazur")
    cases = [
        (lambda: sb.set_loss(state, "cross_entropy"), "softmax"),
        (lambda: sb.set_loss(state, "nonsense"), "unknown loss"),
        (lambda: sb.set_activation(state, 1, "softmax"), "output layer only"),
        (lambda: sb.remove_neuron(sb.remove_neuron(state, 1), 1), "one neuron"),
        (lambda: sb.remove_layer(sb.remove_layer(state)), "no hidden layer"),
        (lambda: sb.add_neuron(sb.remove_layer(state), 1), "no hidden layer"),
    ]
    for make, reason in cases:
        with pytest.raises(sb.SandboxError, match=reason) as error:
            make()
        assert "\n" not in str(error.value)
    softmax = sb.set_activation(state, 2, "softmax")
    assert sb.set_loss(softmax, "cross_entropy").loss.name == "cross_entropy"
    with pytest.raises(sb.SandboxError, match="sigmoid"):
        sb.set_loss(softmax, "bce")


def test_limits_are_refused_before_anything_is_built():
    state = sb.open_named("mazur")
    for _ in range(sb.MAX_WIDTH - 2):
        state = sb.add_neuron(state, 1)
    with pytest.raises(sb.SandboxError, match="limit"):
        sb.add_neuron(state, 1)
    with pytest.raises(sb.SandboxError, match="steps"):
        sb.train_steps(state, sb.MAX_STEPS + 1)


def test_training_n_steps_equals_the_engines_fast_training():
    state = sb.xor_preset()
    trained, losses = sb.train_steps(state, 250)
    net = state.network.copy()
    data = state.data()
    history = train(net, data.X, data.T, state.loss, TrainConfig(state.learning_rate, epochs=250))
    assert losses == history.losses
    for a, b in zip(net.layers, trained.network.layers):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    # in chunks, as the worker trains, the same numbers
    chunked = state
    for n in (100, 100, 50):
        chunked, _ = sb.train_steps(chunked, n)
    for a, b in zip(chunked.network.layers, trained.network.layers):
        assert np.array_equal(a.W, b.W)


def test_the_xor_preset_learns_xor_to_four_of_four():
    state, _ = sb.train_steps(sb.xor_preset(), 3000)
    assert state.accuracy() == (4, 4)
    assert state.data_loss() < 0.001
    boundary = state.boundary(9, 5)
    assert len(boundary["grid"]) == 5 and len(boundary["points"]) == 4


def test_a_saved_network_file_reloads_to_the_same_trace(tmp_path):
    state = sb.set_value(sb.add_neuron(sb.open_named("mazur"), 1), "w5", -0.123456789012345)
    state = sb.set_value(state, "eta", 0.3)
    state = replace_title(state, 'a "title" \\ with\ttab and \x1b[31m escape')
    path = tmp_path / "saved.toml"
    path.write_text(network_toml(state.example(), "a comment"), encoding="utf-8")
    example = load_network_file(path)
    # a control character cannot be in a network file: it comes back escaped, as text
    assert example.title == 'a "title" \\ with\ttab and \\x1b[31m escape'
    trace, _ = traced_step(
        example.network, example.x, example.target, example.loss, example.learning_rate
    )
    assert trace.as_dict() == state.trace.as_dict()


def replace_title(state, title):
    from dataclasses import replace

    return replace(state, title=title, cache={})


@pytest.mark.parametrize("bias", ["none", "zeros", [0.1, -0.2, 0.3]])
def test_every_bias_mode_round_trips(bias):
    document = {
        "inputs": 2,
        "loss": "mse",
        "learning_rate": 0.1,
        "layers": [
            {
                "size": 3,
                "activation": "leaky_relu(0.2)",
                "weights": [[1, 2], [3, 4], [5, 6]],
                "bias": bias,
                "train_bias": False,
            },
            {"size": 2, "activation": "softmax", "weights": [[1, 2, 3], [4, 5, 6]]},
        ],
        "sample": {"inputs": [0.5, -1.5], "targets": [0.0, 1.0]},
    }
    example = parse_network(document)
    again = parse_network(tomllib.loads(network_toml(example)))
    for a, b in zip(example.network.layers, again.network.layers):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
        assert (a.bias_mode, a.train_bias, a.activation.name) == (
            b.bias_mode,
            b.train_bias,
            b.activation.name,
        )


def test_toml_strings_escape_what_toml_requires():
    text = 'q"b\\c\x00\x1b\n'
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_undoable_states_are_independent():
    start = sb.open_named("mazur")
    edited = sb.set_value(start, "w1", 9.0)
    assert sb.value_of(start, "w1") == 0.15 and sb.value_of(edited, "w1") == 9.0
    assert get_example("mazur").network.layers[0].W[0, 0] == 0.15
