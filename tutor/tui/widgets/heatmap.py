"""A heatmap of a small matrix (the 8-3-8 encoder's hidden code), drawn with coloured cells."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tutor.lessons.display_names import learner_source


def _colour(v: float, low: float, high: float) -> str:
    """Blue (low) to yellow (high)."""
    t = 0.0 if high <= low else (v - low) / (high - low)
    t = min(max(t, 0.0), 1.0)
    r, g, b = int(40 + 215 * t), int(60 + 170 * t), int(160 - 120 * t)
    return f"rgb({r},{g},{b})"


def render_heatmap(data: dict) -> Group:
    """A table with one coloured cell per value, its number printed in it; the caption below,
    left-aligned (a Rich caption wraps centred under a narrow table)."""
    values = data.get("values", [])
    flat = [v for row in values for v in row] or [0.0]
    low, high = min(flat), max(flat)
    table = Table(box=None, padding=(0, 0))
    table.add_column("")
    for column in data.get("columns", []):
        table.add_column(Text(str(column)), justify="center")
    for label, row in zip(data.get("rows", []), values):
        cells = []
        for v in row:
            back = _colour(v, low, high)
            fore = "black" if (v - low) > 0.5 * (high - low) else "white"
            cells.append(Text(f" {v:.2f} ", style=f"{fore} on {back}"))
        table.add_row(Text(f"{label} "), *cells)
    caption = learner_source(str(data.get("caption", "")))
    return Group(table, Text(caption, style="italic dim")) if caption else Group(table)


class Heatmap(Static):
    """Shows `render_heatmap` of an experiment's `heatmap` result."""

    DEFAULT_CSS = "Heatmap { height: auto; }"

    def show(self, data: dict) -> None:
        """Draw `data` ({rows, columns, values, caption})."""
        self.update(render_heatmap(data))
