"""Read a student's typed answer as a number (never evaluated) and grade it."""

from __future__ import annotations

import math
import re

from tutor.errors import TutorError

# A plain decimal number: optional sign, digits with an optional point (or a leading point),
# an optional exponent. Nothing else: no expressions, no names, no underscores.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


ECHO_LENGTH = 40  # characters of a refused answer quoted back


class AnswerError(TutorError, ValueError):
    """The answer is not a number; the message says what was expected."""


def parse_number(text: str) -> float:
    """`0.5933`, `5.933e-1`, `.59327`, `−0.2` → float; anything else → AnswerError."""
    cleaned = text.strip().replace("−", "-").replace(",", ".") if text else ""
    if not cleaned:
        raise AnswerError("type a number, e.g. 0.5933 or 5.933e-1")
    if not _NUMBER.fullmatch(cleaned):
        shown = text.strip()
        if len(shown) > ECHO_LENGTH:
            shown = shown[: ECHO_LENGTH - 1] + "…"
        raise AnswerError(f"{shown!r} is not a number; type digits like 0.5933 or 5.933e-1")
    value = float(cleaned)
    if not math.isfinite(value):
        raise AnswerError("the number is too large")
    return value


def is_correct(answer: float, expected: float, tolerance: float) -> bool:
    """Within the absolute `tolerance` of `expected` (a tiny float slack on the boundary)."""
    return abs(answer - expected) <= tolerance * (1 + 1e-9) + 1e-15
