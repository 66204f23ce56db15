"""Lessons 3, 4 and 5 make the student compute (issue 12): at least three numeric predict steps
each, on the lesson's own networks, and no step before a question prints its answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.engine.trace import format_number
from tutor.lessons.grading import decimals_asked
from tutor.lessons.loader import load_lesson
from tutor.lessons.references import get_trace

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
FILES = {
    "activations": "03-activations.toml",
    "xor-221": "04-xor-221.toml",
    "encoder-838": "05-encoder-838.toml",
}
HEADER = re.compile(r"^\[(\d+)/\d+\] ", re.MULTILINE)


# `run` lists a predict step's recognised mistakes for the teacher; the student never sees them
TEACHERS_LIST = re.compile(r"Usual mistakes, named when.*?(?=Hints, one per|\Z)", re.DOTALL)


# `run LESSON`'s exit status and output, by lesson: two tests read lesson 4's, played once.
_PLAYED: dict[str, tuple[int, str]] = {}


def played(capsys, lesson_id: str) -> list[str]:
    """What the student can see of each step as `run` prints it, in order (index 0 = step 1)."""
    if lesson_id not in _PLAYED:
        code = main(["run", lesson_id])
        _PLAYED[lesson_id] = (code, capsys.readouterr().out)
    code, text = _PLAYED[lesson_id]
    assert code == 0
    starts = [m.start() for m in HEADER.finditer(text)]
    return [TEACHERS_LIST.sub("", text[a:b]) for a, b in zip(starts, starts[1:] + [len(text)])]


@pytest.mark.parametrize("lesson_id", sorted(FILES))
def test_each_lesson_has_three_predict_steps_on_its_own_networks(lesson_id):
    lesson = load_lesson(LESSONS / FILES[lesson_id])
    predicts = [s for s in lesson.steps if s.kind == "predict"]
    assert len(predicts) >= 3
    # not lesson 2's values again (lesson 3's tanh lab is mazur@tanh: other values)
    assert not any(s.trace in ("mazur", "mazur@updated-weights") for s in predicts)


@pytest.mark.parametrize("lesson_id", sorted(FILES))
def test_no_step_prints_a_predict_steps_answer_before_it_is_asked(capsys, lesson_id):
    lesson = load_lesson(LESSONS / FILES[lesson_id])
    texts = played(capsys, lesson_id)
    assert len(texts) == len(lesson.steps)
    for k, step in enumerate(lesson.steps):
        if step.kind != "predict":
            continue
        value = get_trace(step.trace).value(step.target)
        shown = {format_number(value), f"{value:.{decimals_asked(step.tolerance)}f}"}
        earlier = "".join(texts[:k])
        assert not [s for s in shown if s in earlier], (step.title, shown)


def test_lesson_4_asks_the_accuracy_before_any_run_prints_it(capsys):
    lesson = load_lesson(LESSONS / FILES["xor-221"])
    texts = played(capsys, "xor-221")
    quiz = next(k for k, s in enumerate(lesson.steps) if s.title == "Check: read the predictions")
    assert "accuracy" not in "".join(texts[:quiz]).lower()
    assert any("0.75" in t for t in texts[quiz + 1 :])
