"""The headless lesson commands: `lessons`, `run`, `verify`."""

from __future__ import annotations

import json

import pytest

from tutor.cli import main
from tutor.lessons.loader import load_lessons
from tutor.lessons.model import ErrataStep

BAD_LESSON = 'id = "bad"\ntitle = "Bad"\nsummary = "x"\norder = 50\n[[steps]]\nkind = "video"\n'


def test_lessons_lists_every_lesson(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "worked-example" in out and "The 2-2-2 worked example" in out
    assert "knowledge-check" in out


def test_lessons_reports_a_teachers_bad_file_and_exits_1(tmp_path, capsys):
    (tmp_path / "50-bad.toml").write_text(BAD_LESSON, encoding="utf-8")
    assert main(["lessons", "--lessons", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "50-bad.toml: steps[1].kind: unknown step kind" in out
    assert "worked-example" in out  # the others still load


def test_a_teachers_lesson_is_listed_and_played(tmp_path, capsys):
    (tmp_path / "50-mine.toml").write_text(
        BAD_LESSON.replace('"bad"', '"mine"').replace('"video"', '"prose"\ntext = "Hi there."'),
        encoding="utf-8",
    )
    assert main(["lessons", "--lessons", str(tmp_path)]) == 0
    assert "mine" in capsys.readouterr().out
    assert main(["run", "mine", "--lessons", str(tmp_path)]) == 0
    assert "Hi there." in capsys.readouterr().out


def test_run_a_predict_step_shows_the_answer_and_hints(capsys):
    assert main(["run", "worked-example", "--step", "3"]) == 0
    out = capsys.readouterr().out
    assert "Answer: net_h1 = 0.3775" in out
    assert "net_h1 = w1·i1 + w2·i2 + b1·1 = 0.15·0.05 + 0.2·0.1 + 0.35·1 = 0.3775" in out
    assert "0.0275  Don't forget the bias" in out  # the mistake with the value that shows it
    assert "to 4 decimals" in out


def test_run_a_quiz_in_markdown(capsys):
    assert main(["run", "knowledge-check", "--step", "3", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## 3. Question 2")
    assert "- a. Bagging  ✓" in out and "Answer: a" in out


def test_run_an_errata_step_shows_published_and_computed(capsys):
    lesson = load_lessons().get("worked-example")
    errata = [s for s in lesson.steps if isinstance(s, ErrataStep)]
    step = next(s for s in errata if s.figure == "E_o1_line_out_o1")
    number = lesson.steps.index(step) + 1
    assert main(["run", "worked-example", "--step", str(number)]) == 0
    out = capsys.readouterr().out
    assert "published: 0.753136507" in out and "computed:  0.751365069552" in out


@pytest.mark.parametrize(
    "lesson, words",
    [
        (
            "activations",
            [
                "Activation functions and their derivatives",
                "[20/20]",
                "XOR after 5000 epochs, tanh hidden units",
                "┤",  # the loss curve
            ],
        ),
        (
            "worked-example",
            [
                "[30/30]",
                "The chain rule for w5",  # derive w5 (SymPy)
                "= 0.082167041",
                "dE_total/dw1 = 0.036350306 · 0.241300709 · 0.05 = 0.000438568",  # derive w1
                "computed:  0.291027773694",  # the errata step of the error after round 1
            ],
        ),
    ],
)
def test_run_a_whole_lesson(capsys, lesson, words):
    assert main(["run", lesson]) == 0
    out = capsys.readouterr().out
    assert [w for w in words if w not in out] == []


@pytest.mark.parametrize(
    "argv, words",
    [
        (["run", "no-such-lesson"], "no lesson 'no-such-lesson'"),
        (["run", "worked-example", "--step", "99"], "has steps 1 to"),
        (["verify", "--lesson", "nope"], "no lesson 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_verify_one_lesson_as_json(capsys):
    assert main(["verify", "--lesson", "worked-example", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # no progress bar when stderr is not a terminal
    report = json.loads(captured.out)
    assert report["ok"] is True and report["errors"] == []
    by_id = {f["figure"]: f for f in report["figures"]}
    assert by_id["out_h1"]["verdict"] == "agrees" and by_id["out_h1"]["digits"] == 9
    assert by_id["E_after_round_1"]["verdict"] == "erratum, explained"


def test_verify_text_fails_on_a_disagreeing_teachers_figure(tmp_path, capsys):
    text = BAD_LESSON.replace('"video"', '"prose"\ntext = "x"') + (
        '[[figures]]\nid = "out_h1"\npublished = "0.7"\nsource = "mine"\n'
        'computed = "trace:mazur:out_h1"\n'
    )
    (tmp_path / "50-bad.toml").write_text(text, encoding="utf-8")
    assert main(["verify", "--lessons", str(tmp_path), "--lesson", "bad"]) == 1
    out = capsys.readouterr().out
    assert "DISAGREES" in out and "1 failed" in out


def test_lessons_fits_80_columns_even_with_a_long_title(tmp_path, capsys):
    title = "A very long teacher title that goes on and on and on and on forever"
    text = BAD_LESSON.replace('"Bad"', f'"{title}"').replace('"video"', '"prose"\ntext = "x"')
    (tmp_path / "50-long.toml").write_text(text, encoding="utf-8")
    assert main(["lessons", "--lessons", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("A very long teacher title" in line and line.endswith("1     0") for line in lines)


def test_run_labels_a_figure_that_agrees_a_figure_check(capsys):
    assert main(["run", "encoder-838", "--step", "11"]) == 0
    heading = capsys.readouterr().out.splitlines()[0]
    assert heading.endswith("(figure check)") and "errata" not in heading
