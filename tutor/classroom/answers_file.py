"""A student's filled answers: the worksheet's JSON or CSV template, or a key (a trace JSON).

Answers are read as numbers with the tutor's own parser (never evaluated). Anything that is
not one of these files is an AnswersFileError naming the file, the field and what was
expected; every input is bounded before it is parsed.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from tutor.classroom.draw import ID_PATTERN
from tutor.classroom.worksheet import ANSWERS_KIND, ANSWERS_SCHEMA_VERSION
from tutor.errors import FileFormatError

MAX_FILE_BYTES = 1_000_000
MAX_ANSWERS = 10_000
MAX_ANSWER_CHARS = 100
TRACE_KIND = "backprop-tutor/trace"


def plain(text: str) -> str:
    """Text from a file made safe to print: control characters and escapes shown as �."""
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


class AnswersFileError(FileFormatError, ValueError):
    """An answers file that cannot be graded; the message names the file and the field."""


@dataclass
class Answers:
    """What one file holds: who, for which worksheet (if it says), and name → typed text."""

    path: Path
    student: str
    title: str | None
    answers: dict[str, str | float | None]  # None or "": left blank


def read_answers(path: Path) -> Answers:
    """Read a JSON or CSV answers file; AnswersFileError when it is not one."""
    label = plain(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AnswersFileError(f"{label}: {size} bytes, above the limit of {MAX_FILE_BYTES}")
        raw = path.read_bytes()
    except OSError as error:
        raise AnswersFileError(f"{label}: cannot read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswersFileError(f"{label}: not UTF-8 text") from None
    if path.suffix.lower() == ".csv":
        return _from_csv(path, text)
    return _from_json(path, text)


def _from_json(path: Path, text: str) -> Answers:
    label = plain(str(path))
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise AnswersFileError(f"{label}: not JSON ({error})") from None
    if not isinstance(document, dict):
        raise AnswersFileError(f"{label}: expected a JSON object at the top level")
    kind = document.get("kind")
    if kind == TRACE_KIND:  # an answer key (a trace) is itself a fully correct answers file
        return _from_trace(path, text)
    if kind != ANSWERS_KIND:
        raise AnswersFileError(f"{label}: kind: expected {ANSWERS_KIND!r} or {TRACE_KIND!r}")
    if document.get("schema_version") != ANSWERS_SCHEMA_VERSION:
        raise AnswersFileError(f"{label}: schema_version: expected {ANSWERS_SCHEMA_VERSION}")
    student = _student(label, "student", document.get("student", path.stem))
    title = document.get("title")
    if title is not None and not isinstance(title, str):
        raise AnswersFileError(f"{label}: title: expected a string")
    answers = document.get("answers")
    if not isinstance(answers, dict):
        raise AnswersFileError(f"{label}: answers: expected an object of name → answer")
    if len(answers) > MAX_ANSWERS:
        raise AnswersFileError(f"{label}: answers: more than {MAX_ANSWERS}")
    for name, value in answers.items():
        ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
        ok = ok or (isinstance(value, str) and len(value) <= MAX_ANSWER_CHARS)
        if not ok:
            raise AnswersFileError(
                f"{label}: answers.{plain(name[:40])}: expected a number, a string of at most "
                f"{MAX_ANSWER_CHARS} characters or null"
            )
    return Answers(path, student, title, dict(answers))


def _from_trace(path: Path, text: str) -> Answers:
    from tutor.export.jsonfmt import TraceFormatError, load_trace_json

    try:
        trace = load_trace_json(text)
    except TraceFormatError as error:
        raise AnswersFileError(f"{plain(str(path))}: {plain(str(error))}") from None
    answers: dict[str, str | float | None] = {
        v.name: v.value for v in trace if v.phase != "given"
    }
    student = _student(plain(str(path)), "file name", path.stem)
    return Answers(path, student, trace.title, answers)


def _from_csv(path: Path, text: str) -> Answers:
    label = plain(str(path))
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise AnswersFileError(f"{label}: empty; expected a header row `student,name,answer`")
    header = [cell.strip().lower() for cell in rows[0]]
    if header not in (["student", "name", "answer"], ["name", "answer"]):
        raise AnswersFileError(
            f"{label}: row 1: expected the header `student,name,answer` (or `name,answer`)"
        )
    if len(rows) - 1 > MAX_ANSWERS:
        raise AnswersFileError(f"{label}: more than {MAX_ANSWERS} rows")
    answers: dict[str, str | float | None] = {}
    students = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise AnswersFileError(f"{label}: row {number}: expected {len(header)} columns")
        cells = dict(zip(header, row))
        name, answer = cells["name"].strip(), cells["answer"]
        if not name or name in answers:
            raise AnswersFileError(f"{label}: row {number}: name empty or given twice")
        if len(answer) > MAX_ANSWER_CHARS:
            raise AnswersFileError(f"{label}: row {number}: answer longer than {MAX_ANSWER_CHARS}")
        answers[name] = answer
        if "student" in cells:
            students.add(cells["student"].strip())
    if len(students) > 1:
        raise AnswersFileError(f"{label}: student: more than one student in one file")
    student = _student(label, "student", students.pop() if students else path.stem)
    return Answers(path, student, None, answers)


def _student(label: str, field: str, value) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise AnswersFileError(
            f"{label}: {field}: expected a student ID of 1 to 64 letters, digits, "
            "'.', '_', '@' or '-'"
        )
    return value
