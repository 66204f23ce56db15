"""`run` in text format prints no raw Markdown (issue 9 item 24)."""

from __future__ import annotations

import pytest

from tutor.cli import main
from tutor.lessons.loader import load_lessons
from tutor.lessons.model import PredictStep, QuizStep
from tutor.lessons.plaintext import plain_text


def test_a_pipe_table_becomes_aligned_columns_without_marks():
    text = (
        "Before.\n\n| | value |\n|---|---|\n| inputs | i1 = 0.05 |\n"
        "| biases | shared and **not updated** |\n| a \\| b | *x* |\n\nAfter, 2 * 3 stays."
    )
    assert plain_text(text).splitlines() == [
        "Before.",
        "",
        "        value",
        "------  ----------------------",
        "inputs  i1 = 0.05",
        "biases  shared and not updated",
        "a | b   x",
        "",
        "After, 2 * 3 stays.",
    ]


def test_emphasis_marks_go_and_code_stays():
    assert plain_text("the **original** w5, *updated* `w5+`") == "the original w5, updated `w5+`"
    assert plain_text("**still only\n50 %**: one") == "still only\n50 %: one"
    assert plain_text("**a\n\nb**") == "**a\n\nb**"  # not across paragraphs


def _lesson_texts():
    lessons = load_lessons().lessons
    for lesson in lessons:
        yield f"{lesson.id}: summary", lesson.summary
        for k, step in enumerate(lesson.steps, 1):
            yield f"{lesson.id} step {k}", step.text
            for hint in step.hints if isinstance(step, PredictStep) else ():
                yield f"{lesson.id} step {k} hint", hint
            for option in step.options if isinstance(step, QuizStep) else ():
                yield f"{lesson.id} step {k} option", option.text + "\n" + option.explanation
        for figure in lesson.figures:
            yield f"{lesson.id} figure {figure.id}", figure.erratum


def test_no_built_in_lesson_text_keeps_table_rules_or_bold_marks():
    left = [
        where
        for where, text in _lesson_texts()
        if "**" in plain_text(text) or "|---" in plain_text(text)
    ]
    assert left == []


@pytest.mark.parametrize("step", [1, 2])
def test_run_worked_example_in_text_has_no_raw_markdown(capsys, step):
    assert main(["run", "worked-example", "--step", str(step)]) == 0
    out = capsys.readouterr().out
    assert "**" not in out and "|---" not in out and "| " not in out
    assert "(bias (not updated))" not in out
    if step == 1:
        assert "inputs          i1 = 0.05, i2 = 0.10" in out
        assert "shared by a layer and not updated" in out
    else:
        assert "b1   = 0.35   (bias, not updated)" in out


def test_run_in_markdown_keeps_the_markdown(capsys):
    assert main(["run", "worked-example", "--step", "1", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "|---|---|" in out and "**not updated**" in out
