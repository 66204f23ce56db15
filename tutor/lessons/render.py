"""Plain-text pieces for showing lessons headless: traced values, result tables, ASCII plots.

Pure functions returning lines (no printing), shared by `run` and `verify`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tutor.engine.trace import Trace, TraceValue
from tutor.export.formula import (
    plain_formula,
    plain_result,
    plain_substituted,
    shows_substitution,
    worked,
)
from tutor.lessons.display_names import humanize, learner_source

WIDTH = 80


def trace_lines(trace: Trace, values: Sequence[TraceValue], precision: int = 9) -> list[str]:
    """`name = formula = numbers = result`, aligned on the first `=`; given values as `name = v`."""
    numbers = trace.numbers()  # a view: callers pass one value of a long trace at a time
    width = max((len(v.name) for v in values), default=0)
    lines = []
    for v in values:
        w = worked(v, numbers)
        result = plain_result(w, precision)
        if not v.inputs:
            note = f"   ({_unnested(v.description)})" if v.description else ""
            lines.append(f"{v.name:<{width}} = {result}{note}")
            continue
        parts = [plain_formula(w)]
        if shows_substitution(w, precision):
            parts.append(plain_substituted(w, precision))
        line = f"{v.name:<{width}} = {' = '.join(parts)} = {result}"
        if len(line) <= WIDTH or len(parts) == 1:
            lines.append(line)
        else:  # the numbers on a line of their own, aligned under the first `=`
            lines.append(f"{v.name:<{width}} = {parts[0]}")
            lines.append(f"{'':<{width}} = {parts[1]} = {result}")
    return lines


def _unnested(description: str) -> str:
    """`bias (not updated)` → `bias, not updated`, to sit inside parentheses of its own."""
    head, bracket, rest = description.partition(" (")
    if bracket and rest.endswith(")") and "(" not in rest:
        return f"{head}, {rest[:-1]}"
    return description


def cell(value: Any) -> str:
    """A table cell as text: floats to 6 significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def table_lines(columns: Sequence[str], rows: Sequence[Sequence[Any]], markdown=False) -> list[str]:
    """A table with aligned columns (numbers right-aligned), or a Markdown pipe table."""
    text_rows = [[cell(c) for c in row] for row in rows]
    if markdown:

        def md_row(cells) -> str:
            return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

        lines = [md_row(columns), "|" + "---|" * len(columns)]
        return lines + [md_row(r) for r in text_rows]
    widths = [len(str(c)) for c in columns]
    for row in text_rows:
        for k, c in enumerate(row[: len(widths)]):
            widths[k] = max(widths[k], len(c))
    numeric = [
        all(isinstance(row[k], (int, float)) for row in rows if k < len(row)) and bool(rows)
        for k in range(len(columns))
    ]

    def fmt(row):
        return "  ".join(
            (c.rjust(w) if numeric[k] else c.ljust(w)) for k, (c, w) in enumerate(zip(row, widths))
        ).rstrip()

    lines = [fmt([str(c) for c in columns]), "  ".join("-" * w for w in widths)]
    lines += [fmt(row) for row in text_rows]
    return lines


def loss_curve_lines(
    losses: Sequence[float], epochs: Sequence[int] | None = None, width: int = 60, height: int = 10
) -> list[str]:
    """A small ASCII plot of a loss curve (log scale when it spans more than two decades)."""
    points = [(k, float(v)) for k, v in enumerate(losses) if math.isfinite(float(v))]
    if not points:
        return ["(no finite loss values)"]
    epochs = list(epochs) if epochs is not None else list(range(1, len(losses) + 1))
    ys = [v for _, v in points]
    low, high = min(ys), max(ys)
    log = low > 0 and high / low > 100

    def scale(v):
        return math.log10(v) if log else v

    lo, hi = scale(low), scale(high)
    span = (hi - lo) or 1.0
    grid = [[" "] * width for _ in range(height)]
    n = len(losses)
    for k, v in points:
        x = round(k * (width - 1) / max(n - 1, 1))
        y = round((scale(v) - lo) * (height - 1) / span)
        grid[height - 1 - y][x] = "•"
    label_top, label_bottom = f"{high:.4g}", f"{low:.4g}"
    pad = max(len(label_top), len(label_bottom))
    lines = []
    for row, chars in enumerate(grid):
        label = label_top if row == 0 else label_bottom if row == height - 1 else ""
        lines.append(f"{label:>{pad}} ┤{''.join(chars)}".rstrip())
    first, last = str(epochs[0]), str(epochs[-1])
    lines.append(" " * pad + " └" + "─" * width)
    axis = first + " " * max(width - len(first) - len(last), 1) + last
    lines.append(" " * (pad + 2) + axis + ("   epoch (log-scale loss)" if log else "   epoch"))
    return lines


