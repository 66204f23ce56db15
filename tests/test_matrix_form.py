"""The matrix form: every entry equals the per-neuron trace's value of the same name.

The matrix form is computed with NumPy matrix products, the per-neuron trace with scalar
arithmetic: agreement to 1e-12 on every built-in example is an independent check of both.
"""

import csv
import io
import json

import numpy as np
import pytest

from tutor.cli import main
from tutor.engine import apply_update
from tutor.engine.matrix import matrix_step, neuron_chain, param_chain
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import resolve
from tutor.export.matrix import MATRIX_FORMATS, export_matrix

SMALL = [
    "mazur",
    "xor-221",
    "xor-221@sigmoid",
    "encoder-838",
    "encoder-838@seed-001",
    "two-hidden",
    "deep-xor",
]
# Per-neuron values with no entry of their own in the matrix form: one connection's share
# (dnet_o1/dw5 = out_h1, dE_o1/dout_h1 = δ_o1·w5) and each sample's own weight gradients
# (the matrix form sums them in δ·Aᵀ).
UNMAPPED = ("dnet_", "dE_o", "dE_h")


def _unmapped(name: str, batch: bool) -> bool:
    if name.startswith(UNMAPPED):
        return True
    return batch and name.startswith("dE_total/d") and name.endswith("]") and "dout" not in name


@pytest.mark.parametrize("reference", SMALL)
def test_every_matrix_entry_equals_the_scalar_value_of_its_name(reference):
    ex, variant = resolve(reference)
    trace, _ = trace_example_step(ex, variant)
    mt = matrix_step(ex)
    for name in mt.card:
        assert mt.entry(name) == pytest.approx(trace.value(name), rel=1e-12, abs=1e-15), name
    missing = [
        v.name for v in trace if v.name not in mt.card and not _unmapped(v.name, ex.is_batch)
    ]
    assert missing == []


def test_the_card_names_entries_in_one_orientation():
    mazur = matrix_step(resolve("mazur")[0])
    assert mazur.card_entry("w5") == "W2[0,0]"  # h1 → o1: row o1, column h1
    assert mazur.card_entry("w6") == "W2[0,1]"
    assert mazur.card_entry("w7") == "W2[1,0]"
    assert mazur.card_entry("delta_o1") == "δ2[0]"
    assert mazur.card_entry("w5+") == "W2⁺[0,0]"
    xor = matrix_step(resolve("xor-221")[0])
    assert xor.card_entry("net_h1[3]") == "Z1[0,3]"
    assert xor.card_entry("dE_total/dw5") == "dW2[0,0]"
    # rows are the layer's neurons, as in network files: W1 is (2 neurons × 2 inputs)
    ex = resolve("xor-221")[0]
    assert np.array_equal(xor.matrices["W1"], ex.network.layers[0].W.T)


def test_each_line_shows_its_operands_shapes():
    mazur = matrix_step(resolve("mazur")[0])
    lines = {s.result: (s.formula, mazur.shapes(s)) for s in mazur.steps}
    assert lines["Z1"] == ("Z1 = W1·A0 + b1", "(2×1) = (2×2)·(2×1) + (1×1)")
    assert lines["dA1"] == ("dA1 = W2ᵀ·δ2", "(2×1) = (2×2)ᵀ·(2×1)")
    deep = matrix_step(resolve("deep-xor")[0])
    lines = {s.result: (s.formula, deep.shapes(s)) for s in deep.steps}
    assert lines["dW2"] == ("dW2 = (1/4)·δ2·A1ᵀ", "(8×8) = (1/4)·(8×4)·(8×4)ᵀ")
    assert lines["δ3"] == ("δ3 = A3 − T", "(2×4) = (2×4) − (2×4)")


def test_mnist_digit_matrix_step_updates_like_the_fast_step():
    ex, _ = resolve("mnist-digit")
    mt = matrix_step(ex)
    fast = ex.network.copy()
    _, grads = fast.gradients(ex.x, ex.target, ex.loss)
    apply_update(fast, grads, ex.learning_rate)
    for k, layer in enumerate(fast.layers, start=1):
        assert np.allclose(mt.matrices[f"W{k}⁺"], layer.W.T, rtol=1e-12, atol=1e-15)
        assert np.allclose(mt.matrices[f"dW{k}"], grads.dW[k - 1].T, rtol=1e-10, atol=1e-15)
    assert "W1" not in {name for name, _ in mt.card.values()}  # 100,352 weights: a rule instead
    assert mt.weight_rules[0].startswith("w1..w100352: w(1 + 784·j + i) = W1[j,i]")


