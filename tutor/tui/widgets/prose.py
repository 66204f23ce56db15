"""A step's Markdown, with tables whose cells wrap between phrases, never inside `w2 = 0.20`."""

from __future__ import annotations

import re

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown, TableElement
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

_PHRASE_END = re.compile(r"(?<=, )|(?<=; )")


class Phrases:
    """A cell's text that wraps after ', ' or '; ' only; a phrase wider than the column wraps
    at its spaces (it is words, not a number)."""

    def __init__(self, text: Text) -> None:
        cuts = [m.end() for m in _PHRASE_END.finditer(text.plain) if 0 < m.end() < len(text)]
        self.pieces = list(text.divide(cuts)) if cuts else [text]
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max(len(p.plain.rstrip()) for p in self.pieces)
        return Measurement(min(widest, options.max_width), len(self.text.plain))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 1)
        line = Text()
        for piece in self.pieces:
            if line.plain and len(line.plain) + len(piece.plain.rstrip()) > width:
                yield line
                line = Text()
            line.append_text(piece)
        yield from line.wrap(console, width)


class PhraseTable(TableElement):
    """Rich's Markdown table, its cells as Phrases."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(
            box=box.SIMPLE,
            pad_edge=False,
            style="markdown.table.border",
            show_edge=True,
            collapse_padding=True,
        )
        if self.header is not None and self.header.row is not None:
            for column in self.header.row.cells:
                heading = column.content.copy()
                heading.stylize("markdown.table.header")
                table.add_column(heading)
        if self.body is not None:
            for row in self.body.rows:
                table.add_row(*(Phrases(cell.content) for cell in row.cells))
        yield table


class ProseMarkdown(Markdown):
    """Markdown as Rich draws it, except tables (see PhraseTable)."""

    elements = {**Markdown.elements, "table_open": PhraseTable}
