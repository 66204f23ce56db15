"""Grade a student's answers against a key: right, wrong (with the usual mistake it matches,
if one does), blank, or not a number. The diagnosis is the tutor's own (tutor.lessons.mistakes):
a named mistake only when the typed value matches it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tutor.classroom.answers_file import Answers, plain
from tutor.engine.trace import Trace, format_number
from tutor.errors import TutorError
from tutor.lessons.answers import AnswerError, is_correct, parse_number
from tutor.lessons.mistakes import diagnose

RIGHT, WRONG, BLANK, NOT_A_NUMBER = "right", "wrong", "blank", "not a number"


@dataclass(frozen=True)
class Mark:
    """One value graded."""

    name: str
    expected: float
    typed: str
    verdict: str  # RIGHT, WRONG, BLANK, NOT_A_NUMBER
    mistake: str = ""  # the usual mistake's kind, when the typed value matches one
    note: str = ""  # its hint, or why the text is not a number


@dataclass
class Grade:
    """A student's marks and their totals."""

    student: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def right(self) -> int:
        return sum(m.verdict == RIGHT for m in self.marks)

    @property
    def total(self) -> int:
        return len(self.marks)

    def count(self, verdict: str) -> int:
        return sum(m.verdict == verdict for m in self.marks)

    def mistakes(self) -> Counter:
        return Counter(m.mistake for m in self.marks if m.mistake)


class GradingError(TutorError, ValueError):
    """The answers do not belong to this key (names it does not have, another worksheet)."""


def grade(key: Trace, answers: Answers, tolerance: float) -> Grade:
    """Mark every answer of `answers` against `key`, in the key's order."""
    unknown = [n for n in answers.answers if n not in key or key[n].phase == "given"]
    if unknown:
        raise GradingError(
            f"{plain(str(answers.path))}: answers.{plain(unknown[0][:40])}: "
            "not a computed value of the key"
        )
    if answers.title is not None and answers.title != key.title:
        raise GradingError(
            f"{plain(str(answers.path))}: title: the answers are for {answers.title[:80]!r}, "
            f"the key is {key.title[:80]!r}"
        )
    result = Grade(answers.student)
    for value in key:
        if value.name in answers.answers:
            result.marks.append(_mark(key, value.name, answers.answers[value.name], tolerance))
    return result


def _mark(key: Trace, name: str, typed, tolerance: float) -> Mark:
    expected = key.value(name)
    if typed is None or (isinstance(typed, str) and not typed.strip()):
        return Mark(name, expected, "", BLANK)
    if isinstance(typed, str):
        try:
            number = parse_number(typed)
        except AnswerError as error:
            return Mark(name, expected, plain(typed.strip()), NOT_A_NUMBER, note=plain(str(error)))
        shown = plain(typed.strip())
    else:
        number, shown = float(typed), format_number(float(typed), 12)
    if is_correct(number, expected, tolerance):
        return Mark(name, expected, shown, RIGHT)
    mistake = diagnose(key, name, number, tolerance)
    if mistake is None:
        return Mark(name, expected, shown, WRONG)
    return Mark(name, expected, shown, WRONG, mistake.kind, mistake.hint)


def report(grade_: Grade, title: str, source: str) -> str:
    """The marks as text: one line per value, then the score."""
    lines = [plain(title), f"answers: {plain(source)} (student {grade_.student})", ""]
    width = max([len(m.name) for m in grade_.marks] + [5])
    lines.append(f"  {'value':<{width}}  {'expected':>14}  {'answer':>14}  verdict")
    for m in grade_.marks:
        typed = m.typed if len(m.typed) <= 14 else m.typed[:13] + "…"
        verdict = m.verdict + (f" ({m.mistake}): {m.note}" if m.mistake else "")
        if m.verdict == NOT_A_NUMBER:
            verdict += f": {m.note}"
        lines.append(
            f"  {plain(m.name):<{width}}  {format_number(m.expected):>14}  {typed:>14}  {verdict}"
        )
    lines += ["", score_line(grade_)]
    return "\n".join(lines) + "\n"


def score_line(grade_: Grade) -> str:
    """`score: 40 of 42 right (95.2 %); wrong 1, blank 1` and the mistakes matched."""
    percent = 100.0 * grade_.right / grade_.total if grade_.total else 0.0
    others = [
        f"{verdict} {grade_.count(verdict)}"
        for verdict in (WRONG, BLANK, NOT_A_NUMBER)
        if grade_.count(verdict)
    ]
    line = f"score: {grade_.right} of {grade_.total} right ({percent:.1f} %)"
    if others:
        line += "; " + ", ".join(others)
    mistakes = grade_.mistakes()
    if mistakes:
        line += "; mistakes: " + ", ".join(f"{k} ×{n}" for k, n in sorted(mistakes.items()))
    return line
