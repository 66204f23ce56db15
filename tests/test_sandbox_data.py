"""The sandbox's data sets: the report's easy-XOR and linear data, saved with the network."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from tutor import sandbox as sb
from tutor.engine import TrainConfig, train
from tutor.engine.netfile import load_network_file
from tutor.engine.netfile_write import network_toml
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import get_example


def test_easy_xor_is_the_reports_21_points_on_the_two_diagonals():
    data = sb.set_data(sb.xor_preset(), "easy-xor").data()
    assert data.X.shape == (21, 2) and data.T.shape == (21, 1)
    on_diagonal = np.isclose(data.X[:, 0], data.X[:, 1])
    anti = np.isclose(data.X[:, 0] + data.X[:, 1], 1.0) & ~on_diagonal
    assert on_diagonal.sum() == 11 and anti.sum() == 10  # (0.5, 0.5) once, labelled 0
    assert (data.T[on_diagonal, 0] == 0).all() and (data.T[anti, 0] == 1).all()


def test_linear_is_100_points_labelled_by_the_diagonal():
    data = sb.set_data(sb.xor_preset(), "linear").data()
    assert data.X.shape == (100, 2)
    assert ((data.X >= 0) & (data.X < 1)).all()
    assert np.array_equal(data.T[:, 0], (data.X[:, 0] <= data.X[:, 1]).astype(float))
    # the report's own run: seed 0 draws the 2-2-2-1 weights, then the 100 points
    from tutor.experiments.two_hidden import setup

    _, x, y = setup("linear", 2, 2, 0)
    assert np.array_equal(data.X, x) and np.array_equal(data.T, y)


def test_two_input_networks_offer_every_set_and_others_only_their_sample():
    assert sb.data_choices(sb.xor_preset()) == ("sample", "xor", "and", "or", "easy-xor", "linear")
    mazur = sb.open_named("mazur")  # 2 inputs, 2 outputs: the labels one-hot
    assert "easy-xor" in sb.data_choices(mazur)
    data = sb.set_data(mazur, "xor").data()
    assert data.T.tolist() == [[1, 0], [0, 1], [0, 1], [1, 0]]
    encoder = sb.from_example(_small_3_input_example())
    assert sb.data_choices(encoder) == ("sample",)
    with pytest.raises(sb.SandboxError, match="does not fit"):
        sb.set_data(encoder, "linear")


def _small_3_input_example():
    from tutor.engine.netfile import parse_network

    return parse_network(
        {
            "inputs": 3,
            "loss": "half_sse",
            "learning_rate": 0.5,
            "layers": [{"size": 1, "activation": "sigmoid", "weights": [[0.1, 0.2, 0.3]]}],
            "sample": {"inputs": [1, 2, 3], "targets": [1]},
        }
    )


def test_the_boundary_shades_class_1_over_the_data_with_a_margin():
    state = sb.set_data(sb.xor_preset(), "easy-xor")
    boundary = state.boundary(7, 5)
    assert boundary["x"] == [-0.25, 1.25] and len(boundary["points"]) == 21
    corner = np.array([[-0.25, 1.25]])  # top-left cell
    assert boundary["grid"][0][0] == pytest.approx(state.network.forward(corner)[0, 0])
    # two outputs: p(class 1) is the second output
    mazur = sb.set_data(sb.open_named("mazur"), "xor")
    grid = mazur.boundary(3, 3)["grid"]
    assert grid[2][0] == pytest.approx(mazur.network.forward(np.array([[-0.25, -0.25]]))[0, 1])


@pytest.mark.parametrize("name", ["sample", "xor", "and", "or", "easy-xor", "linear"])
def test_a_saved_file_keeps_its_data_set_and_reloads_to_it(tmp_path, name):
    state = sb.use_row(sb.set_data(sb.xor_preset(), name), 2)
    path = tmp_path / "saved.toml"
    path.write_text(network_toml(state.saved_example(), "c"), encoding="utf-8")
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    if name == "sample":
        assert "sample" in document and "samples" not in document
    else:
        assert len(document["samples"]) == len(state.data().X)
        assert document["reduction"] == state.loss.reduction == "sum"
    again = sb.from_example(load_network_file(path))
    assert again.data_name == name
    assert np.array_equal(again.data().X, state.data().X)
    assert np.array_equal(again.data().T, state.data().T)
    # the reloaded sandbox trains exactly as the one that saved it
    a, losses_a = sb.train_steps(state, 20)
    b, losses_b = sb.train_steps(again, 20)
    assert losses_a == losses_b
    # and `trace --network` traces the file: the batch step over every row
    example = load_network_file(path)
    assert example.n_samples == len(state.data().X)
    trace, _ = trace_example_step(example)
    assert trace.value("E_total") == pytest.approx(state.data_loss(), rel=1e-12)


def test_rows_that_are_no_known_set_load_as_the_batch(tmp_path):
    state = sb.set_data(sb.xor_preset(), "xor")
    example = state.saved_example()
    example.target = 1.0 - example.target  # XNOR: not a built-in set
    path = tmp_path / "xnor.toml"
    path.write_text(network_toml(example), encoding="utf-8")
    again = sb.from_example(load_network_file(path))
    assert again.data_name == "batch" and again.data_label() == "batch (4 rows)"
    assert "batch" in sb.data_choices(again)
    assert np.array_equal(again.x, [0.0, 0.0]) and np.array_equal(again.target, [1.0])
    # away to another set and back: the file's rows are kept
    back = sb.set_data(sb.set_data(again, "or"), "batch")
    assert np.array_equal(back.data().T[:, 0], [1.0, 0.0, 0.0, 1.0])
    net = again.network.copy()
    train(net, again.data().X, again.data().T, again.loss, TrainConfig(2.0, epochs=5))
    trained, _ = sb.train_steps(again, 5)
    assert np.array_equal(net.layers[0].W, trained.network.layers[0].W)


@pytest.mark.parametrize("name, data", [("xor-221", "xor"), ("two-hidden", "easy-xor")])
def test_batch_examples_open_on_their_own_data(name, data):
    state = sb.open_named(name)
    example = get_example(name)
    assert state.data_name == data
    assert np.array_equal(state.data().X, example.x)
    assert np.array_equal(state.x, example.x[0])
    assert state.loss.reduction == example.loss.reduction


def test_an_xor_network_reaches_four_of_four_and_shows_the_boundary():
    state, _ = sb.train_steps(sb.xor_preset(), 3000)
    assert state.accuracy() == (4, 4)
    grid = np.array(state.boundary(7, 7)["grid"])
    # cells 1 and 5 of the 7 over [−0.25, 1.25] are 0 and 1; rows run from y = 1.25 down
    assert grid[5, 1] < 0.5 and grid[1, 5] < 0.5  # (0, 0) and (1, 1): class 0
    assert grid[1, 1] >= 0.5 and grid[5, 5] >= 0.5  # (0, 1) and (1, 0): class 1
