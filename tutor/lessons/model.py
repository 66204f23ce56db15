"""The lesson model: what a lesson file describes, after validation.

A lesson is an ordered list of steps plus the published figures it reproduces.
The loader (`tutor.lessons.loader`) builds these from files in `lessons/`; the
CLI and the TUI only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STEP_KINDS = ("prose", "reveal", "derive", "predict", "quiz", "run", "compare", "errata")


@dataclass(frozen=True)
class Figure:
    """A number the course material prints, where, and what computes it.

    `published` keeps the printed text (its digits are its precision);
    `computed` names what computes it: `trace:EXAMPLE[@VARIANT]:NAME` or
    `experiment:ID:KEY`. `erratum` explains why the published figure is wrong, if it is;
    `unreproduced` why a figure that is not wrong still cannot be reproduced here.
    """

    id: str
    published: str
    source: str
    computed: str
    erratum: str = ""
    tolerance: float | None = None  # absolute; default: half a unit of the last printed digit
    # Not an error in the material: why this run cannot be reproduced to the printed digits
    # (e.g. a chaotic run that amplifies another machine's rounding). Verdict "not reproduced".
    unreproduced: str = ""


@dataclass(frozen=True)
class Option:
    """One answer of a quiz, with the explanation shown for it."""

    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Step:
    """One step of a lesson. Which fields matter depends on `kind`."""

    kind: str
    title: str = ""
    text: str = ""  # Markdown
    phase: str = ""  # reveal: forward | error | backward | update
    trace: str = ""  # reveal/predict: example (and @variant), e.g. "mazur" or "mazur@updated"
    names: tuple[str, ...] = ()  # reveal: which traced values (all of the phase if empty)
    target: str = ""  # predict: the traced value to compute; derive: the parameter
    tolerance: float = 0.0  # predict: absolute tolerance
    tries: int = 3  # predict: tries before the worked answer
    hints: tuple[str, ...] = ()  # predict: shown one per wrong try
    options: tuple[Option, ...] = ()  # quiz
    experiment: str = ""  # run; compare uses `experiments`
    experiments: tuple[str, ...] = ()
    figure: str = ""  # errata: the Figure id
    # Forensic material for the teacher (random-stream order, rounding, chaotic runs): the TUI
    # shows it collapsed, `run --no-instructor` leaves it out; `verify` checks its figures.
    instructor: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific extras, validated


@dataclass(frozen=True)
class Lesson:
    """A whole lesson, loaded from one file."""

    id: str
    title: str
    summary: str
    order: int
    sources: tuple[str, ...]
    steps: tuple[Step, ...]
    figures: tuple[Figure, ...]
    path: Path | None = None
