"""The TUI's one door to lessons, traces, exports, derivations and experiments.

Every call from the TUI into the rest of the tutor goes through this module, so
the screens compute nothing and a missing piece (a branch not merged yet)
degrades to a clear message here instead of a crash there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the lesson model loads with the lessons, after the picker's first paint
    from tutor.lessons.model import Figure, Lesson

EXPORT_FORMATS = {"text": "txt", "json": "json", "csv": "csv", "md": "md", "tex": "tex"}  # → suffix


class DataError(Exception):
    """Something the TUI asked for is not available; the message says what and why."""


class TooLargeToShow(DataError):
    """A network too large to trace value by value: shown as layer summaries (summary_for)."""

    summary_only = True  # not a problem of the lesson: frames take it quietly


# -- lessons ---------------------------------------------------------------------------------


def load_lessons(
    directories: list[Path] | None = None, builtin: bool = True
) -> tuple[list[Lesson], list[str]]:
    """The lessons (built-in ones, then those of `directories`) in order, and readable errors."""
    from tutor.lessons import loader

    folders = loader.default_dirs(directories) if builtin else list(directories or [])
    result = loader.load_lessons(folders)
    return list(result.lessons), [str(e) for e in result.errors]


# -- traces ----------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def trace_for(spec: str):
    """The Trace of `spec` ("mazur" or "mazur@updated-weights"); DataError if unknown."""
    from tutor.engine.variants import TooLargeToTrace
    from tutor.experiments.builtin_examples import trace_reference

    try:
        return trace_reference(spec)
    except TooLargeToTrace as error:
        raise TooLargeToShow(str(error)) from None
    except (KeyError, ValueError) as error:
        raise DataError(str(error.args[0] if error.args else error)) from None


@lru_cache(maxsize=8)
def matrix_for(spec: str):
    """The matrix form of the step `spec` names (a MatrixTrace); DataError if unknown."""
    from tutor.engine.matrix import matrix_step
    from tutor.experiments.builtin_examples import resolve

    try:
        example, variant = resolve(spec)
    except (KeyError, ValueError) as error:
        raise DataError(str(error.args[0] if error.args else error)) from None
    if variant is not None and variant.options:
        raise DataError(f"the matrix form traces the exact step, not the {variant.name} variant")
    return matrix_step(example)


@lru_cache(maxsize=4)
def summary_for(spec: str):
    """The matrix form of `spec`'s step when its network is too large to trace value by value
    (mnist-digit): the network area shows it as layer summaries. None for a traceable one;
    DataError if `spec` names nothing."""
    from tutor.engine.variants import PER_VALUE_LIMIT
    from tutor.experiments.builtin_examples import resolve

    try:
        example, _ = resolve(spec)
    except (KeyError, ValueError) as error:
        raise DataError(str(error.args[0] if error.args else error)) from None
    if example.network.n_parameters <= PER_VALUE_LIMIT:
        return None
    return matrix_for(spec)


def variant_note(spec: str) -> str:
    """Why the variant in `spec` differs from the exact computation ("" for none)."""
    from tutor.engine.variants import get_variant, parse_reference

    _, variant = parse_reference(spec)
    try:
        return get_variant(variant).note if variant else ""
    except KeyError:
        return ""


def variant_trace(spec: str):
    """The 'updated weights' variant of `spec`'s example (for mistake hints), or None."""
    base = spec.partition("@")[0]
    try:
        return trace_for(f"{base}@updated-weights")
    except DataError:
        return None


