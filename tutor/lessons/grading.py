"""Grade a typed prediction against the trace: right, a named mistake, or how close it is.

One judge for every player (the TUI, `run`): a hint names a mistake only when the typed value
is that mistake's value (`tutor.lessons.mistakes`) within the step's tolerance; any other
wrong value gets a measured message — how many decimals agree and how many the step asks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tutor.engine.trace import Trace
from tutor.lessons.answers import ECHO_LENGTH, is_correct
from tutor.lessons.mistakes import Mistake, closest, diagnose

MAX_DECIMALS = 15  # beyond this a float has no more decimals to agree on


@dataclass(frozen=True)
class Verdict:
    """What a typed value is: right, or wrong with a message (naming a mistake or measuring)."""

    correct: bool
    message: str
    mistake: str = ""  # the mistake's kind when the message names one
    agreeing: int = 0  # decimals of the typed value that agree with the right one


def decimals_asked(tolerance: float) -> int:
    """The fewest decimals whose rounding always lands within `tolerance` (5e-7 → 6)."""
    if not tolerance > 0:
        return MAX_DECIMALS
    return max(0, min(MAX_DECIMALS, math.ceil(math.log10(0.5 / tolerance) - 1e-9)))


def decimals_agreeing(answer: float, expected: float) -> int:
    """How many decimals of `answer` agree with `expected` (within half a unit of the last)."""
    agreeing = -1
    for d in range(MAX_DECIMALS + 1):
        if abs(answer - expected) <= 0.5 * 10.0**-d * (1 + 1e-9):
            agreeing = d
        else:
            break
    return agreeing


def placeholder(tolerance: float) -> str:
    """What the answer box asks for: the format, never a value (`a number to 6 decimals`)."""
    n = decimals_asked(tolerance)
    return f"a number to {n} decimal{'' if n == 1 else 's'}"


def _decimals(n: int) -> str:
    return f"{n} decimal{'' if n == 1 else 's'}"


def judge(
    trace: Trace,
    name: str,
    answer: float,
    tolerance: float,
    typed: str = "",
    variant: Trace | None = None,
) -> Verdict:
    """The verdict on `answer` (typed as `typed`) for the value `name` of `trace`."""
    expected = trace.value(name)
    if is_correct(answer, expected, tolerance):
        return _verdict(expected, answer, tolerance, typed, None)
    return _verdict(
        expected, answer, tolerance, typed, diagnose(trace, name, answer, tolerance, variant)
    )


def judge_value(
    expected: float,
    answer: float,
    tolerance: float,
    typed: str = "",
    mistakes: Sequence[Mistake] = (),
) -> Verdict:
    """The verdict on `answer` for a value no trace holds (an experiment's), with its mistakes."""
    return _verdict(expected, answer, tolerance, typed, closest(mistakes, answer, tolerance))


def _verdict(
    expected: float, answer: float, tolerance: float, typed: str, mistake: Mistake | None
) -> Verdict:
    """Right; else the mistake's hint when `answer` is its value; else how close it is."""
    shown = (typed or repr(answer)).strip()
    if len(shown) > ECHO_LENGTH:
        shown = shown[: ECHO_LENGTH - 1] + "…"
    agreeing = decimals_agreeing(answer, expected)
    if is_correct(answer, expected, tolerance):
        return Verdict(True, f"{shown} is right.", agreeing=agreeing)
    if mistake is not None:
        return Verdict(False, mistake.hint, mistake.kind, agreeing)
    asked = decimals_asked(tolerance)
    if agreeing < 0:
        message = f"{shown} does not agree even to a whole number; the step asks {asked} decimals."
    elif agreeing == 0:  # "agrees to 0 decimals" read as a diagnosis of nothing
        message = f"{shown} is off in the first decimal already; the step asks {asked} decimals."
    else:
        message = f"{shown} agrees to {_decimals(agreeing)}; give {asked}."
    return Verdict(False, message, agreeing=agreeing)
