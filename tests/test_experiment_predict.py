"""Predict steps on an experiment's value: loading, reference checks, `run`, the worksheet."""

from __future__ import annotations

import io

import pytest

from tests import predict_experiment as px
from tutor.cli.run_cmd import Player
from tutor.lessons.errors import LessonError
from tutor.lessons.experiment_values import experiment_prediction
from tutor.lessons.grading import judge_value
from tutor.lessons.loader import load_lesson
from tutor.lessons.references import check_references


@pytest.fixture(autouse=True)
def registered():
    px.register()


def write(tmp_path, text: str = px.LESSON):
    path = tmp_path / "50-predict.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_predict_step_names_an_experiment_value(tmp_path):
    lesson = load_lesson(write(tmp_path))
    step = lesson.steps[1]
    assert (step.experiment, step.target, step.trace) == (px.ID, "dropped.h1", "")
    assert check_references(lesson) == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("dropped.h1", "dropped h1"), "steps[2].target", "result key"),
        (('experiment = "', 'trace = "mazur"\nexperiment = "'), "steps[2].trace", "either"),
        ((px.ID, "no such!id"), "steps[2].experiment", "experiment id"),
    ],
)
def test_the_loader_refuses_a_malformed_experiment_target(tmp_path, change, field, words):
    with pytest.raises(LessonError) as refused:
        load_lesson(write(tmp_path, px.LESSON.replace(*change)))
    assert field in str(refused.value) and words in str(refused.value)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ((px.ID, "no_such_experiment"), "steps[2].experiment", "unknown experiment"),
        (("dropped.h1", "dropped.h9"), "steps[2].target", "no result 'dropped.h9'"),
        (("dropped.h1", "label"), "steps[2].target", "not a number"),
    ],
)
def test_unknown_experiments_and_keys_are_refused_like_figure_references(
    tmp_path, change, field, words
):
    lesson = load_lesson(write(tmp_path, px.LESSON.replace(*change)))
    errors = [str(e) for e in check_references(lesson)]
    assert len(errors) == 1 and field in errors[0] and words in errors[0], errors


def test_the_value_carries_its_given_and_worked_lines_and_mistakes():
    asked = experiment_prediction(px.ID, "dropped.h1")
    assert asked.value == pytest.approx(0.4 / 0.7, abs=1e-15)
    assert asked.given[0] == "out_h1 = 0.4" and "0.571429" in asked.worked[0]
    assert [(m.hint, m.value) for m in asked.mistakes] == [(px.NO_RESCALE, 0.4)]


def test_grading_names_the_experiments_mistake_only_for_its_value():
    asked = experiment_prediction(px.ID, "dropped.h1")
    right = judge_value(asked.value, 0.571429, 5e-7, "0.571429", asked.mistakes)
    assert right.correct
    named = judge_value(asked.value, 0.4, 5e-7, "0.4", asked.mistakes)
    assert not named.correct and named.message == px.NO_RESCALE
    rounded = judge_value(asked.value, 0.5714, 5e-7, "0.5714", asked.mistakes)
    assert rounded.message == "0.5714 agrees to 4 decimals; give 6." and not rounded.mistake
    far = judge_value(asked.value, 0.41, 5e-7, "0.41", asked.mistakes)
    assert px.NO_RESCALE not in far.message and not far.mistake


def test_run_prints_the_given_numbers_the_answer_and_how_it_is_computed(tmp_path):
    lesson = load_lesson(write(tmp_path))
    out = io.StringIO()
    player = Player(lesson, markdown=False, out=out)
    player.step(2, lesson.steps[1])
    text = out.getvalue()
    assert player.problems == []
    given, answer, worked = (
        text.index("out_h1 = 0.4"),
        text.index("Answer: 0.571428571   (to 6 decimals: within ±5e-07; 3 tries)"),
        text.index("out_h1·m1/p = 0.4·1/0.7 = 0.571429"),
    )
    assert given < answer < worked
    assert f"0.400000  {px.NO_RESCALE}" in text and "1. Divide by p." in text


def test_run_names_a_missing_key_as_a_problem(tmp_path):
    lesson = load_lesson(write(tmp_path, px.LESSON.replace("dropped.h1", "dropped.h9")))
    player = Player(lesson, markdown=False, out=io.StringIO())
    player.step(2, lesson.steps[1])
    assert player.problems and "dropped.h9" in player.problems[0]


@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_the_worksheet_gives_the_numbers_and_a_blank_and_the_key_the_working(tmp_path, fmt):
    from tutor.classroom.lesson_sheet import lesson_sheet

    lesson = load_lesson(write(tmp_path))
    sheet, problems = lesson_sheet(lesson, fmt, answers=False)
    key, key_problems = lesson_sheet(lesson, fmt, answers=True)
    assert problems == key_problems == []
    assert "0.4" in sheet and "0.571429" not in sheet
    assert "0.571429" in key
    if fmt == "md":
        assert "1. ______________" in sheet
    else:
        assert r"\rule{4cm}" in sheet and r"\texttt{out\_h1 = 0.4}" in sheet
