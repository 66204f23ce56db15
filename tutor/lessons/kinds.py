"""The step kinds a lesson file may use: for each, its class and how its table is read.

`STEP_KINDS` maps the file's `kind` to a `StepKind`: the dataclass of `tutor.lessons.model`,
the keys it accepts besides `kind`/`title`/`text`/`instructor`, whether `text` is required,
and its loader, which validates the table and builds the step. The headless player
(`tutor.cli.run_cmd.PLAYERS`) and the TUI (`tutor.tui.kind_views.KIND_VIEWS`) register their
part by the same classes; `tests/test_step_kinds.py` fails when a kind lacks one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

from tutor.engine.trace import PHASES
from tutor.lessons.model import (
    CompareStep,
    DeriveStep,
    ErrataStep,
    Option,
    PredictStep,
    ProseStep,
    QuizStep,
    RevealStep,
    RunStep,
    Step,
)
from tutor.lessons.references import ACTIVATION_TARGETS, EXPERIMENT_KEY

if TYPE_CHECKING:  # the loader imports this module: its validator is only an annotation here
    from tutor.lessons.loader import LessonReader

REVEAL_PHASES = PHASES  # a reveal step shows one phase of the trace
OPTION_KEYS = {"text", "correct", "explanation"}
NETWORK_KEYS = frozenset({"trace", "example", "network"})  # one of them names the network
DEFAULT_PREDICT_TOLERANCE = 1e-6
DEFAULT_TRIES = 3
MAX_QUIZ_OPTIONS = 26  # options are lettered a-z
MAX_TRIES = 100  # a predict step's tries are 1 to 100

S = TypeVar("S", bound=Step)


class CommonFields(TypedDict):
    """The fields every kind has, read by the loader before the kind's own."""

    title: str
    text: str
    instructor: bool


@dataclass(frozen=True)
class StepPlace:
    """One [[steps]] table being read: the table, its name for errors, and the lesson's figures."""

    raw: dict[str, Any]
    where: str  # "steps[3]"
    number: int  # 3
    figure_ids: frozenset[str]


@dataclass(frozen=True)
class StepKind(Generic[S]):
    """One kind: its class, the keys it accepts, and its loader (the table → the step)."""

    step_class: type[S]
    keys: frozenset[str]  # besides kind, title, text and instructor
    text_required: bool
    load: Callable[[LessonReader, StepPlace, CommonFields], S]

    @property
    def name(self) -> str:
        """The lesson file's `kind`."""
        return self.step_class.kind


# -- one loader per kind -----------------------------------------------------------------------


def load_prose(v: LessonReader, at: StepPlace, common: CommonFields) -> ProseStep:
    """A prose step may name the network it talks about; the tutor shows it (a network too
    large to trace value by value, such as mnist-digit, in matrix form with summaries)."""
    named = any(key in at.raw for key in NETWORK_KEYS)
    return ProseStep(**common, trace=v.trace_spec(at.raw, at.where, at.number) if named else "")


def load_reveal(v: LessonReader, at: StepPlace, common: CommonFields) -> RevealStep:
    raw, where, number = at.raw, at.where, at.number
    trace = v.trace_spec(raw, where, number)
    names = tuple(
        v.value_name(name, f"{where}.names[{k + 1}]", number, trace)
        for k, name in enumerate(v.strings(raw, "names", where, number))
    )
    phase = v.string(raw, "phase", where, number, required=not names)
    if phase and phase not in REVEAL_PHASES:
        raise v.error(
            f"{where}.phase",
            f"unknown phase {v.describe(phase)} (expected one of: {', '.join(REVEAL_PHASES)})",
            number,
        )
    variant = v.string(raw, "variant", where, number) if "variant" in raw else ""
    return RevealStep(**common, trace=trace, phase=phase, names=names, variant=variant)


def load_derive(v: LessonReader, at: StepPlace, common: CommonFields) -> DeriveStep:
    raw, where, number = at.raw, at.where, at.number
    target = v.string(raw, "target", where, number)
    is_activation = target in ACTIVATION_TARGETS
    trace = v.trace_spec(raw, where, number, required=not is_activation)
    if not is_activation:
        target = v.value_name(target, f"{where}.target", number, trace)
    return DeriveStep(**common, trace=trace, target=target)


def load_predict(v: LessonReader, at: StepPlace, common: CommonFields) -> PredictStep:
    raw, where, number = at.raw, at.where, at.number
    trace = experiment = ""
    if "experiment" in raw:
        experiment, target = _experiment_target(v, at)
    else:
        trace = v.trace_spec(raw, where, number)
        target = v.value_name(
            v.string(raw, "target", where, number), f"{where}.target", number, trace
        )
    tolerance = v.number(raw, "tolerance", where, number)
    tries = v.integer(raw, "tries", where, number, minimum=1, maximum=MAX_TRIES)
    return PredictStep(
        **common,
        trace=trace,
        target=target,
        experiment=experiment,
        tolerance=DEFAULT_PREDICT_TOLERANCE if tolerance is None else tolerance,
        tries=DEFAULT_TRIES if tries is None else tries,
        hints=v.strings(raw, "hints", where, number),
    )


