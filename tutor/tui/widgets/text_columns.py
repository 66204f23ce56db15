"""Columns of Rich Text laid out as lines: what a borderless Rich Table draws, for less.

The network drawing and the values table are borderless Rich Tables redrawn on every step
key. A Table measures and renders each cell through several layers (Padding, render_lines,
set_shape); most of a step's drawing time went there. `TextColumns` draws the same
characters in the same styles (tests/tui/test_text_columns.py compares the two cell by
cell) by padding each cell's lines to its column's width and joining them, and hands the
drawing to a real Table whenever the columns do not fit (the Table then decides what to cut).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

_NEWLINE = Segment.line()


def _segments(line: Text, console: Console) -> list[Segment]:
    """A one-line Text's segments in its own style (Text.render drops the style of a Text
    without spans: Rich's own drawing turns it into a span first)."""
    if line.spans:
        return list(line.render(console))
    style = console.get_style(line.style) if line.style else None
    return [Segment(line.plain, style)]


class TextColumns:
    """Rows of Text cells under bold headers, one space of padding each side of a cell.

    Drawn as `Table(box=None, padding=(0, 1), header_style="bold", pad_edge=pad_edge)`
    would draw it (headers are plain text, never markup).
    """

    def __init__(
        self,
        headers: Sequence[str | Text],
        rows: Sequence[Sequence[Text]],
        pad_edge: bool = True,
        header_style: str = "bold",
        no_wrap: bool = True,
    ) -> None:
        self.headers = [h if isinstance(h, Text) else Text(h) for h in headers]
        self.rows = rows
        self.pad_edge = pad_edge
        self.header_style = header_style
        self.no_wrap = no_wrap  # the Table's columns: cut (True) or wrapped when too narrow
        # Each cell's lines, and each column's width: the widest line in it.
        self._cells = [[cell.split("\n", allow_blank=True) for cell in row] for row in rows]
        widths = [h.cell_len for h in self.headers]
        for row in self._cells:
            for k, lines in enumerate(row):
                widths[k] = max([widths[k]] + [line.cell_len for line in lines])
        self.widths = widths

    def _pads(self, k: int) -> tuple[int, int]:
        """Spaces left and right of column `k`'s cells."""
        last = len(self.widths) - 1
        if self.pad_edge:
            return 1, 1
        return (0 if k == 0 else 1), (0 if k == last else 1)

    def width(self) -> int:
        """Columns drawn side by side, padding included."""
        return sum(w + sum(self._pads(k)) for k, w in enumerate(self.widths))

    def table(self) -> Table:
        """The same columns as a Rich Table (drawn when they do not fit)."""
        table = Table(
            box=None,
            padding=(0, 1),
            pad_edge=self.pad_edge,
            show_header=True,
            header_style=self.header_style,
            expand=False,
        )
        for header in self.headers:
            table.add_column(header, no_wrap=self.no_wrap)
        for row in self.rows:
            table.add_row(*row)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.width() > options.max_width:
            yield self.table()
            return
        header_style = console.get_style(self.header_style)
        plain = Style()
        pads = [self._pads(k) for k in range(len(self.widths))]
        # The header: bold text and bold padding, as the Table styles a header cell.
        for k, header in enumerate(self.headers):
            left, right = pads[k]
            cell = header.copy()
            cell.style = header_style + console.get_style(header.style)
            cell.pad_right(self.widths[k] - cell.cell_len)
            if left:
                yield Segment(" " * left, header_style)
            yield from _segments(cell, console)
            if right:
                yield Segment(" " * right, header_style)
        yield _NEWLINE
        for row in self._cells:
            height = max((len(lines) for lines in row), default=0)
            for y in range(height):
                for k, lines in enumerate(row):
                    left, right = pads[k]
                    width = self.widths[k]
                    if y < len(lines):
                        line = lines[y]
                        if left:
                            yield Segment(" " * left, plain)
                        if line.cell_len < width:  # padded in the cell's own style
                            line = line.copy()
                            line.pad_right(width - line.cell_len)
                        yield from _segments(line, console)
                        if right:
                            yield Segment(" " * right, plain)
                    else:  # a shorter cell: blank lines below it
                        yield Segment(" " * (left + width + right), plain)
                yield _NEWLINE
