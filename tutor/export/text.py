"""Plain text: the worked example as a student writes it, aligned, grouped by phase, 80 columns."""

from __future__ import annotations

from tutor.engine.trace import Trace, TraceValue, format_number
from tutor.export.common import (
    PHASE_TITLES,
    Symbolic,
    given_groups,
    phases_in_order,
    setup_line,
)
from tutor.export.formula import (
    plain_formula,
    plain_result,
    plain_substituted,
    shows_substitution,
    worked,
)

WIDTH = 80
INDENT = "  "
# Longest name the `=` column is aligned to; longer names push their own line only.
MAX_NAME_COLUMN = 18

# ANSI styles (used only when the caller asks for colour).
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_HEADING, _NAME, _RESULT = "\x1b[1;33m", "\x1b[36m", "\x1b[1;32m"


class _Style:
    """Wraps text in ANSI codes, or leaves it alone."""

    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text


def export_text(
    trace: Trace,
    precision: int = 9,
    symbolic: Symbolic | None = None,
    color: bool = False,
    width: int = WIDTH,
) -> str:
    """The trace as aligned text; colour (ANSI) only when `color` is true."""
    style = _Style(color)
    values = trace.as_dict()
    lines = [style(trace.title, _BOLD), style("=" * min(len(trace.title), width), _DIM)]
    setup = setup_line(trace)
    if setup:
        lines += _wrap_words(setup, width)
    note = trace.meta.get("variant_note")
    if note:
        lines += _wrap_words(f"Variant {trace.meta.get('variant', '')}: {note}", width)
    for phase, phase_values in phases_in_order(trace):
        lines += ["", style(_phase_heading(phase, phase_values), _HEADING)]
        if phase == "given":
            lines += _given_lines(phase_values, precision, style, width)
            continue
        column = min(max(len(v.name) for v in phase_values), MAX_NAME_COLUMN)
        layer = None
        for v in phase_values:
            if v.layer != layer and phase in ("forward", "backward", "update") and v.layer:
                layer = v.layer
                lines.append(style(f"{INDENT}{layer} layer", _DIM))
            lines += _value_lines(v, values, precision, column, style, width, symbolic)
    return "\n".join(lines) + "\n"


def _phase_heading(phase: str, values: list[TraceValue]) -> str:
    return PHASE_TITLES.get(phase, phase.title())


def _given_lines(values, precision, style, width) -> list[str]:
    lines = []
    for kind, group in given_groups(values):
        items = [f"{style(v.name, _NAME)} = {format_number(v.value, precision)}" for v in group]
        plain = [f"{v.name} = {format_number(v.value, precision)}" for v in group]
        head = f"{INDENT}{kind}: "
        line, plain_len = head, len(head)
        for item, raw in zip(items, plain):
            sep = "" if plain_len == len(head) else ", "
            if plain_len + len(sep) + len(raw) > width and plain_len > len(head):
                lines.append(line + ",")
                line, plain_len = " " * len(head) + item, len(head) + len(raw)
            else:
                line, plain_len = line + sep + item, plain_len + len(sep) + len(raw)
        lines.append(line)
    return lines


def _value_lines(v, values, precision, column, style, width, symbolic) -> list[str]:
    """`name = formula = substituted = result` on one line, or broken at each `=`."""
    w = worked(v, values)
    result = plain_result(w, precision)
    pieces = [plain_formula(w)]
    if symbolic and v.name in symbolic:
        pieces.insert(0, symbolic[v.name][0])
    if shows_substitution(w, precision):
        pieces.append(plain_substituted(w, precision))
    name = v.name.ljust(column)
    one_line = f"{INDENT}{name} = " + " = ".join(pieces + [result])
    if len(one_line) <= width:
        styled = f"{INDENT}{style(v.name, _NAME)}{name[len(v.name) :]} = "
        return [styled + " = ".join(pieces) + " = " + style(result, _RESULT)]
    # Too long: one `= …` per line, each aligned under the first `=`.
    lines = []
    head = f"{INDENT}{style(v.name, _NAME)}{name[len(v.name) :]} = "
    hang = INDENT + " " * len(name) + " = "
    if len(v.name) > column:
        # A name longer than the column: the formulas go on the lines below it.
        lines.append(f"{INDENT}{style(v.name, _NAME)}")
        head = hang = INDENT * 2 + "= "
    for k, piece in enumerate(pieces + [result]):
        is_result = k == len(pieces)
        for m, chunk in enumerate(_wrap_expression(piece, width - len(hang))):
            lead = (head if k == 0 else hang) if m == 0 else " " * len(hang)
            lines.append(lead + (style(chunk, _RESULT) if is_result else chunk))
    return lines


def _wrap_expression(expr: str, room: int) -> list[str]:
    """Break a long expression before ` + ` (or after `·`) so each piece fits `room` columns."""
    if len(expr) <= room:
        return [expr]
    for sep in (" + ", " − ", "·"):
        tokens = expr.split(sep)
        if len(tokens) < 2:
            continue
        chunks, current = [], tokens[0]
        for token in tokens[1:]:
            candidate = current + sep + token
            if len(candidate) <= room:
                current = candidate
            else:
                chunks.append(current + (sep.rstrip() if sep == "·" else ""))
                current = ("" if sep == "·" else sep.lstrip()) + token
        chunks.append(current)
        if all(len(c) <= room for c in chunks):
            return chunks
    return [expr[i : i + room] for i in range(0, len(expr), room)]


def _wrap_words(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return lines + ([current] if current else [])
