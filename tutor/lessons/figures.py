"""Verify a lesson's published figures: compute each, compare with the printed text, give a verdict.

A figure agrees when |computed − published| is within its tolerance (default:
half a unit of the last printed digit, plus 1e-12 for float noise). A figure
with an erratum (the material is wrong) must disagree, else the erratum is stale. A
figure with an `unreproduced` note is machine-dependent (a chaotic run amplifying the
rounding of the machine's NumPy and BLAS build): it may agree here or not, and either is
explained. Any other figure must agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation, Overflow, localcontext
from typing import Any

from tutor.lessons.model import Figure, Lesson
from tutor.lessons.references import parse_computed, resolve_computed

AGREES = "agrees"
EXPLAINED = "erratum, explained"
UNREPRODUCED = "not reproduced, explained"
AGREES_HERE = "agrees here (machine-dependent)"
DISAGREES = "DISAGREES"
STALE = "STALE ERRATUM"
ERROR = "ERROR"
FAILURES = (DISAGREES, STALE, ERROR)
SLACK = 1e-12


@dataclass(frozen=True)
class FigureCheck:
    """The outcome of one figure: what was printed, what we compute, how far they agree."""

    lesson: str
    figure: str
    source: str
    published: str
    computed: float | None  # None when the computation failed (see `detail`)
    digits: int  # leading significant digits of the printed text that the computed value matches
    printed_digits: int  # significant digits printed
    verdict: str
    tolerance: float
    reference: str
    detail: str = ""  # the erratum, or why the computation failed

    @property
    def failed(self) -> bool:
        return self.verdict in FAILURES

    def as_dict(self) -> dict:
        """A JSON-ready record."""
        return {
            "lesson": self.lesson,
            "figure": self.figure,
            "source": self.source,
            "published": self.published,
            "computed": self.computed,
            "digits": self.digits,
            "printed_digits": self.printed_digits,
            "verdict": self.verdict,
            "tolerance": self.tolerance,
            "reference": self.reference,
            "detail": self.detail,
        }


def printed_unit(published: str) -> Decimal:
    """One unit of the last printed digit: "0.3775" → 0.0001, "1.5e-3" → 0.0001, "5000" → 1."""
    exponent = Decimal(published.strip()).as_tuple().exponent
    return Decimal(1).scaleb(int(exponent))


def default_tolerance(published: str) -> float:
    """Half a unit of the last printed digit."""
    return float(printed_unit(published) / 2)


def significant_digits(published: str) -> int:
    """How many significant digits the printed text has ("0.511301270" → 9, "0.05" → 1)."""
    digits = Decimal(published.strip()).as_tuple().digits
    stripped = "".join(map(str, digits)).lstrip("0")
    return max(len(stripped), 1)


# Exact decimal arithmetic for the comparison: rounding a float (up to ~1e308) to the printed
# place (down to 1e-327, the loader's limits) needs ~640 digits, not the default 28.
_EXACT = Context(prec=1000, Emin=-10_000, Emax=10_000, traps=[InvalidOperation, Overflow])


def agreeing_digits(published: str, computed: float) -> int:
    """How many leading significant digits of `published` the rounded `computed` matches."""
    if not math.isfinite(computed):
        return 0
    with localcontext(_EXACT):
        return _agreeing_digits(published, computed)


def _agreeing_digits(published: str, computed: float) -> int:
    printed = Decimal(published.strip())
    unit = printed_unit(published)
    ours = Decimal(repr(computed)).quantize(unit)
    if ours != 0 and printed != 0 and (printed < 0) != (ours < 0):
        return 0
    a = "".join(map(str, abs(printed).quantize(unit).as_tuple().digits))
    b = "".join(map(str, abs(ours).as_tuple().digits))
    width = max(len(a), len(b))
    a, b = a.rjust(width, "0"), b.rjust(width, "0")
    first = next((k for k, ch in enumerate(a) if ch != "0"), width)
    if first == width:  # a printed zero: it agrees when the computed value rounds to zero
        return 1 if set(b) <= {"0"} else 0
    if any(ch != "0" for ch in b[:first]):
        return 0  # the computed value is larger by a whole leading digit
    count = 0
    for x, y in zip(a[first:], b[first:]):
        if x != y:
            break
        count += 1
    return count


def check_figure(lesson: Lesson, figure: Figure, progress=None) -> FigureCheck:
    """Compute one figure and judge it against its printed text."""
    tolerance = (
        figure.tolerance if figure.tolerance is not None else default_tolerance(figure.published)
    )
    common: dict[str, Any] = dict(
        lesson=lesson.id,
        figure=figure.id,
        source=figure.source,
        published=figure.published,
        printed_digits=significant_digits(figure.published),
        tolerance=tolerance,
        reference=figure.computed,
    )
    try:
        parse_computed(figure.computed)
        value = resolve_computed(figure.computed, progress)
    except Exception as error:  # noqa: BLE001 - an experiment failing is reported, not raised
        message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        return FigureCheck(
            computed=None,
            digits=0,
            verdict=ERROR,
            detail=f"{type(error).__name__}: {message}",
            **common,
        )
    within = abs(value - float(figure.published)) <= tolerance + SLACK
    if figure.erratum:
        verdict = STALE if within else EXPLAINED
    elif figure.unreproduced:
        # Not stale when it agrees: which machines reproduce such a run depends on their
        # rounding (seen: the same code stops at 1769 on one machine and 1770 on another).
        verdict = AGREES_HERE if within else UNREPRODUCED
    else:
        verdict = AGREES if within else DISAGREES
    return FigureCheck(
        computed=value,
        digits=agreeing_digits(figure.published, value),
        verdict=verdict,
        detail=figure.erratum or figure.unreproduced,
        **common,
    )


def check_lesson(lesson: Lesson, progress=None) -> list[FigureCheck]:
    """Check every figure of a lesson, in file order."""
    return [check_figure(lesson, figure, progress) for figure in lesson.figures]
