"""What a step's and a lesson's marks say, one definition for the lesson header and the picker.

✓ means answered right, and nothing else: a question answered wrong (or whose worked answer
was shown) is "✗ answered wrong", a question tried but not finished counts its tries, and
any other step is "seen" once shown to its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the picker paints before the lessons load
    from tutor.lessons.lesson_progress import LessonProgress
    from tutor.lessons.model import Lesson, Step


def step_mark(step: Step, step_index: int, progress: LessonProgress) -> str:
    """`✓ answered`, `✗ answered wrong`, `N tries used`, `seen` or ""."""
    record = progress.answers.get(str(step_index), {})
    if step.question:  # a predict or quiz step
        if record.get("correct"):
            return "✓ answered"
        if record.get("revealed") or "choice" in record:
            return "✗ answered wrong"
        tries = record.get("tries", 0)
        return f"{tries} {'try' if tries == 1 else 'tries'} used" if tries else ""
    return "seen" if step_index in progress.completed else ""


@dataclass(frozen=True)
class LessonTally:
    """A lesson's progress as the picker shows it."""

    seen: int  # steps shown to their end, or answered (right or wrong)
    steps: int
    right: int  # questions answered right
    wrong: int  # questions answered wrong or given up
    questions: int

    @property
    def done(self) -> bool:
        """Every step seen and every question answered right: the lesson's ✓."""
        return self.steps > 0 and self.seen == self.steps and self.right == self.questions

    def label(self) -> str:
        """`12/30 seen · 3/5 right` (· 1 wrong): steps seen, questions answered right."""
        text = f"{self.seen}/{self.steps} seen"
        if self.questions:
            text += f" · {self.right}/{self.questions} right"
        if self.wrong:
            text += f" · {self.wrong} wrong"
        return text


def lesson_tally(lesson: Lesson, progress: LessonProgress) -> LessonTally:
    """Count the marks of `lesson`'s steps, as `step_mark` gives them."""
    marks = [step_mark(step, k, progress) for k, step in enumerate(lesson.steps)]
    questions = [m for step, m in zip(lesson.steps, marks, strict=True) if step.question]
    right = sum(m == "✓ answered" for m in questions)
    wrong = sum(m == "✗ answered wrong" for m in questions)
    seen = sum(m in ("seen", "✓ answered", "✗ answered wrong") for m in marks)
    return LessonTally(seen, len(lesson.steps), right, wrong, len(questions))
