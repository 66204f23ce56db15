"""`backprop-tutor trace`: output, options, exit codes, messages, atomic -o."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.export import load_trace_json

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["trace", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_trace_mazur_prints_the_worked_example(capsys):
    code, out, err = run(capsys, "mazur")
    assert code == 0 and err == ""
    assert "net_h1 = w1·i1 + w2·i2 + b1·1 = 0.15·0.05 + 0.2·0.1 + 0.35·1 = 0.3775" in out
    assert "E_total = E_o1 + E_o2 = 0.274811083 + 0.023560026 = 0.298371109" in out
    assert "w1+ = w1 − eta·dE_total/dw1 = 0.15 − 0.5·0.000438568 = 0.149780716" in out
    assert "\x1b[" not in out


def test_piped_output_has_no_ansi_codes_even_with_a_terminal_env():
    env = {**os.environ, "TERM": "xterm-256color", "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "trace", "mazur"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
    assert "out_o1 = 1/(1 + e^−net_o1) = 1/(1 + e^−1.105905967) = 0.75136507" in result.stdout


class _Tty:
    """A stdout that says it is a terminal."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("no_color, coloured", [(None, True), ("1", False)])
def test_colour_on_a_terminal_unless_no_color(monkeypatch, no_color, coloured):
    tty = _Tty()
    monkeypatch.setattr(sys, "stdout", tty)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert main(["trace", "mazur"]) == 0
    assert ("\x1b[" in "".join(tty.parts)) is coloured


def test_rounds_summarises_training_after_the_traced_round(capsys):
    code, out, _ = run(capsys, "mazur", "--rounds", "50")
    assert code == 0
    summary = out[out.index("After 50 rounds") :]
    lines = summary.splitlines()
    assert "      0  0.298371109" in lines
    assert "      1  0.291027774" in lines
    assert "     50  " in summary
    assert "outputs after round 50: out_o1 = " in summary


def test_variant_reproduces_the_slides_error_after_round_1(capsys):
    code, out, _ = run(capsys, "mazur", "--variant", "updated-weights", "--rounds", "2")
    assert code == 0
    assert "      1  0.291027924" in out.splitlines()
    assert "Variant updated-weights:" in out
    # the hidden layer's error goes through the updated weights
    assert "= delta_o1·w5+ = 0.138498562·0.35891648 = 0.049709416" in out


def test_precision(capsys):
    _, out, _ = run(capsys, "mazur", "--precision", "4")
    assert "out_h1 = 1/(1 + e^−net_h1) = 1/(1 + e^−0.3775) = 0.5933" in out


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "tex"])
def test_output_file_is_written_in_the_format(tmp_path, capsys, fmt):
    path = tmp_path / f"trace.{fmt}"
    code, out, err = run(capsys, "mazur", "--format", fmt, "-o", str(path))
    assert code == 0 and out == "" and f"wrote {path}" in err
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        assert load_trace_json(text).value("E_total") == 0.2983711087600027
    assert ("0.2983711087600027" if fmt in ("json", "csv") else "0.298371109") in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left


def test_rounds_go_into_json_meta(capsys):
    _, out, _ = run(capsys, "--rounds", "3", "--format", "json")
    rounds = json.loads(out)["meta"]["rounds"]
    assert rounds["rounds"] == 3 and [r for r, _ in rounds["errors"]] == [0, 1, 2, 3]
    assert rounds["final_error"] == rounds["errors"][-1][1]


def test_network_file(capsys):
    code, out, _ = run(capsys, "--network", str(ROOT / "examples" / "mazur.toml"))
    assert code == 0
    code2, out2, _ = run(capsys, "mazur")
    assert out == out2


BAD = [
    (
        ["nope"],
        "unknown example 'nope'; known examples: deep-xor, encoder-838, mazur, mnist-digit, "
        "two-hidden, xor-221",
    ),
    (
        ["--variant", "fancy"],
        "unknown variant 'fancy'; known variants: seed-001, tanh, updated-weights",
    ),
    (["mazur", "--network", "x.toml"], "give a built-in example or --network FILE, not both"),
    (
        ["--network", "/nonexistent/net.toml"],
        "/nonexistent/net.toml: cannot read the file (No such file or directory)",
    ),
]


@pytest.mark.parametrize("argv, message", BAD, ids=[m[:30] for _, m in BAD])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err == f"backprop-tutor trace: error: {message}\n"


