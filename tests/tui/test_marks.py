"""✓ means answered right, in the lesson header and in the picker alike."""

from __future__ import annotations

from tests.instructor_lesson import write_lesson
from tests.tui.snapshot_app import LESSONS, make_app
from tutor.lessons.loader import load_lesson
from tutor.lessons.progress_store import LessonProgress
from tutor.tui.marks import lesson_tally, step_mark

LESSON = load_lesson(LESSONS / "01-mazur-test.toml")
PREDICT, PREDICT_2, QUIZ = (
    k for k, step in enumerate(LESSON.steps) if step.kind in ("predict", "quiz")
)


def progress_of(**answers) -> LessonProgress:
    progress = LessonProgress(LESSON.id)
    progress.answers = {str(k): record for k, record in answers.items()}
    return progress


def test_only_a_right_answer_is_ticked():
    cases = [
        ({}, ""),
        ({"tries": 1}, "1 try used"),
        ({"tries": 2}, "2 tries used"),
        ({"tries": 3, "revealed": True}, "✗ answered wrong"),
        ({"tries": 2, "correct": True}, "✓ answered"),
    ]
    for record, mark in cases:
        progress = progress_of(**{str(PREDICT): record})
        assert step_mark(LESSON.steps[PREDICT], PREDICT, progress) == mark
    wrong_quiz = progress_of(**{str(QUIZ): {"choice": 1, "correct": False}})
    assert step_mark(LESSON.steps[QUIZ], QUIZ, wrong_quiz) == "✗ answered wrong"


def test_the_tally_counts_right_answers_apart_from_steps_seen():
    progress = progress_of(
        **{
            str(PREDICT): {"tries": 1, "correct": True},
            str(PREDICT_2): {"tries": 3, "revealed": True},
            str(QUIZ): {"choice": 0, "correct": False},
        }
    )
    progress.completed = set(range(len(LESSON.steps)))  # every step was shown to its end
    tally = lesson_tally(LESSON, progress)
    assert (tally.seen, tally.right, tally.wrong, tally.questions) == (len(LESSON.steps), 1, 2, 3)
    assert not tally.done  # all seen, but two questions wrong: no ✓ for the lesson
    assert tally.label() == f"{len(LESSON.steps)}/{len(LESSON.steps)} seen · 1/3 right · 2 wrong"
    for k in (PREDICT_2, QUIZ):
        progress.answers[str(k)]["correct"] = True
    assert lesson_tally(LESSON, progress).done


def test_a_lesson_without_questions_counts_steps_only(tmp_path):
    lesson = load_lesson(write_lesson(tmp_path) / "60-notes.toml")
    progress = LessonProgress(lesson.id)
    progress.completed = {0, 2}
    assert lesson_tally(lesson, progress).label() == "2/3 seen"


async def test_the_picker_shows_right_answers_and_steps_seen(private_data):
    app = make_app(private_data)
    progress = LessonProgress(LESSON.id)
    progress.completed = {0, PREDICT, QUIZ}
    progress.answers = {
        str(PREDICT): {"tries": 3, "revealed": True},
        str(QUIZ): {"choice": 0, "correct": True},
    }
    app.store.save(progress)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#lessons")
        lines = [listing.get_option_at_index(i).prompt for i in range(listing.option_count)]
        heads = [str(p.renderables[0]) for p in lines if hasattr(p, "renderables")]
        assert f"  {LESSON.title}  3/{len(LESSON.steps)} seen · 1/3 right · 1 wrong" in heads
