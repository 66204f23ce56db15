"""A predict step on an experiment's value: the answer, what the student is given, the working.

A predict step may name `experiment = "ID"` and `target = "KEY"` instead of a trace (a value no
per-neuron trace holds: a unit after dropout, a weight after L2 decay, a softmax output of a
784-128-10 network). `KEY` indexes the experiment's result as a figure's `experiment:ID:KEY`
does. The experiment may also return, under the same KEY,

- `given[KEY]`: lines shown with the question (the numbers the student needs),
- `worked[KEY]`: lines shown after the answer (the formula, the numbers substituted, the result),
- `mistakes[KEY]`: {hint: value}: the value a usual mistake gives, so a hint names that mistake
  only when the typed value is that value (`tutor.lessons.grading.judge_value`).

Nothing is evaluated: the experiment computes the numbers and writes the lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tutor.lessons.mistakes import Mistake

EXPERIMENT_MISTAKE = "experiment"  # the kind of a mistake an experiment names
MAX_LINES = 200  # of `given` or `worked` for one key
MAX_MISTAKES = 20  # named mistakes for one key


@dataclass(frozen=True)
class ExperimentValue:
    """What a predict step on an experiment's value asks, shows and recognises."""

    value: float
    given: tuple[str, ...] = ()
    worked: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what} is not a number")
    try:
        number = float(value)  # NumPy scalars too
    except (TypeError, ValueError):
        raise ValueError(f"{what} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} is not a finite number")
    return number


def _lines(result: dict[str, Any], part: str, key: str) -> tuple[str, ...]:
    table = result.get(part) or {}
    if not isinstance(table, dict) or key not in table:
        return ()
    lines = table[key]
    if isinstance(lines, str):
        lines = lines.splitlines()
    if not isinstance(lines, (list, tuple)) or not all(isinstance(x, str) for x in lines):
        raise ValueError(f"{part}[{key!r}] is not a list of lines")
    if len(lines) > MAX_LINES:
        raise ValueError(f"{part}[{key!r}] has more than {MAX_LINES} lines")
    return tuple(lines)


def _mistakes(result: dict[str, Any], key: str) -> tuple[Mistake, ...]:
    table = result.get("mistakes") or {}
    if not isinstance(table, dict) or key not in table:
        return ()
    named = table[key]
    if not isinstance(named, dict) or len(named) > MAX_MISTAKES:
        raise ValueError(f"mistakes[{key!r}] is not a table of at most {MAX_MISTAKES} hints")
    return tuple(
        Mistake(EXPERIMENT_MISTAKE, _number(value, f"mistakes[{key!r}][{hint!r}]"), str(hint))
        for hint, value in named.items()
    )


def value_of(result: dict[str, Any], key: str) -> ExperimentValue:
    """The value `key` of an experiment's `result`, with its given and worked lines and mistakes.

    KeyError when the result has no such key; ValueError when it is not a number or its lines
    or mistakes are malformed.
    """
    from tutor.lessons.references import experiment_value

    value = _number(experiment_value(result, key), f"result {key!r}")
    return ExperimentValue(
        value, _lines(result, "given", key), _lines(result, "worked", key), _mistakes(result, key)
    )


def experiment_prediction(experiment_id: str, key: str, progress=None) -> ExperimentValue:
    """Run (or fetch from the cache) the experiment and read the value `key` a step asks."""
    from tutor.experiments.registry import run_experiment

    return value_of(run_experiment(experiment_id, progress), key)
