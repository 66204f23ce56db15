"""Network files: mazur.toml traces like the built-in example; errors name file and field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from tutor.engine.netfile import NetFileError, load_network_file, parse_network
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import get_example
from tutor.export import export_json

ROOT = Path(__file__).resolve().parent.parent
MAZUR_TOML = ROOT / "examples" / "mazur.toml"

VALID = """
inputs = 2
loss = "half_sse"
learning_rate = 0.5

[[layers]]
size = 3
activation = "tanh"
weights = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
bias = [0.1, 0.2, 0.3]

[[layers]]
size = 1
activation = "sigmoid"
weights = [[0.7, 0.8, 0.9]]
bias = 0.5
train_bias = false

[sample]
inputs = [1.0, 2.0]
targets = [1.0]
"""


def write(tmp_path: Path, text: str, name: str = "net.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_mazur_toml_traces_exactly_like_the_built_in_example():
    from_file = trace_example_step(load_network_file(MAZUR_TOML))[0]
    built_in = trace_example_step(get_example("mazur"))[0]
    assert export_json(from_file) == export_json(built_in)
    assert [v.value.hex() for v in from_file] == [v.value.hex() for v in built_in]


def test_a_valid_file_builds_the_network_it_describes(tmp_path):
    ex = load_network_file(write(tmp_path, VALID))
    hidden, output = ex.network.layers
    # rows in the file are neurons; the engine's W is (fan_in, fan_out)
    assert np.array_equal(hidden.W, [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    assert hidden.bias_mode == "neuron" and hidden.train_bias
    assert np.array_equal(hidden.b, [0.1, 0.2, 0.3])
    assert output.bias_mode == "layer" and not output.train_bias and output.b[0] == 0.5
    assert ex.name == "net" and ex.learning_rate == 0.5
    trace = trace_example_step(ex)[0]
    assert trace.value("w1") == 0.1 and trace.value("w2") == 0.2  # w1: i1→h1, w2: i2→h1
    assert "b_h3" in trace and "b2" in trace and "b2+" not in trace and "b_h1+" in trace


def test_initialiser_and_seed_reproduce_a_seeded_notebook(tmp_path):
    text = """
