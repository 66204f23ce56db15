"""The TUI's one door to lessons, traces, exports, derivations and experiments.

Every call from the TUI into the rest of the tutor goes through this module, so
the screens compute nothing and a missing piece (a branch not merged yet)
degrades to a clear message here instead of a crash there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tutor.lessons.model import Figure, Lesson

EXPORT_FORMATS = {"text": "txt", "json": "json", "csv": "csv", "md": "md", "tex": "tex"}


class DataError(Exception):
    """Something the TUI asked for is not available; the message says what and why."""


def _optional(module: str):
    """The module if it exists (another branch may not be merged yet), else None."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None
        raise


# -- lessons ---------------------------------------------------------------------------------


def load_lessons(directory: Path | None = None) -> tuple[list[Lesson], list[str]]:
    """The lessons of `directory` (default: the built-in ones) in order, and readable errors."""
    loader = _optional("tutor.lessons.loader")
    if loader is not None:
        result = loader.load_lessons([directory] if directory is not None else None)
        return sorted(result.lessons, key=lambda x: (x.order, x.id)), [
            str(e) for e in result.errors
        ]
    from tutor.tui import fallback_loader

    return fallback_loader.load_dir(directory)


# -- traces ----------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def trace_for(spec: str):
    """The Trace of `spec` ("mazur" or "mazur@updated-weights"); DataError if unknown."""
    export = _optional("tutor.export")
    if export is not None and hasattr(export, "get_trace"):
        try:
            return export.get_trace(spec)
        except (KeyError, ValueError) as error:
            raise DataError(str(error.args[0] if error.args else error)) from None
    from tutor.engine import get_example, traced_step

    name, _, variant = spec.partition("@")
    if variant not in ("", "original-weights", "updated-weights"):
        raise DataError(f"unknown variant {variant!r} of {name!r}; known: updated-weights")
    try:
        ex = get_example(name)
    except KeyError as error:
        raise DataError(error.args[0]) from None
    weights = "updated" if variant == "updated-weights" else "original"
    trace, _ = traced_step(
        ex.network,
        ex.x,
        ex.target,
        ex.loss,
        ex.learning_rate,
        backprop_weights=weights,
        title=ex.title,
    )
    return trace


def variant_trace(spec: str):
    """The 'updated weights' variant of `spec`'s example (for mistake hints), or None."""
    base = spec.partition("@")[0]
    try:
        return trace_for(f"{base}@updated-weights")
    except DataError:
        return None


def export_trace(spec: str, fmt: str, precision: int = 9) -> str:
    """The trace `spec` exported as `fmt` by the CLI's exporters (plain text if not merged)."""
    if fmt not in EXPORT_FORMATS:
        raise DataError(f"unknown format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    trace = trace_for(spec)
    export = _optional("tutor.export")
    if export is not None:
        return export.export(trace, fmt, precision=precision)
    if fmt != "text":
        raise DataError(f"export as {fmt} unavailable (tutor.export not installed); try text")
    from tutor.engine import format_number

    values = trace.as_dict()
    lines = [f"# {trace.title}"]
    for v in trace:
        if v.phase == "given":
            lines.append(f"{v.name} = {format_number(v.value, precision)}")
        else:
            sub = v.substituted(values, precision)
            lines.append(f"{v.name} = {v.formula} = {sub} = {format_number(v.value, precision)}")
    return "\n".join(lines) + "\n"


# -- symbolic --------------------------------------------------------------------------------


def derivation(spec: str, target: str) -> list[str]:
    """Unicode lines deriving `target` symbolically; DataError when SymPy's layer is missing."""
    symbolic = _optional("tutor.symbolic")
    if symbolic is None or not hasattr(symbolic, "derive"):
        raise DataError("symbolic derivations unavailable (tutor.symbolic is not installed)")
    try:
        result = symbolic.derive(spec, target)
    except (KeyError, ValueError) as error:
        raise DataError(str(error)) from None
    steps = getattr(result, "steps", result)
    lines = []
    for step in steps:
        lines.append(getattr(step, "unicode", None) or str(step))
    return lines


# -- experiments -----------------------------------------------------------------------------


def experiment_title(experiment_id: str) -> str:
    """The title of an experiment, or a readable stand-in if it is unknown."""
    from tutor.experiments.registry import get_experiment

    try:
        return get_experiment(experiment_id).title
    except KeyError:
        return f"{experiment_id} (not available)"


def run_experiment(experiment_id: str, progress: Callable | None = None) -> dict[str, Any]:
    """Run an experiment (cached per process); Cancelled propagates, unknown ids → DataError."""
    from tutor.experiments.registry import get_experiment
    from tutor.experiments.registry import run_experiment as run

    try:
        get_experiment(experiment_id)
    except KeyError as error:
        raise DataError(error.args[0]) from None
    return run(experiment_id, progress)


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
    problem: str  # why `computed` is None, if it is

    @property
    def tolerance(self) -> float:
        """The figure's tolerance: given, or half a unit of its last printed digit."""
        if self.figure.tolerance is not None:
            return self.figure.tolerance
        text = self.figure.published.strip().lower().split("e")[0]
        decimals = len(text.split(".")[1]) if "." in text else 0
        return 0.5 * 10.0**-decimals

    @property
    def agrees(self) -> bool | None:
        """Whether published and computed agree within the tolerance (None if unknown)."""
        try:
            published = float(self.figure.published)
        except ValueError:
            return None
        if self.computed is None:
            return None
        return abs(published - self.computed) <= self.tolerance * (1 + 1e-9)


def figure_view(lesson: Lesson, figure_id: str) -> FigureView:
    """The figure `figure_id` of `lesson` with its computed value."""
    figure = next((f for f in lesson.figures if f.id == figure_id), None)
    if figure is None:
        raise DataError(f"lesson {lesson.id!r} has no figure {figure_id!r}")
    kind, _, rest = figure.computed.partition(":")
    source, _, key = rest.rpartition(":")
    try:
        if kind == "trace":
            return FigureView(figure, trace_for(source).value(key), "")
        if kind == "experiment":
            result = run_experiment(source)
            return FigureView(figure, float(result[key]), "")
    except (DataError, KeyError, TypeError, ValueError) as error:
        return FigureView(figure, None, str(error.args[0] if error.args else error))
    return FigureView(figure, None, f"cannot compute {figure.computed!r}")


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