SHADES = " ░▒▓█"


def heatmap_lines(heatmap: dict) -> list[str]:
    """Rows of shaded cells for values in [0, 1] (the 8-3-8 hidden code), with the numbers."""
    columns = [str(c) for c in heatmap.get("columns", [])]
    rows = [str(r) for r in heatmap.get("rows", [])]
    values = heatmap.get("values", [])
    pad = max((len(r) for r in rows), default=0)
    lines = [" " * pad + "  " + " ".join(f"{c:>6}" for c in columns)]
    for name, row in zip(rows, values):
        shades = "".join(SHADES[min(int(max(float(v), 0.0) * 5), 4)] * 2 for v in row)
        numbers = " ".join(f"{float(v):6.3f}" for v in row)
        lines.append(f"{name:>{pad}}  {numbers}   {shades}")
    return lines


def boundary_lines(boundary: dict) -> list[str]:
    """The decision boundary as characters: '·' class 0, '#' class 1, data points as 0/1."""
    grid = boundary.get("grid", [])
    if not grid:
        return []
    chars = [["#" if p >= 0.5 else "·" for p in row] for row in grid]
    (x0, x1), (y0, y1) = boundary.get("x", [0, 1]), boundary.get("y", [0, 1])
    h, w = len(chars), len(chars[0])
    for x, y, label in boundary.get("points", []):
        col = round((x - x0) / ((x1 - x0) or 1) * (w - 1))
        row = round((y1 - y) / ((y1 - y0) or 1) * (h - 1))
        if 0 <= row < h and 0 <= col < w:
            chars[row][col] = str(int(label))
    return ["".join(row) for row in chars]


def result_lines(result: dict, show: Sequence[str] = (), markdown: bool = False) -> list[str]:
    """An experiment's result by the conventions: summary, scalars shown, tables, loss curve."""
    lines: list[str] = []
    if result.get("summary"):
        lines += learner_source(str(result["summary"])).strip().splitlines() + [""]
    scalars = [k for k in show if k in result and not isinstance(result[k], (dict, list))]
    lines += [f"{humanize(key)} = {cell(result[key])}" for key in scalars]
    if scalars:
        lines.append("")
    tables = result.get("tables") or {}
    for name, table in tables.items():
        if show and name not in show:
            continue
        caption = learner_source(str(table.get("caption") or humanize(name)))
        lines.append(f"**{caption}**" if markdown else caption)
        lines.append("")
        lines += table_lines(table.get("columns", []), table.get("rows", []), markdown)
        lines.append("")
    if result.get("loss_curve"):
        body = loss_curve_lines(result["loss_curve"], result.get("loss_epochs"))
        lines += (["```"] + body + ["```"]) if markdown else body
        lines.append("")
    if result.get("heatmap"):
        caption = learner_source(str(result["heatmap"].get("caption", "heatmap")))
        body = [caption] + heatmap_lines(result["heatmap"])
        lines += (["```"] + body + ["```"]) if markdown else body
        lines.append("")
    if result.get("boundary"):
        body = boundary_lines(result["boundary"])
        lines += (["```"] + body + ["```"]) if markdown else body
        lines.append("")
    return lines
