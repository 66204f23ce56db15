"""What a student did, per lesson and step, from the tutor's progress files (read only).

A step is `seen` once the tutor showed it; `tries` and `correct` come from the answers of
predict and quiz steps (`revealed`: the tries ran out and the worked answer was shown);
`when` is the last time the step was answered, else seen (UTC). Files that cannot be read
are reported as such, never renamed or changed here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tutor.lessons.lesson_progress import LessonProgress
from tutor.lessons.model import Lesson, QuizStep
from tutor.lessons.progress_store import ProgressStore

MAX_PROGRESS_BYTES = 4_000_000
COLUMNS = ("lesson", "step", "title", "kind", "seen", "tries", "correct", "answer", "when")


@dataclass
class StepRow:
    """One step of one lesson, as the teacher sees it."""

    lesson: str
    step: int
    title: str
    kind: str
    seen: bool
    tries: int
    correct: str  # "yes", "no", "revealed" or "" (not a question, or not answered)
    answer: str
    when: str


@dataclass
class LessonReport:
    """A lesson's rows, or why its progress file could not be read."""

    lesson: Lesson
    rows: list[StepRow]
    problem: str = ""
    has_file: bool = True


def read_progress(store: ProgressStore, lesson: Lesson) -> LessonReport:
    """The rows of one lesson from its progress file (none when the file is absent)."""
    path = store.lesson_path(lesson.id)
    try:
        if path.stat().st_size > MAX_PROGRESS_BYTES:
            return LessonReport(lesson, [], f"{path}: above {MAX_PROGRESS_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
        progress = LessonProgress.from_json(lesson.id, data)
    except FileNotFoundError:
        return LessonReport(lesson, [], has_file=False)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        return LessonReport(lesson, [], f"{path}: unreadable ({str(error)[:80]})")
    rows = []
    for index, step in enumerate(lesson.steps):
        record = progress.answers.get(str(index), {})
        times = progress.times.get(str(index), {})
        seen = index in progress.completed or "seen" in times or index == progress.position[0]
        if record.get("correct"):
            correct = "yes"
        elif record.get("revealed"):
            correct = "revealed"
        elif "correct" in record or record.get("tries"):
            correct = "no"
        else:
            correct = ""
        answer = record.get("answer", "")
        if "choice" in record and isinstance(step, QuizStep):
            answer = "abcdefghijklmnopqrstuvwxyz"[int(record["choice"]) % 26]
        rows.append(
            StepRow(
                lesson=lesson.id,
                step=index + 1,
                title=step.title or step.kind,
                kind=step.kind,
                seen=seen,
                tries=int(record.get("tries", 1 if "choice" in record else 0)),
                correct=correct,
                answer=_plain(str(answer))[:40],
                when=times.get("answered") or times.get("seen") or "",
            )
        )
    return LessonReport(lesson, rows)


def _plain(text: str) -> str:
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def render_text(reports: list[LessonReport]) -> str:
    """Per lesson: steps seen, questions right; then the steps seen, one line each."""
    lines = []
    for report in reports:
        head = f"{report.lesson.id}  {report.lesson.title}"
        if report.problem:
            lines += [head, f"  {report.problem}", ""]
            continue
        if not report.has_file:
            lines += [head, "  not started", ""]
            continue
        seen = sum(r.seen for r in report.rows)
        questions = {k + 1 for k, step in enumerate(report.lesson.steps) if step.question}
        asked = [r for r in report.rows if r.step in questions]
        right = sum(r.correct == "yes" for r in asked)
        lines.append(head)
        lines.append(
            f"  seen {seen} of {len(report.rows)} steps; {right} of {len(asked)} questions right"
        )
        for r in report.rows:
            if not (r.seen or r.tries):
                continue
            verdict = (
                f"  tries {r.tries}, correct: {r.correct or '—'}" if r.step in questions else ""
            )
            lines.append(f"  {r.step:>3}. {r.title[:40]:<40} {r.when:<20}{verdict}")
        lines.append("")
    return "\n".join(lines)


def render_csv(reports: list[LessonReport]) -> str:
    """One row per step of every lesson with a progress file (formula-safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for report in reports:
        for row in report.rows:
            writer.writerow([_cell(v) for v in asdict(row).values()])
    return out.getvalue()


def render_json(reports: list[LessonReport]) -> str:
    """`{"schema_version": 1, "kind": "backprop-tutor/progress", "lessons": [...]}`."""
    document = {
        "schema_version": 1,
        "kind": "backprop-tutor/progress",
        "lessons": [
            {
                "lesson": r.lesson.id,
                "title": r.lesson.title,
                "started": r.has_file,
                "problem": r.problem,
                "steps": [asdict(row) for row in r.rows],
            }
            for r in reports
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _cell(value) -> str:
    text = "yes" if value is True else "no" if value is False else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


RENDERERS = {"text": render_text, "csv": render_csv, "json": render_json}


def reset(store: ProgressStore, lesson_id: str) -> Path | None:
    """Delete one lesson's progress file; its path, or None when there was none."""
    path = store.lesson_path(lesson_id)
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path
