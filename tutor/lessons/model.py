"""The lesson model: what a lesson file describes, after validation.

A lesson is an ordered list of steps plus the published figures it reproduces.
The loader (`tutor.lessons.loader`) builds these from files in `lessons/`; the
CLI and the TUI only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


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


@dataclass(frozen=True, kw_only=True)
class Step:
    """What every step has, whatever its kind; each kind is a subclass with its own fields.

    `tutor.lessons.kinds` registers every kind (its class and its loader); the headless
    player (`tutor.cli.run_cmd`) and the TUI (`tutor.tui.kind_views`) register theirs by class.
    """

    kind: ClassVar[str]  # the lesson file's `kind`, and the step's name where it has no title
    question: ClassVar[bool] = False  # the learner answers it: marks and reports count it
    title: str = ""
    text: str = ""  # Markdown
    # Forensic material for the teacher (random-stream order, rounding, chaotic runs): the TUI
    # shows it collapsed, `run --no-instructor` leaves it out; `verify` checks its figures.
    instructor: bool = False


@dataclass(frozen=True, kw_only=True)
class TracedStep(Step):
    """A step about a network: `trace` is EXAMPLE[@VARIANT] (e.g. "mazur@updated") or a lesson's
    network file, "" when the step names none."""

    trace: str = ""


@dataclass(frozen=True, kw_only=True)
class ProseStep(TracedStep):
    """Markdown; a network it names is shown beside it for this step only."""

    kind: ClassVar[str] = "prose"


@dataclass(frozen=True, kw_only=True)
class RevealStep(TracedStep):
    """Traced values shown one at a time: a whole `phase`, or the `names` listed."""

    kind: ClassVar[str] = "reveal"
    phase: str = ""  # given | forward | error | backward | update
    names: tuple[str, ...] = ()  # which traced values (all of the phase if empty)
    variant: str = ""  # a variant of the trace the learner can toggle ("updated-weights")


@dataclass(frozen=True, kw_only=True)
class DeriveStep(TracedStep):
    """SymPy's chain-rule derivation of `target` (a parameter's gradient, or an activation's)."""

    kind: ClassVar[str] = "derive"
    target: str


@dataclass(frozen=True, kw_only=True)
class PredictStep(TracedStep):
    """The learner computes `target`: a traced value, or (with `experiment`) a result key."""

    kind: ClassVar[str] = "predict"
    question: ClassVar[bool] = True
    target: str
    experiment: str = ""  # the experiment whose result `target` is ("" for a traced value)
    tolerance: float  # absolute
    tries: int  # tries before the worked answer
    hints: tuple[str, ...] = ()  # shown one per wrong try


@dataclass(frozen=True, kw_only=True)
class QuizStep(Step):
    """A multiple-choice question, each option with its explanation."""

    kind: ClassVar[str] = "quiz"
    question: ClassVar[bool] = True
    options: tuple[Option, ...]


@dataclass(frozen=True, kw_only=True)
class ExperimentRunStep(Step):
    """A step that runs experiments and shows their results (`show`: the result keys shown)."""

    show: tuple[str, ...] = ()

    @property
    def experiment_ids(self) -> tuple[str, ...]:
        """The experiments run, in order."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class RunStep(ExperimentRunStep):
    """Runs one experiment: summary, tables, loss curve."""

    kind: ClassVar[str] = "run"
    experiment: str

    @property
    def experiment_ids(self) -> tuple[str, ...]:
        """The one experiment run."""
        return (self.experiment,)


@dataclass(frozen=True, kw_only=True)
class CompareStep(ExperimentRunStep):
    """Runs several experiments side by side."""

    kind: ClassVar[str] = "compare"
    experiments: tuple[str, ...]

    @property
    def experiment_ids(self) -> tuple[str, ...]:
        """The experiments compared."""
        return self.experiments


@dataclass(frozen=True, kw_only=True)
class ErrataStep(Step):
    """A figure of the lesson: published beside computed, with the explanation."""

    kind: ClassVar[str] = "errata"
    figure: str  # the Figure id
    variant: str = ""  # a variant of the trace the learner can toggle


def trace_of(step: Step) -> str:
    """The network a step names (EXAMPLE[@VARIANT] or a network file), "" when it names none."""
    return step.trace if isinstance(step, TracedStep) else ""


def variant_of(step: Step) -> str:
    """The variant a reveal or errata step lets the learner toggle, "" for none."""
    return step.variant if isinstance(step, (RevealStep, ErrataStep)) else ""


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
