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
        (["worked-example", "--format", "json"], "add --blanks or --answers"),
        (["worked-example", "--answers", "--format", "csv"], "the key is md, tex or json"),
        (["knowledge-check", "--blanks", "--format", "json"], "no computed values to fill in"),
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


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_lesson_sheets_template_is_graded_against_its_key(tmp_path, capsys, fmt):
    import csv
    import json

    template = sheet(capsys, "worked-example", "--blanks", "--format", fmt)
    key_path = tmp_path / "key.json"
    assert (
        main(["run", "worked-example", "--answers", "--format", "json", "-o", str(key_path)]) == 0
    )
    capsys.readouterr()
    # the key is the trace the blanks come from: exactly `trace mazur --format json`
    assert main(["trace", "mazur", "--format", "json"]) == 0
    assert key_path.read_text(encoding="utf-8") == capsys.readouterr().out
    trace = get_trace("mazur")
    if fmt == "json":
        document = json.loads(template)
        assert document["title"] == trace.title and document["lesson"] == "worked-example"
        names = list(document["answers"])
        assert all(value is None for value in document["answers"].values())
    else:
        rows = list(csv.reader(template.splitlines()))
        assert rows[0] == ["name", "answer"] and all(answer == "" for _, answer in rows[1:])
        names = [name for name, _ in rows[1:]]
    assert {"net_h1", "out_h1", "E_total", "delta_o1", "dE_total/dw5", "w5+"} <= set(names)
    assert all(trace[name].phase != "given" for name in names)
    # a student fills it in: right values, one wrong by a usual mistake, one left blank
    answers = {name: format_number(trace.value(name)) for name in names}
    answers["out_h1"] = format_number(trace.value("net_h1"))  # the activation not applied
    answers["w5+"] = ""
    filled = tmp_path / f"alice.{fmt}"
    if fmt == "json":
        document["answers"] = answers
        filled.write_text(json.dumps(document), encoding="utf-8")
    else:
        body = "".join(f"{name},{answer}\n" for name, answer in answers.items())
        filled.write_text("name,answer\n" + body, encoding="utf-8")
    assert main(["grade", str(key_path), str(filled)]) == 1
    out = capsys.readouterr().out
    n = len(names)
    assert f"score: {n - 2} of {n} right" in out and "student alice" in out
    assert "wrong (no_activation)" in out
    # the key graded against itself: full marks
    assert main(["grade", str(key_path), str(key_path)]) == 0
