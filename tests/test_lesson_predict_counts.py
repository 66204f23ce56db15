"""Issue 12: lessons 8 and 9 make the student compute (at least three numeric predict steps)."""

from __future__ import annotations

import pytest

from tutor.lessons.loader import load_lessons
from tutor.lessons.references import check_references


@pytest.mark.parametrize("lesson_id", ["regularization", "mnist"])
def test_at_least_three_predict_steps_whose_references_hold(lesson_id):
    lesson = load_lessons().get(lesson_id)
    predicts = [s for s in lesson.steps if s.kind == "predict"]
    assert len(predicts) >= 3
    assert check_references(lesson) == []
    for step in predicts:  # learner-facing text names no experiment or result key
        assert step.experiment not in step.text and step.target not in step.text
