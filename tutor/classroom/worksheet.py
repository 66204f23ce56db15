"""A worksheet: the given values, then a blank for every value to compute, in four formats.

Markdown and LaTeX are for printing; JSON and CSV are fill-in templates that `grade` reads
back. Every format is a pure function of the Sheet, so the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from tutor.engine.trace import PHASES, Trace, TraceValue, format_number
from tutor.export.common import PHASE_TITLES, given_groups
from tutor.export.latex import tex_formula, tex_name, tex_number, tex_text
from tutor.export.markdown import _escape as md_escape

ANSWERS_KIND = "backprop-tutor/answers"
ANSWERS_SCHEMA_VERSION = 1
DEFAULT_TOLERANCE = 5e-4
WORK_PHASES = PHASES[1:]  # forward, error, backward, update: everything but the given values


@dataclass
class Sheet:
    """What a worksheet shows: a title, header lines, the given values and the blanks."""

    title: str
    student: str
    course_seed: str
    setup: str
    given: list[TraceValue]
    blanks: list[TraceValue]
    tolerance: float = DEFAULT_TOLERANCE
    extra: dict = field(default_factory=dict)  # more header fields for JSON (e.g. lesson)


def select_values(trace: Trace, spec: str | None) -> list[TraceValue]:
    """The values to leave blank: every computed one, or those `spec` names (phases, names)."""
    work = [v for v in trace if v.phase != "given"]
    if not spec:
        return work
    tokens = [t.strip() for t in spec.split(",") if t.strip()]
    if not tokens or len(tokens) > 1000:
        raise ValueError("--values: expected phases or value names separated by commas")
    for token in tokens:
        if token not in WORK_PHASES and (token not in trace or trace[token].phase == "given"):
            raise ValueError(
                f"--values: {token[:40]!r} is neither a phase ({', '.join(WORK_PHASES)}) "
                "nor a computed value of this network"
            )
    wanted = set(tokens)
    return [v for v in work if v.phase in wanted or v.name in wanted]


def instructions(sheet: Sheet) -> str:
    """What the student is asked to do, in one sentence."""
    return (
        "Compute each value and write it in its blank, to at least four decimals; "
        f"answers within {format_number(sheet.tolerance)} of the exact value count as right."
    )


def render_markdown(sheet: Sheet) -> str:
    """The worksheet in Markdown, a numbered blank per value."""
    lines = [f"# {md_escape(sheet.title)}", ""]
    lines += [f"Student: `{sheet.student}`  ", f"Course seed: `{sheet.course_seed}`  "]
    if sheet.setup:
        lines.append(md_escape(sheet.setup[0].upper() + sheet.setup[1:]) + ".")
    lines += ["", md_escape(instructions(sheet)), "", "## Given", ""]
    for kind, group in given_groups(sheet.given):
        items = ", ".join(f"`{v.name} = {format_number(v.value)}`" for v in group)
        lines.append(f"- {kind.capitalize()}: {items}")
    number = 0
    for phase, values in _by_phase(sheet.blanks):
        lines += ["", f"## {PHASE_TITLES[phase]}", ""]
        for v in values:
            number += 1
            what = f" — {md_escape(v.description)}" if v.description else ""
            lines.append(f"{number}. `{v.name}`{what}:  ")
            lines.append(f"   `{v.name} = {v.formula} =` ______________")
    return "\n".join(lines) + "\n"


def render_latex(sheet: Sheet) -> str:
    """The worksheet as a complete LaTeX document (pdflatex), a numbered blank per value."""
    body = [
        rf"\noindent Student: \texttt{{{tex_text(sheet.student)}}}\\",
        rf"Course seed: \texttt{{{tex_text(sheet.course_seed)}}}\\",
    ]
    if sheet.setup:
        body.append(tex_text(sheet.setup[0].upper() + sheet.setup[1:]) + ".")
    body += ["", tex_text(instructions(sheet)), "", r"\section*{Given}", r"\begin{itemize}"]
    for kind, group in given_groups(sheet.given):
        items = ", ".join(f"${tex_name(v.name)} = {tex_number(v.value, 9)}$" for v in group)
        body.append(rf"\item {tex_text(kind.capitalize())}: {items}")
    body.append(r"\end{itemize}")
    for phase, values in _by_phase(sheet.blanks):
        body += [rf"\section*{{{tex_text(PHASE_TITLES[phase])}}}", r"\begin{enumerate}"]
        for v in values:
            what = tex_text(v.description) + ": " if v.description else ""
            body.append(
                rf"\item {what}$\displaystyle {tex_name(v.name)} = {tex_formula(v)} = $"
                r" \rule{4cm}{0.4pt}"
            )
        body.append(r"\end{enumerate}")
    preamble = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\sloppy",
        rf"\title{{{tex_text(sheet.title)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
    ]
    return "\n".join(preamble + body + [r"\end{document}"]) + "\n"


def render_json(sheet: Sheet) -> str:
    """The fill-in template `grade` reads: every blank's name with `null` for its answer."""
    document = {
        "schema_version": ANSWERS_SCHEMA_VERSION,
        "kind": ANSWERS_KIND,
        "title": sheet.title,
        "student": sheet.student,
        "course_seed": sheet.course_seed,
        **sheet.extra,
        "answers": {v.name: None for v in sheet.blanks},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_csv(sheet: Sheet) -> str:
    """The fill-in template as CSV: one row per blank, the answer column empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "name", "answer"])
    for v in sheet.blanks:
        writer.writerow([sheet.student, v.name, ""])
    return out.getvalue()


RENDERERS = {"md": render_markdown, "tex": render_latex, "json": render_json, "csv": render_csv}


def render(sheet: Sheet, fmt: str) -> str:
    """The worksheet in format `fmt` (md, tex, json, csv)."""
    return RENDERERS[fmt](sheet)


def _by_phase(values: list[TraceValue]) -> list[tuple[str, list[TraceValue]]]:
    return [
        (p, [v for v in values if v.phase == p])
        for p in WORK_PHASES
        if any(v.phase == p for v in values)
    ]
