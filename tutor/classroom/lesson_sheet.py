"""A lesson as a worksheet (`run LESSON --blanks`) or its key (`--answers`), in Markdown or LaTeX.

The exercises are what the lesson asks or shows as numbers: every computed value of its
reveal steps, every predict step's target and every quiz. Given values are listed with their
numbers; each computed value gets a blank with its formula (the key: the numbers substituted
and the result). Prose is kept as context; steps a sheet cannot hold (derivations, training
runs, comparisons, errata) are named, for the tutor.
"""

from __future__ import annotations

import re

from tutor.engine.trace import Trace, TraceValue, format_number
from tutor.export.latex import tex_formula, tex_name, tex_number, tex_text
from tutor.lessons.model import Lesson, PredictStep, ProseStep, QuizStep, RevealStep, Step
from tutor.lessons.render import trace_lines

LETTERS = "abcdefghijklmnopqrstuvwxyz"
# A decimal number in an experiment's given lines (`0.082316701`, `-1.5e-07`), not part of a name.
_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?(?![\w.])")


def _shows(text: str, value: float) -> bool:
    """True when the printed number `text` is `value` (to its decimals, at least 4 of them)."""
    shown = float(text)
    if "e" in text:
        return abs(shown - value) <= 1e-6 * abs(value)
    decimals = len(text.partition(".")[2])
    return decimals >= 4 and abs(shown - value) <= 0.5 * 10.0**-decimals * (1 + 1e-9)


class _Sheet:
    """Collects the sheet's lines in one format; problems are kept, not raised."""

    def __init__(self, lesson: Lesson, tex: bool, answers: bool) -> None:
        self.lesson, self.tex, self.answers = lesson, tex, answers
        self.lines: list[str] = []
        self.problems: list[str] = []
        self.asked: set[tuple[str, str]] = set()  # (trace spec, name) already on the sheet
        self.blanks: list[tuple[str, Trace, TraceValue]] = []  # (spec, trace, value), in order
        # (experiment, value, question number) of every experiment value asked so far
        self.experiment_answers: list[tuple[str, float, int]] = []
        self.number = 0

    def text(self, raw: str) -> str:
        return tex_text(raw) if self.tex else raw

    def heading(self, title: str) -> None:
        if self.tex:
            self.lines += [rf"\subsection*{{{tex_text(title)}}}", ""]
        else:
            self.lines += [f"## {title}", ""]

    def paragraph(self, raw: str) -> None:
        if raw.strip():
            self.lines += [self.text(raw.strip()), ""]

    def trace(self, spec: str) -> Trace | None:
        from tutor.lessons.references import get_trace

        try:
            return get_trace(spec)
        except (KeyError, ValueError) as error:
            self.problems.append(f"trace {spec!r}: {error.args[0] if error.args else error}")
            return None

    def given(self, values: list[TraceValue]) -> None:
        if self.tex:
            items = ", ".join(f"${tex_name(v.name)} = {tex_number(v.value, 9)}$" for v in values)
        else:
            items = ", ".join(f"`{v.name} = {format_number(v.value)}`" for v in values)
        self.lines += [f"{self.text('Given')}: {items}", ""]

    def blank(self, trace: Trace, spec: str, value: TraceValue) -> None:
        """A numbered blank for `value` (in the key: its worked line)."""
        if (spec, value.name) in self.asked:
            return
        self.asked.add((spec, value.name))
        self.blanks.append((spec, trace, value))
        self.number += 1
        if self.answers:
            line = " ".join(part.strip() for part in trace_lines(trace, [value]))
            shown = rf"\texttt{{{tex_text(line)}}}" if self.tex else f"`{line}`"
        elif self.tex:
            shown = rf"$\displaystyle {tex_name(value.name)} = {tex_formula(value)} = $"
            shown += r" \rule{4cm}{0.4pt}"
        else:
            shown = f"`{value.name} = {value.formula} =` ______________"
        if self.tex:
            self.lines += [rf"\noindent {self.number}. {shown}", "", r"\medskip", ""]
        else:
            self.lines += [f"{self.number}. {shown}", ""]

    def step(self, number: int, step: Step) -> None:
        title = step.title or step.kind
        self.heading(f"{number}. {title}")
        if not isinstance(step, (ProseStep, RevealStep, PredictStep, QuizStep)):
            self.paragraph(f"({step.kind} step: open it in the tutor or with `run`.)")
            return
        self.paragraph(step.text)
        if isinstance(step, RevealStep):
            self.step_reveal(step)
        elif isinstance(step, PredictStep):
            self.step_predict(step)
        elif isinstance(step, QuizStep):
            self.step_quiz(step)

    def step_reveal(self, step: RevealStep) -> None:
        spec = step.trace
        if step.variant:
            spec = f"{spec.split('@')[0]}@{step.variant}"
        trace = self.trace(spec)
        if trace is None:
            return
        missing = [n for n in step.names if n not in trace]
        if missing:
            self.problems.append(f"not in the trace {spec!r}: {', '.join(missing)}")
        values = [trace[n] for n in step.names if n in trace] or trace.phase(step.phase)
        given = [v for v in values if not v.inputs]
        if given:
            self.given(given)
        for value in values:
            if value.inputs:
                self.blank(trace, spec, value)

    def step_predict(self, step: PredictStep) -> None:
        if step.experiment:
            self.experiment_blank(step)
            return
        trace = self.trace(step.trace)
        if trace is None:
            return
        if step.target not in trace:
            self.problems.append(f"{step.target!r} is not in the trace {step.trace!r}")
            return
        self.asked.discard((step.trace, step.target))  # a prediction is asked even if shown
        self.blank(trace, step.trace, trace[step.target])

    def experiment_blank(self, step: PredictStep) -> None:
        """An experiment's value: the numbers given, then a blank (in the key: the working)."""
        from tutor.lessons.experiment_values import experiment_prediction

        try:
            asked = experiment_prediction(step.experiment, step.target)
        except Exception as error:  # noqa: BLE001 - reported, the sheet goes on
            message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            self.problems.append(f"experiment {step.experiment!r}: {message}")
            return
        if asked.given:
            self.preformatted(self.without_answers(step.experiment, list(asked.given)))
        self.number += 1
        self.experiment_answers.append((step.experiment, asked.value, self.number))
        if self.answers:
            lines = list(asked.worked) or [format_number(asked.value)]
            self.lines += [f"{self.number}. {self.text('Answer')}:", ""]
            self.preformatted(lines)
        elif self.tex:
            blank = rf"\noindent {self.number}. \rule{{4cm}}{{0.4pt}}"
            self.lines += [blank, "", r"\medskip", ""]
        else:
            self.lines += [f"{self.number}. ______________", ""]

    def without_answers(self, experiment: str, lines: list[str]) -> list[str]:
        """`lines` with each number that is an earlier question's answer (of the same
        experiment) replaced by `(your answer to N)`: a later question's given values must not
        fill an earlier blank. The key shows the numbers."""
        earlier = [(value, n) for exp, value, n in self.experiment_answers if exp == experiment]
        if self.answers or not earlier:
            return lines

        def hide(match: re.Match[str]) -> str:
            for value, number in earlier:
                if _shows(match.group(), value):
                    return f"(your answer to {number})"
            return match.group()

        return [_NUMBER.sub(hide, line) for line in lines]

    def preformatted(self, lines: list[str]) -> None:
        """Lines kept as written: typewriter lines in LaTeX, a fenced block in Markdown."""
        if self.tex:
            body = [rf"\texttt{{{tex_text(line)}}}" for line in lines]
            self.lines += [r"\noindent " + " \\\\\n".join(body), "", r"\medskip", ""]
        else:
            self.lines += ["```", *lines, "```", ""]

    def step_quiz(self, step: QuizStep) -> None:
        for k, option in enumerate(step.options):
            mark = ("  ✓" if option.correct else "  ✗") if self.answers else ""
            if self.tex:
                mark = {"  ✓": r" \quad (right)", "  ✗": r" \quad (wrong)"}.get(mark, "")
                box = "" if self.answers else r"$\square$ "
                self.lines.append(rf"\noindent {box}{LETTERS[k]}. {tex_text(option.text)}{mark}")
                if self.answers:
                    self.lines.append(rf"\\ \hspace*{{1em}}{tex_text(option.explanation)}")
                self.lines += ["", r"\smallskip", ""]
            else:
                box = "" if self.answers else "[ ] "
                self.lines.append(f"- {box}{LETTERS[k]}. {option.text}{mark}")
                if self.answers:
                    self.lines.append(f"  {option.explanation}")
        if not self.tex:
            self.lines.append("")