inputs = 2
loss = "mse"
learning_rate = 0.1
seed = 42
[[layers]]
size = 2
activation = "relu"
init = { kind = "normal", scale = 0.1 }
bias = "zeros"
[[layers]]
size = 1
activation = "sigmoid"
init = "he"
[sample]
inputs = [0, 1]
targets = [1]
"""
    ex = load_network_file(write(tmp_path, text))
    np.random.seed(42)
    W1 = np.random.randn(2, 2) * 0.1
    W2 = np.random.randn(2, 1) * np.sqrt(2.0 / 2)
    assert np.array_equal(ex.network.layers[0].W, W1)
    assert np.array_equal(ex.network.layers[1].W, W2)
    assert ex.network.layers[0].bias_mode == "neuron"
    assert ex.network.layers[1].bias_mode == "none"


def _replace(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


BAD = [
    (
        _replace("[0.5, 0.6]]", "[0.5, 0.6], [0.7, 0.8]]"),
        "net.toml: layers[0].weights: expected 3 rows of 2 numbers, got 4 rows of 2",
    ),
    (
        _replace("[[0.7, 0.8, 0.9]]", "[[0.7, 0.8]]"),
        "net.toml: layers[1].weights: expected 1 rows of 3 numbers, got 1 rows of 2",
    ),
    (_replace('"tanh"', '"tahn"'), "net.toml: layers[0].activation: unknown activation 'tahn'"),
    (_replace('loss = "half_sse"', 'loss = "l2"'), "net.toml: loss: expected one of"),
    (_replace("learning_rate = 0.5", "learning_rate = -1"), "net.toml: learning_rate: expected"),
    (_replace("learning_rate = 0.5\n", ""), "net.toml: learning_rate: missing (required)"),
    (_replace("targets = [1.0]", "targets = [1.0, 0.0]"), "net.toml: sample.targets: expected 1"),
    (
        _replace("inputs = [1.0, 2.0]", 'inputs = [1.0, "x"]'),
        "net.toml: sample.inputs[1]: expected",
    ),
    (_replace("bias = [0.1, 0.2, 0.3]", "bias = [0.1]"), "net.toml: layers[0].bias: expected 3"),
    (_replace("bias = 0.5", 'bias = "some"'), "net.toml: layers[1].bias: expected a number"),
    (_replace("train_bias = false", 'train_bias = "no"'), "net.toml: layers[1].train_bias"),
    (
        _replace("size = 3", "size = 3\nactivaton = 'tanh'"),
        "net.toml: layers[0].activaton: unknown",
    ),
    (_replace("weights = [[0.7, 0.8, 0.9]]", 'init = "he"'), "net.toml: seed: missing"),
    (_replace("weights = [[0.7, 0.8, 0.9]]", ""), "net.toml: layers[1]: expected weights"),
    ("inputs = = 2", "net.toml: not valid TOML"),
    ("inputs = 2\n", "net.toml: loss: missing (required)"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m.split(": ", 1)[1][:40] for _, m in BAD])
def test_errors_name_the_file_the_field_and_what_was_expected(tmp_path, text, message):
    with pytest.raises(NetFileError) as info:
        load_network_file(write(tmp_path, text))
    assert str(info.value).startswith(str(tmp_path / "net.toml")[: -len("net.toml")])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NetFileError, match="cannot read the file"):
        load_network_file(tmp_path / "absent.toml")


def test_the_documented_example_file_loads():
    doc = (ROOT / "docs" / "network-file.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    ex = parse_network(tomllib.loads(block), "docs/network-file.md")
    assert ex.network.sizes == [2, 2, 2]
    assert ex.network.layers[0].W[1, 0] == 0.20  # w2: i2 → h1
    assert ex.network.layers[1].bias_mode == "neuron"


# -- batches: [[samples]] and reduction --------------------------------------------------------

BATCH = """
inputs = 2
loss = "half_sse"
learning_rate = 0.5
reduction = "mean"
[[layers]]
size = 1
activation = "sigmoid"
weights = [[0.1, 0.2]]
[[samples]]
inputs = [0.0, 1.0]
targets = [1.0]
[[samples]]
inputs = [1.0, 0.0]
targets = [0.0]
"""


def test_a_batch_file_gives_rows_and_its_reduction():
    ex = parse_network(tomllib.loads(BATCH), "net.toml")
    assert ex.is_batch and ex.n_samples == 2 and ex.loss.reduction == "mean"
    assert ex.x.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    summed = parse_network(tomllib.loads(BATCH.replace('"mean"', '"sum"')), "net.toml")
    assert summed.loss.reduction == "sum"


@pytest.mark.parametrize(
    "text, message",
    [
        (BATCH.replace('reduction = "mean"\n', ""), "net.toml: reduction: missing: a batch needs"),
        (BATCH.replace('"mean"', '"avg"'), 'net.toml: reduction: expected "sum" or "mean"'),
        (
            BATCH + "[sample]\ninputs = [1.0, 1.0]\ntargets = [1.0]\n",
            "net.toml: sample: expected either [sample] (one sample) or [[samples]] (a batch), "
            "not both",
        ),
        (
            BATCH.replace("targets = [0.0]", "targets = [0.0, 1.0]"),
            "samples[1].targets: expected 1",
        ),
        (BATCH.replace("inputs = [1.0, 0.0]\n", ""), "net.toml: samples[1].inputs: missing"),
    ],
)
def test_bad_batches_name_the_field(text, message):
    with pytest.raises(NetFileError) as caught:
        parse_network(tomllib.loads(text), "net.toml")
    assert message in str(caught.value)


def test_the_batch_example_file_traces_like_the_builtin_xor_221():
    from_file, _ = trace_example_step(load_network_file(ROOT / "examples" / "xor-221.toml"))
    builtin, _ = trace_example_step(get_example("xor-221"))
    assert from_file.as_dict() == builtin.as_dict()
    assert from_file.meta["reduction"] == "mean" and from_file.meta["samples"] == 4


# -- issue 9 item 16: the document says what the engine computes -------------------------------
DOC = (ROOT / "docs" / "network-file.md").read_text(encoding="utf-8")


def _doc_table(heading: str) -> dict[str, str]:
    """First-column key (in backticks) → the whole row, of the table under `## heading`."""
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    rows = {}
    for line, below in zip(lines, lines[1:] + [""]):
        if line.startswith("| `") and not below.startswith("|---"):  # not the header
            rows[line.split("`")[1]] = line
    return rows


def test_mse_is_a_mean_and_bce_a_sum_over_outputs_in_engine_formula_and_doc():
    from tutor.engine import get_loss

    out, t = np.array([[0.2, 0.7, 0.4]]), np.array([[0.0, 1.0, 0.5]])
    mse, bce = get_loss("mse"), get_loss("bce")
    assert mse.value(out, t) == pytest.approx(np.mean((t - out) ** 2), rel=1e-15)
    terms = t * np.log(out) + (1 - t) * np.log(1 - out)
    assert bce.value(out, t) == pytest.approx(-np.sum(terms), rel=1e-15)
    assert "mean" not in bce.formula and "−Σ_k" in bce.formula
    assert "(1/n)" in mse.formula
    losses = _doc_table("Losses")
    assert "**mean** over the outputs" in losses["mse"]
    assert "**sum** over the outputs" in losses["bce"]


def test_the_clipping_of_probabilities_is_documented_as_the_engine_does_it():
    from tutor.engine.losses import EPS

    assert EPS == 1e-12 and "[10⁻¹², 1 − 10⁻¹²]" in DOC


def test_every_initialiser_kind_is_documented_and_lecun_is_the_xavier_draw():
    from tutor.engine.initializers import KINDS, Init

    assert set(_doc_table("Initialisers")) == set(KINDS)
    shape = (3, 4)
    lecun = Init("lecun").draw(np.random.RandomState(5), *shape)
    xavier = Init("xavier").draw(np.random.RandomState(5), *shape)
    reference = np.random.RandomState(5).randn(*shape) * np.sqrt(1.0 / 3)
    assert np.array_equal(lecun, reference) and np.array_equal(xavier, reference)


def test_every_accepted_key_is_documented():
    from tutor.engine.netfile import LAYER_KEYS, TOP_KEYS

    fields = set(_doc_table("Fields"))
    for key in TOP_KEYS - {"layers", "sample", "samples"}:
        assert key in fields, key
    assert {"[sample]", "[[samples]]", "[[layers]]"} <= fields
    for key in LAYER_KEYS:
        assert f"layers[k].{key}" in fields, key


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('"tanh"', '"linear"', "layers[0].activation: unknown activation 'linear'"),
        ('loss = "half_sse"', 'loss = "softmax_cross_entropy"', "loss: expected one of"),
        ("inputs = 2\n", "inputs = 2\ndescription = 3\n", "description: expected a string"),
    ],
)
def test_undocumented_aliases_are_gone(tmp_path, old, new, message):
    with pytest.raises(NetFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_network_file(write(tmp_path, _replace(old, new)))