@pytest.mark.parametrize("fmt", MATRIX_FORMATS)
@pytest.mark.parametrize("reference", ["mazur", "deep-xor", "mnist-digit"])
def test_every_format_exports_the_matrix_form(reference, fmt):
    mt = matrix_step(resolve(reference)[0])
    text = export_matrix(mt, fmt)
    assert "\x1b" not in text and len(text) < 300_000
    if fmt == "json":
        document = json.loads(text)
        assert document["steps"][0]["shapes"] == mt.shapes(mt.steps[0])
        if reference == "mazur":
            assert document["card"]["w5"] == "W2[0,0]"
            assert document["matrices"]["W2⁺"]["values"][0][0] == mt.entry("w5+")
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if reference == "mazur":
            (w5,) = [r for r in rows if r["name"] == "w5"]
            assert (w5["matrix"], w5["row"], w5["column"]) == ("W2", "0", "0")
    elif fmt == "tex":
        assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")
        assert all(ord(ch) < 128 for ch in text)  # pdflatex-safe
    else:
        assert "dW1" in text


def test_trace_switches_to_the_matrix_form_above_the_per_value_limit(capsys):
    assert main(["trace", "mnist-digit"]) == 0
    out = capsys.readouterr().out
    assert "matrix form" in out and "W1 (128×784): min" in out
    assert main(["trace", "mnist-digit", "--form", "scalar"]) == 2
    err = capsys.readouterr().err
    assert "mnist-digit has 101770 parameters, above the per-value limit of 500" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["mazur", "--form", "matrix", "--rounds", "3"], "the matrix form is one step"),
        (["xor-221", "--form", "matrix", "--sample", "1"], "the matrix form is one step"),
        (["mazur@updated-weights", "--form", "matrix"], "traces the exact step"),
    ],
)
def test_matrix_form_refuses_what_it_cannot_show(capsys, argv, message):
    assert main(["trace", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_mazur_matrix_json_on_the_command_line(capsys):
    assert main(["trace", "mazur", "--form", "matrix", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["matrices"]["E_total"]["values"] == [[pytest.approx(0.298371109, abs=1e-9)]]


def test_a_param_chain_ends_in_the_traced_gradient_and_update():
    ex, _ = resolve("xor-221")
    trace, _ = trace_example_step(ex)
    lines = {x.name: x for x in param_chain(matrix_step(ex), "W1[0,1]")}
    assert "w2 " in lines["W1[0,1]"].formula + " "  # W1[0,1] is w2: i2 → h1
    assert lines["dW1[0,1]"].value == pytest.approx(trace.value("dE_total/dw2"), rel=1e-12)
    assert lines["W1⁺[0,1]"].value == pytest.approx(trace.value("w2+"), rel=1e-12)
    assert lines["δ1[0,3]"].value == pytest.approx(trace.value("delta_h1[3]"), rel=1e-12)


def test_a_neuron_chain_has_its_values():
    ex, _ = resolve("mazur")
    trace, _ = trace_example_step(ex)
    lines = {x.name: x.value for x in neuron_chain(matrix_step(ex), "o2")}
    for matrix, name in (("Z2", "net_o2"), ("A2", "out_o2"), ("δ2", "delta_o2")):
        assert lines[f"{matrix}[1]"] == pytest.approx(trace.value(name), rel=1e-12)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["mnist-digit", "--param", "W3[0,0]"], "--param: 'W3[0,0]': expected W1..W2[j,i]"),
        (["mnist-digit", "--param", "W2[10,0]"], "W2 is 10×128; indices start at 0"),
        (["mnist-digit", "--param", "W2"], "expected a matrix entry such as W2[3,17]"),
        (["mnist-digit", "--neuron", "q1"], "no neuron 'q1'; this network's neurons: h1..h128"),
        (["mazur", "--param", "W2[0,0]"], "a chain is part of the matrix form"),
        (["mnist-digit", "--param", "W2[0,0]", "--format", "csv"], "a chain goes in text"),
    ],
)
def test_bad_chains_are_one_line(capsys, argv, message):
    assert main(["trace", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_mnist_chain_on_the_command_line(capsys):
    assert main(["trace", "mnist-digit", "--param", "W2[3,17]", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    (chain,) = document["chains"]
    assert chain["title"] == "The chain of W2[3,17]"
    assert chain["lines"][0]["formula"].startswith("given: w100754 ")  # 1 + 100352 + 128·3 + 17