def _experiment_target(v: LessonReader, at: StepPlace) -> tuple[str, str]:
    """A predict step on an experiment's value: `experiment = "ID"`, `target = "KEY"`."""
    raw, where, number = at.raw, at.where, at.number
    other = next((key for key in ("trace", "example", "network") if key in raw), None)
    if other is not None:
        raise v.error(
            f"{where}.{other}",
            "give either experiment (an experiment's value) or trace, example or network",
            number,
        )
    experiment = v.string(raw, "experiment", where, number)
    v.experiment_id(experiment, f"{where}.experiment", number)
    target = v.string(raw, "target", where, number)
    if not EXPERIMENT_KEY.match(target):
        raise v.error(
            f"{where}.target",
            f"expected a result key of the experiment (name, name[0], name.sub), "
            f"got {v.describe(target)}",
            number,
        )
    return experiment, target


def load_quiz(v: LessonReader, at: StepPlace, common: CommonFields) -> QuizStep:
    raw, number = at.raw, at.number
    name = f"{at.where}.options"
    if "options" not in raw:
        raise v.error(name, "missing (expected at least two [[steps.options]])", number)
    raw_options = raw["options"]
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise v.error(name, "expected at least two [[steps.options]] tables", number)
    if len(raw_options) > MAX_QUIZ_OPTIONS:
        raise v.error(
            name,
            f"expected at most {MAX_QUIZ_OPTIONS} options (lettered a to z), "
            f"got {len(raw_options)}",
            number,
        )
    options = []
    for k, option in enumerate(raw_options):
        where_option = f"{name}[{k + 1}]"
        option = v.table(option, where_option, number)
        v.keys(option, OPTION_KEYS, where_option, number)
        options.append(
            Option(
                v.string(option, "text", where_option, number),
                v.boolean(option, "correct", where_option, number),
                v.string(option, "explanation", where_option, number),
            )
        )
    if not any(option.correct for option in options):
        raise v.error(name, "expected at least one option with correct = true", number)
    return QuizStep(**common, options=tuple(options))


def _show(v: LessonReader, at: StepPlace) -> tuple[str, ...]:
    """`show`: the result keys a run or compare step shows (all when absent)."""
    return v.strings(at.raw, "show", at.where, at.number) if "show" in at.raw else ()


def load_run(v: LessonReader, at: StepPlace, common: CommonFields) -> RunStep:
    experiment = v.string(at.raw, "experiment", at.where, at.number)
    v.experiment_id(experiment, f"{at.where}.experiment", at.number)
    return RunStep(**common, experiment=experiment, show=_show(v, at))


def load_compare(v: LessonReader, at: StepPlace, common: CommonFields) -> CompareStep:
    raw, where, number = at.raw, at.where, at.number
    experiments = v.strings(raw, "experiments", where, number, required=True)
    if len(experiments) < 2:
        raise v.error(
            f"{where}.experiments", "expected at least two experiments to compare", number
        )
    for k, experiment in enumerate(experiments):
        v.experiment_id(experiment, f"{where}.experiments[{k + 1}]", number)
    return CompareStep(**common, experiments=experiments, show=_show(v, at))


def load_errata(v: LessonReader, at: StepPlace, common: CommonFields) -> ErrataStep:
    raw, where, number = at.raw, at.where, at.number
    figure = v.string(raw, "figure", where, number)
    if figure not in at.figure_ids:
        known = ", ".join(sorted(at.figure_ids)) or "none"
        raise v.error(
            f"{where}.figure",
            f"no figure with id {v.describe(figure)} in this lesson (figures: {known})",
            number,
        )
    variant = v.string(raw, "variant", where, number) if "variant" in raw else ""
    return ErrataStep(**common, figure=figure, variant=variant)


# -- the registry --------------------------------------------------------------------------------

_PREDICT_KEYS = NETWORK_KEYS | {"experiment", "target", "tolerance", "tries", "hints"}
_KINDS: tuple[StepKind[Any], ...] = (
    StepKind(ProseStep, NETWORK_KEYS, True, load_prose),
    StepKind(RevealStep, NETWORK_KEYS | {"phase", "names", "variant"}, False, load_reveal),
    StepKind(DeriveStep, NETWORK_KEYS | {"target"}, False, load_derive),
    StepKind(PredictStep, _PREDICT_KEYS, True, load_predict),
    StepKind(QuizStep, frozenset({"options"}), True, load_quiz),
    StepKind(RunStep, frozenset({"experiment", "show"}), False, load_run),
    StepKind(CompareStep, frozenset({"experiments", "show"}), False, load_compare),
    StepKind(ErrataStep, frozenset({"figure", "variant"}), True, load_errata),
)
STEP_KINDS: dict[str, StepKind[Any]] = {kind.name: kind for kind in _KINDS}
