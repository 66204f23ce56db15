"""One formatter for a traced value's worked line: its formula, the numbers substituted, the result.

`worked` turns a TraceValue into a neutral `Worked`: the template's literal text and, for each
placeholder, an `Operand` (the input's name and value, and whether a negative number there
is written in parentheses). Every target renders that one structure: the plain renderers here
serve the text, Markdown, CSV and JSON exports, the lessons' headless lines and the TUI;
`tutor.export.latex` renders the same parts in LaTeX. Which numbers are bracketed and when the
substituted line is worth showing are decided here once, so the targets cannot drift apart
(they did: `0.055399425 + -0.019049118` in the TUI, `+ (-0.019049118)` in the exports, and
`e^{--0.005}` in LaTeX).
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping
from typing import NamedTuple

from tutor.engine.trace import TraceValue, format_number

# Characters after which a negative number is written in parentheses: 0.5·(-0.02), e^−(-0.3).
OPERATOR_ENDINGS = ("·", "+", "−", "-", "*", "/", "^")


# Records as NamedTuples: one is created in ~0.1 ms at import, a frozen dataclass in ~0.8 ms
# (its methods are generated and compiled), which every start-up that prints a trace pays.
class Operand(NamedTuple):
    """One placeholder of a template: the input's name and value, and whether it follows an
    operator (then a negative number is written in parentheses)."""

    name: str
    value: float
    after_operator: bool

    def shown(self, number: str) -> str:
        """`number` (this operand's value, as a target writes it), bracketed when negative."""
        return f"({number})" if self.after_operator and number.startswith("-") else number


Part = str | Operand  # a template's literal text, or one of its placeholders


class Worked(NamedTuple):
    """A traced value ready to be written: `name = formula = substituted = result`."""

    name: str
    parts: tuple[Part, ...]  # empty for a value computed from nothing (a given value)
    template: str
    value: float


def template_parts(template: str) -> list[str | int]:
    """Split a template into literal strings and placeholder indices, in order."""
    parts: list[str | int] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if field is not None:
            parts.append(int(field))
    return parts


def worked(value: TraceValue, values: Mapping[str, float] | None = None) -> Worked:
    """The neutral form of `value`'s worked line; `values` holds its inputs' numbers (without
    them, only the formula in names can be written)."""
    if not value.inputs:
        return Worked(value.name, (), value.template, value.value)
    parts: list[Part] = []
    before = ""
    for part in template_parts(value.template):
        if isinstance(part, str):
            parts.append(part)
            before = part.rstrip() or before
            continue
        name = value.inputs[part]
        number = values[name] if values is not None else math.nan
        parts.append(Operand(name, number, bool(before) and before.endswith(OPERATOR_ENDINGS)))
        before = "0"  # a number ends in a digit: no operator before what follows it directly
    return Worked(value.name, tuple(parts), value.template, value.value)


def render(w: Worked, literal: Callable[[str], str], operand: Callable[[Operand], str]) -> str:
    """The parts through a target's renderers of literal text and of operands."""
    return "".join(literal(p) if isinstance(p, str) else operand(p) for p in w.parts)


# -- plain text (Unicode): the exports but LaTeX, the lessons' lines, the TUI ------------------


def plain_formula(w: Worked) -> str:
    """The formula in the lesson's names: `w1·i1 + w2·i2 + b1·1`."""
    if not w.parts:
        return w.template
    return render(w, str, lambda o: o.name)


def plain_substituted(w: Worked, precision: int = 9) -> str:
    """The formula with numbers in it, a negative number bracketed after an operator."""
    if not w.parts:
        return w.template
    return render(w, str, lambda o: o.shown(format_number(o.value, precision)))


def plain_result(w: Worked, precision: int = 9) -> str:
    """The value itself."""
    return format_number(w.value, precision)


def shows_substitution(w: Worked, precision: int = 9) -> bool:
    """Whether the substituted line says something the formula and the result do not
    (`dnet_o1/dw5 = out_h1 = 0.59` needs no `= 0.59` in between)."""
    substituted = plain_substituted(w, precision)
    return substituted not in (plain_formula(w), plain_result(w, precision))
