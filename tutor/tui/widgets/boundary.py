"""A decision boundary in the terminal: shaded probability of class 1, with the data points."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

SHADES = " ░▒▓█"  # p from 0 to 1


def render_boundary(data: dict) -> Text:
    """One character per grid cell, shaded by p(class 1); points as ● (1) and ○ (0)."""
    grid = data.get("grid") or [[0.0]]
    height, width = len(grid), len(grid[0])
    (x0, x1), (y0, y1) = data.get("x", [0, 1]), data.get("y", [0, 1])
    chars = [[SHADES[min(int(p * len(SHADES)), len(SHADES) - 1)] for p in row] for row in grid]
    marks: dict[tuple[int, int], str] = {}
    for x, y, label in data.get("points", []):
        col = round((x - x0) / ((x1 - x0) or 1) * (width - 1))
        row = round((y1 - y) / ((y1 - y0) or 1) * (height - 1))  # rows run top → bottom
        if 0 <= row < height and 0 <= col < width:
            marks[(row, col)] = "●" if label >= 0.5 else "○"
    text = Text()
    for r in range(height):
        for c in range(width):
            if (r, c) in marks:
                text.append(
                    marks[(r, c)], style="bold red" if marks[(r, c)] == "●" else "bold blue"
                )
            else:
                text.append(chars[r][c], style="cyan")
        text.append("\n")
    text.append(f"x {x0:g}…{x1:g}, y {y0:g}…{y1:g}; shade = p(class 1); ● class 1, ○ class 0")
    return text


class Boundary(Static):
    """Shows `render_boundary` of an experiment's `boundary` result."""

    DEFAULT_CSS = "Boundary { height: auto; }"

    def show(self, data: dict) -> None:
        """Draw `data` ({x, y, grid, points})."""
        self.update(render_boundary(data))