def test_malformed_network_file_names_the_file_and_field(tmp_path, capsys):
    path = tmp_path / "net.toml"
    text = (ROOT / "examples" / "mazur.toml").read_text().replace("0.25, 0.30]", "0.25]")
    path.write_text(text)
    code, out, err = run(capsys, "--network", str(path))
    assert code == 2 and out == ""
    assert err == (
        f"backprop-tutor trace: error: {path}: layers[0].weights: "
        "expected 2 rows of 2 numbers, got 2 rows of 1/2 numbers\n"
    )


@pytest.mark.parametrize("where", ["missing-dir", "parent-is-a-file", "is-a-directory"])
def test_unwritable_output_is_exit_2_and_leaves_no_file(tmp_path, capsys, where):
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir").mkdir()
    target = {
        "missing-dir": tmp_path / "missing" / "out.txt",
        "parent-is-a-file": tmp_path / "file" / "out.txt",
        "is-a-directory": tmp_path / "dir",
    }[where]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    code, out, err = run(capsys, "mazur", "-o", str(target))
    assert code == 2 and out == ""
    assert err.startswith(f"backprop-tutor trace: error: cannot write {target}: ")
    assert err.count("\n") == 1
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_existing_output_file_is_replaced_whole(tmp_path, capsys):
    path = tmp_path / "out.txt"
    path.write_text("old content that is longer than nothing\n" * 1000)
    assert run(capsys, "mazur", "-o", str(path))[0] == 0
    assert path.read_text(encoding="utf-8").startswith("The 2-2-2 worked example\n")
    assert "old content" not in path.read_text(encoding="utf-8")


def test_symbolic_forms_are_included_on_request(capsys):
    code, out, _ = run(capsys, "mazur", "--format", "json", "--symbolic")
    assert code == 0
    values = {v["name"]: v for v in json.loads(out)["values"]}
    # SymPy's expanded form of net_h1 names exactly the symbols it was built from
    assert set(
        values["net_h1"]["symbolic"]["unicode"].replace("·", " ").replace("+", " ").split()
    ) == {"b1", "i1", "w1", "i2", "w2"}
    assert "\\partial" in values["dE_total/dw5"]["symbolic"]["latex"]
    code, plain, _ = run(capsys, "mazur", "--format", "json")
    assert all("symbolic" not in v for v in json.loads(plain)["values"])


def test_console_script_runs_in_an_interpreter_without_site_imports():
    """The installed `backprop-tutor` calls main() with only what tutor imports itself.

    A fresh venv's interpreter has not imported importlib.util at start-up (this machine's
    site-packages .pth files do), so `-S` reproduces the fresh machine.
    """
    import site

    paths = [str(ROOT), *site.getsitepackages()]
    code = (
        f"import sys; sys.path[:0] = {paths!r}\n"
        "assert 'importlib.util' not in sys.modules\n"
        "from tutor.cli import main\n"
        "sys.exit(main(['trace', 'mazur']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "E_total = E_o1 + E_o2" in result.stdout


@pytest.mark.parametrize("fmt", ["md", "tex", "json", "text"])
def test_rounds_summary_is_in_every_document_format(capsys, fmt):
    code, out, _ = run(capsys, "mazur", "--rounds", "20", "--format", fmt)
    assert code == 0
    assert "After 20 rounds" in out or '"rounds": 20' in out
    final = json.loads(main_json(capsys, "--rounds", "20"))["meta"]["rounds"]["final_error"]
    assert f"{final:.9f}".rstrip("0") in out or repr(final) in out
    assert "0.291027774" in out or "0.29102777" in out  # round 1, exact


def main_json(capsys, *argv: str) -> str:
    assert main(["trace", "mazur", "--format", "json", *argv]) == 0
    return capsys.readouterr().out


def test_rounds_with_csv_is_refused(tmp_path, capsys):
    path = tmp_path / "t.csv"
    code, out, err = run(capsys, "mazur", "--rounds", "5", "--format", "csv", "-o", str(path))
    assert code == 2 and out == "" and not path.exists()
    assert err == (
        "backprop-tutor trace: error: --rounds with --format csv: CSV holds the traced step "
        "only; use json\n"
    )


@pytest.mark.parametrize("rounds", ["6", "500"])
def test_a_diverging_network_file_is_one_line_naming_the_round(tmp_path, capsys, rounds):
    """Identity units and η = 50: the errors grow 0.42, 8.5, 4.7e5, 4e20, 3e65, 8e199, inf."""
    text = (ROOT / "examples" / "mazur.toml").read_text()
    text = text.replace('"sigmoid"', '"identity"').replace(
        "learning_rate = 0.5", "learning_rate = 50"
    )
    (tmp_path / "net.toml").write_text(text)
    out_file = tmp_path / "out.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run(
            capsys, "--network", str(tmp_path / "net.toml"), "--rounds", rounds, "-o", str(out_file)
        )
    assert code == 2 and out == "" and not out_file.exists()
    assert err == (
        f"backprop-tutor trace: error: --rounds {rounds}: training diverged in round 6 "
        "(non-finite loss); try a smaller learning rate\n"
    )
    code, out, _ = run(capsys, "--network", str(tmp_path / "net.toml"), "--rounds", "5")
    assert code == 0 and "      5  7.894903e+199" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--rounds", "abc"],
            "argument --rounds: expected a whole number 1 to 1,000,000, got 'abc'",
        ),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main(["trace", *argv])
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert err.startswith(f"backprop-tutor trace: error: {message}") and err.count("\n") == 1


