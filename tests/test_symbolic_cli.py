"""`backprop-tutor derive` and `backprop-tutor check`: output and exit codes."""

import json
from pathlib import Path

import numpy as np
import pytest

from tests import forked_probe
from tutor.cli import main

ROOT = Path(__file__).resolve().parent.parent
MAZUR_TOML = ROOT / "examples" / "mazur.toml"


def _run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse refuses out-of-range options (tutor.cli.ranges)
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def test_derive_w5_text(capsys):
    code, out, _ = _run(capsys, "derive", "mazur", "--param", "w5")
    assert code == 0
    assert "The chain rule for w5" in out
    assert "outₒ₁⋅(1 - outₒ₁)" in out
    assert "dE_total/dw5 = 0.74136507 · 0.186815602 · 0.593269992 = 0.082167041" in out
    assert "Fully expanded" in out


def test_derive_everything_by_default(capsys):
    code, out, _ = _run(capsys, "derive", "mazur")
    assert code == 0
    for name in ("w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2"):
        assert f"∂E_total/∂{name} by the chain rule" in out
    assert "The forward pass and the error" in out


def test_derive_json(capsys):
    code, out, _ = _run(capsys, "derive", "mazur", "--param", "w1", "--format", "json")
    assert code == 0
    (d,) = json.loads(out)["derivations"]
    assert d["target"] == "w1"
    by_name = {s["name"]: s["value"] for s in d["steps"] if s["name"]}
    assert round(by_name["dE_total/dw1"], 9) == 0.000438568
    assert all(s["latex"] is not None and "caption" in s for s in d["steps"])


def test_derive_markdown_and_tex(capsys):
    _, md, _ = _run(capsys, "derive", "mazur", "--param", "b2", "--format", "md")
    assert md.startswith(r"## ∂E\_total/∂b2") and "```text" in md
    _, tex, _ = _run(capsys, "derive", "mazur", "--param", "b2", "--format", "tex")
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert r"\frac{\partial E_{\mathrm{total}}}{\partial b_{2}}" in tex


def test_derive_an_activation(capsys):
    code, out, _ = _run(capsys, "derive", "sigmoid")
    assert code == 0 and "σ⋅(1 - σ)" in out
    code, out, _ = _run(capsys, "derive", "mazur", "--param", "softmax")
    assert code == 0 and "s₁ - t₁" in out


def test_derive_network_file_matches_the_example(capsys):
    _, from_example, _ = _run(capsys, "derive", "mazur", "--param", "w6")
    code, from_file, _ = _run(capsys, "derive", "--network", str(MAZUR_TOML), "--param", "w6")
    assert code == 0 and from_file == from_example


@pytest.mark.parametrize(
    "argv,message",
    [
        (["derive", "encoder-838"], "59 parameters"),
        (["derive", "mazur", "--param", "w99"], "no parameter 'w99'"),
        (["derive", "nope"], "unknown example 'nope'"),
        (["derive", "--network", "missing.toml"], "missing.toml"),
    ],
)
def test_derive_errors(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_check_passes_on_mazur(capsys):
    code, out, _ = _run(capsys, "check", "mazur")
    assert code == 0
    assert "all 10 gradients agree" in out
    assert out.count(" ok\n") == 10


def test_check_flags_seed_001(capsys):
    code, out, _ = _run(capsys, "check", "mazur", "--variant", "seed-001")
    assert code == 1
    assert "DISAGREEMENT in 10 of 10 gradients" in out
    assert "largest: w8, backprop vs " in out and "relative error 0.188" in out


@pytest.mark.parametrize("source", [["mazur"], ["--network", str(MAZUR_TOML)]])
def test_check_trace_variant_is_the_plain_check(capsys, source):
    # updated-weights changes the trace (backprop through updated weights), not ∂E/∂θ.
    code, out, err = _run(capsys, "check", *source, "--variant", "updated-weights")
    assert code == 0 and err == ""
    assert "variant: updated-weights changes how a step is traced" in out
    assert "all 10 gradients agree" in out


def test_check_variant_in_the_name(capsys):
    code, out, _ = _run(capsys, "check", "mazur@seed-001")
    assert code == 1 and "DISAGREEMENT in 10 of 10 gradients" in out


def test_check_flags_seed_001_on_the_encoder(capsys):
    code, out, _ = _run(capsys, "check", "encoder-838", "--variant", "seed-001")
    assert code == 1
    assert "symbolic column absent: 59 parameters" in out
    assert "DISAGREEMENT in 38 of 59 gradients" in out
    code, out, _ = _run(capsys, "check", "encoder-838")
    assert code == 0 and "all 59 gradients agree" in out


def test_check_network_file(capsys, tmp_path):
    code, out, _ = _run(capsys, "check", "--network", str(MAZUR_TOML))
    assert code == 0 and "all 10 gradients agree" in out
    code, out, _ = _run(capsys, "check", "--network", str(MAZUR_TOML), "--variant", "seed-001")
    assert code == 1
    bad = tmp_path / "bad.toml"
    text = MAZUR_TOML.read_text(encoding="utf-8").replace('"half_sse"', '"nope"')
    bad.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "check", "--network", str(bad))
    assert code == 2 and "bad.toml" in err and "loss" in err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["check", "nope"], "unknown example"),
        (["check", "mazur", "--variant", "nope"], "unknown variant"),
        (["check", "mazur", "--tolerance", "-1"], "--tolerance"),
        (["check", "mazur", "--tolerance", "nan"], "--tolerance"),
        (["derive", "mazur", "--precision", "-3"], "--precision"),
    ],
)
def test_check_usage_errors(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_numeric_check_and_trace_never_import_sympy():
    code = (
        "import sys, io, contextlib\n"
        "from tutor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['check', 'encoder-838'])\n"
        "    main(['trace', 'mazur'])\n"
        "assert 'sympy' not in sys.modules, 'sympy imported'\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    result = forked_probe.run(code)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "mazur@seed-001"],
        ["check", "encoder-838", "--variant", "seed-001"],
        ["derive", "mazur"],
        ["derive", "softmax"],
        ["derive", "relu"],
    ],
)
def test_output_fits_80_columns(capsys, argv):
    _, out, _ = _run(capsys, *argv)
    too_wide = [line for line in out.splitlines() if len(line) > 80]
    assert too_wide == []


