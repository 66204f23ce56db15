"""Instructor notes: the step flag loads, `run` marks them, `--no-instructor` leaves them out."""

from __future__ import annotations

import pytest

from tests.instructor_lesson import LESSON, write_lesson
from tutor.cli import main
from tutor.lessons.loader import LessonError, load_lesson, load_lessons


def test_the_flag_loads_and_defaults_to_false(tmp_path):
    lesson = load_lesson(write_lesson(tmp_path) / "60-notes.toml")
    assert [step.instructor for step in lesson.steps] == [False, True, False]


def test_a_flag_that_is_not_a_boolean_is_named(tmp_path):
    (tmp_path / "60-notes.toml").write_text(
        LESSON.replace("instructor = true", 'instructor = "yes"'), encoding="utf-8"
    )
    with pytest.raises(LessonError) as info:
        load_lesson(tmp_path / "60-notes.toml")
    assert "steps[2].instructor" in str(info.value) and "true or false" in str(info.value)


def test_run_marks_the_note_and_no_instructor_leaves_it_out(tmp_path, capsys):
    folder = str(write_lesson(tmp_path))
    assert main(["run", "notes", "--lessons", folder]) == 0
    out = capsys.readouterr().out
    assert "[2/3] Stream order  (prose)  [instructor note]" in out and "FORENSIC" in out
    assert "[1/3] First  (prose)\n" in out  # an ordinary step carries no mark
    assert main(["run", "notes", "--lessons", folder, "--no-instructor"]) == 0
    out = capsys.readouterr().out
    assert "FORENSIC" not in out and "Stream order" not in out
    assert "[1/3] First" in out and "[3/3] Last" in out
    assert main(["run", "notes", "--lessons", folder, "--format", "md"]) == 0
    assert "## 2. Stream order  [instructor note]" in capsys.readouterr().out


def test_the_course_marks_forensic_steps_in_lessons_4_to_6():
    marked = {
        lesson.order: sum(step.instructor for step in lesson.steps)
        for lesson in load_lessons().lessons
    }
    assert marked[4] >= 1 and marked[5] >= 1 and marked[6] >= 1
    assert all(marked[order] == 0 for order in marked if order not in (4, 5, 6))