# -- issue 9 items 22 and 23 -------------------------------------------------------------------
def test_the_error_after_the_step_is_printed_with_the_variants_figure_beside_it(capsys):
    """The slides' punch line: 0.291027774 exactly, 0.291027924 through the updated weights."""
    code, out, _ = run(capsys, "mazur", "--rounds", "1")
    assert code == 0
    assert (
        "Error after the step\n  E_total = 0.291027774   (updated-weights variant: 0.291027924)\n"
        in out
    )
    code, out, _ = run(capsys, "mazur", "--variant", "updated-weights")
    assert "  E_total (updated-weights variant) = 0.291027924   (exact: 0.291027774)\n" in out


def test_the_error_after_the_step_is_an_independent_forward_pass(capsys):
    """Recomputed here from the updated weights the trace prints (w1+ … w8+), by plain floats."""
    import math

    from tutor.engine.variants import trace_example_step
    from tutor.experiments.builtin_examples import get_example

    ex = get_example("mazur")
    trace = trace_example_step(ex)[0]
    w = {k: trace.value(f"w{k}+") for k in range(1, 9)}

    def sigma(z):
        return 1 / (1 + math.exp(-z))

    h1 = sigma(w[1] * 0.05 + w[2] * 0.1 + 0.35)
    h2 = sigma(w[3] * 0.05 + w[4] * 0.1 + 0.35)
    o1 = sigma(w[5] * h1 + w[6] * h2 + 0.6)
    o2 = sigma(w[7] * h1 + w[8] * h2 + 0.6)
    expected = 0.5 * (0.01 - o1) ** 2 + 0.5 * (0.99 - o2) ** 2
    _, out, _ = run(capsys, "mazur")
    after = out[out.index("Error after the step") :].splitlines()[1]
    assert after.startswith("  E_total = ")
    assert float(after.split()[2]) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md", "tex"])
def test_the_format_follows_the_output_files_extension(tmp_path, capsys, fmt):
    suffix = {"text": "txt"}.get(fmt, fmt)
    path = tmp_path / f"trace.{suffix.upper() if fmt == 'md' else suffix}"
    code, out, err = run(capsys, "mazur", "-o", str(path))
    assert code == 0 and out == "" and err == f"wrote {path} ({fmt})\n"
    text = path.read_text(encoding="utf-8")
    starts = {
        "text": "The 2-2-2 worked example\n===",
        "json": "{",
        "csv": "step,phase,layer,name,",
        "md": "# ",
        "tex": "\\documentclass",
    }
    assert text.startswith(starts[fmt]), text[:40]


def test_an_unknown_extension_is_text_unless_format_says_otherwise(tmp_path, capsys):
    path = tmp_path / "trace.out"
    assert run(capsys, "mazur", "-o", str(path))[0] == 0
    assert path.read_text(encoding="utf-8").startswith("The 2-2-2 worked example\n")
    assert run(capsys, "mazur", "-o", str(path), "--format", "json")[0] == 0
    assert path.read_text(encoding="utf-8").startswith("{")


def test_a_format_contradicting_the_extension_is_refused(tmp_path, capsys):
    path = tmp_path / "x.json"
    code, out, err = run(capsys, "mazur", "-o", str(path), "--format", "csv")
    assert code == 2 and out == "" and not path.exists()
    assert err == (
        f"backprop-tutor trace: error: --format csv contradicts -o {path} (a .json file is "
        "json); give one of them, or make them agree\n"
    )


@pytest.mark.parametrize("fmt", ["md", "tex", "json"])
def test_the_error_after_the_step_is_in_every_document_format(capsys, fmt):
    code, out, _ = run(capsys, "mazur", "--format", fmt)
    assert code == 0
    if fmt == "json":
        after = load_trace_json(out).meta["error_after_step"]
        assert after == {"exact": 0.29102777369359933, "updated-weights": 0.29102792390544197}
    else:
        assert "Error after the step" in out
        assert "0.291027774   (updated-weights variant: 0.291027924)" in out