def test_derive_a_loss_without_a_real_value(capsys, tmp_path):
    # bce on an identity output of 1.4: log(1 − out) is not real; one line, no traceback.
    # A network file is refused at validation (bce needs probabilities, issue 9 item 13); a
    # network built in code reaches SymPy and gets the same one line from there.
    net = tmp_path / "bce.toml"
    net.write_text(
        'inputs = 1\nloss = "bce"\nlearning_rate = 0.1\n'
        '[[layers]]\nsize = 1\nactivation = "identity"\nweights = [[2.0]]\n'
        "[sample]\ninputs = [0.7]\ntargets = [0.5]\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "derive", "--network", str(net), "--param", "w1")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "layers[0].activation: bce needs outputs that are probabilities" in err
    from tutor.engine import Network, dense, get_loss
    from tutor.engine.examples import Example
    from tutor.symbolic.derivation import derivation

    network = Network([dense([[2.0]], None, "identity")])
    ex = Example("bce", "bce", network, np.array([0.7]), np.array([0.5]), get_loss("bce"), 0.1, "")
    with pytest.raises(ValueError) as info:
        derivation(ex, "w1")
    message = str(info.value)
    assert "E_o1" in message and "not a real number" in message
    assert "bce needs outputs in (0, 1)" in message


def _deep_network(tmp_path, hidden_layers: int) -> str:
    """2 inputs, `hidden_layers` sigmoid layers of 2 and 2 outputs, one shared bias per layer."""
    layer = '[[layers]]\nsize = 2\nactivation = "sigmoid"\ninit = "xavier"\nbias = 0.1\n'
    path = tmp_path / "deep.toml"
    path.write_text(
        'inputs = 2\nloss = "half_sse"\nlearning_rate = 0.5\nseed = 1\n'
        + layer * (hidden_layers + 1)
        + "[sample]\ninputs = [0.5, 0.25]\ntargets = [0.2, 0.7]\n",
        encoding="utf-8",
    )
    return str(path)


def test_derive_expands_a_large_network_only_on_request(capsys, tmp_path):
    net = _deep_network(tmp_path, 2)  # 12 weights + 3 biases: above the expansion limit
    code, factored, _ = _run(capsys, "derive", "--network", net, "--param", "w1")
    assert code == 0
    assert "The numbers multiplied" in factored
    assert "Fully expanded" not in factored
    code, expanded, _ = _run(capsys, "derive", "--network", net, "--param", "w1", "--expand")
    assert code == 0
    assert "Fully expanded" in expanded
    # The same chain rule either way; --expand adds the expanded derivative and its value.
    assert expanded.startswith(factored.rstrip("\n"))
    _, small, _ = _run(capsys, "derive", "mazur", "--param", "w5")
    assert "Fully expanded" in small  # small networks keep it by default
