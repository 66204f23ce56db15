"""What a step is, in the learner's words: one label for the TUI's header and palette and `run`.

A lesson's `errata` steps check a published figure; only those whose figure carries an
`erratum` are errata. One that agrees is a figure check; one that cannot be reproduced says so.
"""

from __future__ import annotations

from tutor.lessons.model import ErrataStep, Lesson, RevealStep, Step


def step_label(lesson: Lesson, step: Step) -> str:
    """`erratum`, `figure check`, `not reproduced`, a reveal's phase (`given`…), else the kind."""
    if isinstance(step, ErrataStep):
        figure = next((f for f in lesson.figures if f.id == step.figure), None)
        if figure is not None and figure.erratum:
            return "erratum"
        if figure is not None and figure.unreproduced:
            return "not reproduced"
        return "figure check"
    if isinstance(step, RevealStep) and step.phase:
        return step.phase
    return step.kind


def step_headline(step: Step, width: int = 60) -> str:
    """The step's title, else the start of its text on one line: what a collapsed step shows."""
    if step.title.strip():
        return step.title.strip()
    words = " ".join(step.text.split()).replace("`", "").replace("*", "")
    return words if len(words) <= width else words[: width - 1].rstrip() + "…"


def instructor_summary(step: Step) -> str:
    """The one line an instructor note shows while collapsed."""
    return f"Instructor note: {step_headline(step)} — press i to expand"
