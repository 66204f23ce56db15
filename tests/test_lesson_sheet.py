"""`run LESSON --blanks` / `--answers`: the lesson as a worksheet without answers, and its key."""

from __future__ import annotations

import pytest

from tutor.cli import main
from tutor.engine.trace import format_number
from tutor.lessons.references import get_trace


def sheet(capsys, *argv: str) -> str:
    assert main(["run", *argv]) == 0
    return capsys.readouterr().out


def test_blanks_hide_every_computed_value_and_the_key_shows_them(capsys):
    blanks = sheet(capsys, "worked-example", "--blanks")
    key = sheet(capsys, "worked-example", "--answers")
    trace = get_trace("mazur")
    for name in ("net_h1", "out_h1", "E_total", "delta_o1", "dE_total/dw5", "w5+"):
        value = format_number(trace.value(name))
        assert f"`{name} = {trace[name].formula} =` ______" in blanks
        assert value not in blanks
        assert f"= {value}`" in key
    assert "`w1 = 0.15`" in blanks  # given values are given
    assert "Name: ____" in blanks and "Name:" not in key


def test_quiz_marks_only_in_the_key(capsys):
    blanks = sheet(capsys, "knowledge-check", "--blanks")
    key = sheet(capsys, "knowledge-check", "--answers")
    assert "- [ ] a. Bagging" in blanks and "✓" not in blanks and "✗" not in blanks
    assert "- a. Bagging  ✓" in key


@pytest.mark.parametrize("mode", ["--blanks", "--answers"])
def test_latex_sheet_is_a_whole_document(capsys, mode):
    tex = sheet(capsys, "worked-example", mode, "--format", "tex")
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    assert tex.count("{") == tex.count("}")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["worked-example", "--format", "tex"], "add --blanks or --answers"),
        (["worked-example", "--blanks", "--step", "3"], "the whole lesson"),
    ],
)
def test_bad_combinations_are_one_line(capsys, argv, message):
    assert main(["run", *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_blanks_and_answers_are_exclusive(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "worked-example", "--blanks", "--answers"])
    assert stop.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
