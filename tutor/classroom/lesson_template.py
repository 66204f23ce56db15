"""A lesson's fill-in template (`run LESSON --blanks --format json|csv`) and its key.

The template lists every blank of the lesson's sheet by its value's name, as the worksheet's
JSON/CSV templates do, so `grade` reads it; the key (`--answers --format json`) is the trace the
blanks come from, exactly `trace SPEC --format json`. A key is one trace, so a lesson whose blanks
come from several traces (two examples, or an example and its variant) has no JSON/CSV template:
that is one named error. The template names no student: the answers file's name is the student ID
(`alice.json`, or a `student` field added to it), as `grade` reads it.
"""

from __future__ import annotations

import csv
import io
import json

from tutor.classroom.lesson_sheet import lesson_blanks
from tutor.classroom.worksheet import ANSWERS_KIND, ANSWERS_SCHEMA_VERSION
from tutor.export.jsonfmt import export_json
from tutor.lessons.model import Lesson


class TemplateError(ValueError):
    """The lesson has no fill-in template (its blanks are from several traces, or none)."""


def lesson_template(lesson: Lesson, fmt: str, answers: bool) -> tuple[str, list[str]]:
    """(the template or key in `fmt`, json or csv; the problems met)."""
    blanks, problems = lesson_blanks(lesson)
    if problems:
        return "", problems
    specs = list(dict.fromkeys(spec for spec, _, _ in blanks))
    if not specs:
        raise TemplateError(f"lesson {lesson.id!r} has no computed values to fill in")
    if len(specs) > 1:
        raise TemplateError(
            f"lesson {lesson.id!r}: its blanks come from {len(specs)} traces "
            f"({', '.join(specs)}); a JSON/CSV template and its key hold one"
        )
    trace = blanks[0][1]
    if answers:
        return export_json(_as_traced(specs[0])), []
    names = [value.name for _, _, value in blanks]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "answer"])
        writer.writerows([name, ""] for name in names)
        return out.getvalue(), []
    document = {
        "schema_version": ANSWERS_SCHEMA_VERSION,
        "kind": ANSWERS_KIND,
        "title": trace.title,
        "lesson": lesson.id,
        "answers": dict.fromkeys(names),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n", []


def _as_traced(spec: str):
    """The trace of `spec` exactly as `trace SPEC --format json` writes it (with the error after
    the step), so that the key is that command's output."""
    from tutor.engine.variants import record_errors_after_step, trace_example_step
    from tutor.experiments.builtin_examples import resolve

    example, variant = resolve(spec)
    trace = trace_example_step(example, variant)[0]
    record_errors_after_step(trace, example, variant)
    return trace