def export_trace(spec: str, fmt: str, precision: int = 9) -> str:
    """The trace `spec` exported as `fmt` by the CLI's exporters."""
    if fmt not in EXPORT_FORMATS:
        raise DataError(f"unknown format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    from tutor import export

    return export.export(trace_for(spec), fmt, precision=precision)


# -- symbolic (slow: SymPy; the TUI calls these from a thread worker) ------------------------


def derivation(spec: str, target: str) -> list[tuple[str, str, float | None]]:
    """(caption, Unicode formula, value) per line of the derivation of `target` in `spec`."""
    from tutor import symbolic  # SymPy: imported on first use

    try:
        result = symbolic.derive(spec or None, target)
    except (KeyError, ValueError, TypeError) as error:
        raise DataError(str(error.args[0] if error.args else error)) from None
    return [(step.caption, step.unicode, step.value) for step in result.steps]


@lru_cache(maxsize=8)
def symbolic_formulas(spec: str) -> dict[str, str]:
    """Trace name → SymPy's one-line Unicode formula for it; {} when unavailable."""
    if not spec:
        return {}
    from tutor import symbolic  # SymPy: imported on first use

    try:
        forms = symbolic.symbolic_forms(spec)
    except (KeyError, ValueError, TypeError):
        return {}
    return {name: _unicode(pair[0]) for name, pair in forms.items()}


_UNICODE = str.maketrans({"-": "−"})


def _unicode(formula: str) -> str:
    """`(-out_o2 + t_o2)^2/2` → `(−out_o2 + t_o2)²/2`: squares and minus signs as printed."""
    return formula.replace("^2", "²").replace("^3", "³").translate(_UNICODE)


# -- experiments -----------------------------------------------------------------------------


def experiment_title(experiment_id: str) -> str:
    """The title of an experiment, or a readable stand-in if it is unknown."""
    from tutor.experiments.registry import get_experiment

    try:
        return get_experiment(experiment_id).title
    except KeyError:
        return f"{experiment_id} (not available)"


def experiment_unit(experiment_ids) -> str:
    """What the runs' progress counts (`epoch`, `batch`): the one unit they share, else epoch."""
    from tutor.experiments.registry import get_experiment

    units = set()
    for experiment_id in experiment_ids:
        try:
            units.add(get_experiment(experiment_id).unit)
        except KeyError:
            units.add("epoch")
    return units.pop() if len(units) == 1 else "epoch"


def run_experiment(experiment_id: str, progress: Callable | None = None) -> dict[str, Any]:
    """Run an experiment (cached per process); Cancelled propagates, unknown ids → DataError."""
    from tutor.experiments.registry import get_experiment
    from tutor.experiments.registry import run_experiment as run

    try:
        get_experiment(experiment_id)
    except KeyError as error:
        raise DataError(error.args[0]) from None
    return run(experiment_id, progress)


def cached_runs(experiment_ids: Iterable[str]) -> list[tuple[str, dict[str, Any]]] | None:
    """The results of every experiment of a step if all ran this session, else None."""
    from tutor.experiments.registry import cached_result

    results = []
    for i in experiment_ids:
        result = cached_result(i)
        if result is None:
            return None
        results.append((i, result))
    return results


def cancelled_error() -> type[Exception]:
    """The exception an experiment raises when its progress callback asks it to stop."""
    from tutor.experiments.registry import Cancelled

    return Cancelled


# -- figures and answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class FigureView:
    """A published figure beside what the tutor computes for it."""

    figure: Figure
    computed: float | None
    verdict: str  # agrees | erratum, explained | not reproduced, explained | DISAGREES | …
    detail: str  # the erratum, or why the computation failed


def figure_view(lesson: Lesson, figure_id: str, progress: Callable | None = None) -> FigureView:
    """The figure `figure_id` of `lesson`, computed and judged (may run an experiment: slow;
    `progress` hears it and may stop it, as `run_experiment`'s)."""
    figure = next((f for f in lesson.figures if f.id == figure_id), None)
    if figure is None:
        raise DataError(f"lesson {lesson.id!r} has no figure {figure_id!r}")
    from tutor.lessons import figures

    check = figures.check_figure(lesson, figure, progress)
    return FigureView(figure, check.computed, check.verdict, check.detail)


def parse_answer(text: str) -> float:
    """The typed answer as a number; ValueError with a readable message otherwise."""
    from tutor.lessons.answers import parse_number

    return parse_number(text)


def is_correct(answer: float, expected: float, tolerance: float) -> bool:
    """Grade an answer with the lesson's absolute tolerance."""
    from tutor.lessons.answers import is_correct as check

    return check(answer, expected, tolerance)


def diagnose(spec: str, name: str, answer: float, tolerance: float):
    """The usual mistake that gives `answer` for `name` (a Mistake with a hint), or None."""
    from tutor.lessons.mistakes import diagnose as find

    return find(trace_for(spec), name, answer, tolerance, variant_trace(spec))


def judge(spec: str, name: str, answer: float, tolerance: float, typed: str):
    """The verdict on a typed prediction (`tutor.lessons.grading.Verdict`)."""
    from tutor.lessons.grading import judge as grade

    return grade(trace_for(spec), name, answer, tolerance, typed, variant_trace(spec))


def answer_placeholder(tolerance: float) -> str:
    """The answer box's placeholder: the format asked, never a value."""
    from tutor.lessons.grading import placeholder

    return placeholder(tolerance)


def experiment_prediction(experiment_id: str, key: str, progress: Callable | None = None):
    """The value a predict step asks of an experiment, with its given and worked lines and
    named mistakes (`tutor.lessons.experiment_values.ExperimentValue`); may run it: slow
    (`progress` as `run_experiment`'s)."""
    from tutor.experiments.registry import get_experiment
    from tutor.lessons.experiment_values import experiment_prediction as predict

    try:
        get_experiment(experiment_id)
        return predict(experiment_id, key, progress)
    except (KeyError, ValueError) as error:
        raise DataError(str(error.args[0] if error.args else error)) from None


def judge_value(asked, answer: float, tolerance: float, typed: str):
    """The verdict on a typed prediction of an experiment's value (`asked`)."""
    from tutor.lessons.grading import judge_value as grade

    return grade(asked.value, answer, tolerance, typed, asked.mistakes)