def lesson_blanks(lesson: Lesson) -> tuple[list[tuple[str, Trace, TraceValue]], list[str]]:
    """(every blank of the lesson's sheet as (trace spec, trace, value), in order; problems)."""
    sheet = _filled(lesson, False, False)
    return sheet.blanks, sheet.problems


def _filled(lesson: Lesson, tex: bool, answers: bool) -> _Sheet:
    sheet = _Sheet(lesson, tex, answers)
    for number, step in enumerate(lesson.steps, start=1):
        sheet.step(number, step)
    return sheet


def lesson_sheet(lesson: Lesson, fmt: str, answers: bool) -> tuple[str, list[str]]:
    """(the worksheet or key in `fmt`, md or tex; the problems met)."""
    tex = fmt == "tex"
    sheet = _filled(lesson, tex, answers)
    kind = "answer key" if answers else "worksheet"
    if not tex:
        head = [f"# {lesson.title}: {kind}", "", f"*{lesson.summary}*", ""]
        if not answers:
            head += ["Name: ______________________", ""]
        return "\n".join(head + sheet.lines).rstrip("\n") + "\n", sheet.problems
    preamble = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage{amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\sloppy",
        rf"\title{{{tex_text(lesson.title)}: {kind}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
        rf"\noindent\emph{{{tex_text(lesson.summary)}}}",
        "",
    ]
    if not answers:
        preamble += [r"\noindent Name: \rule{6cm}{0.4pt}", ""]
    return "\n".join(preamble + sheet.lines + [r"\end{document}"]) + "\n", sheet.problems
