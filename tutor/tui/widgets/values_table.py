"""The values of the current phase so far, with what this step added highlighted."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from tutor.engine.trace import format_number
from tutor.tui.widgets.rendered_once import RenderedOnceStatic
from tutor.tui.widgets.text_columns import TextColumns

CHANGED = "bold green"
CURRENT = "bold reverse"
DIFFERS = "bold red"


def align_decimals(cells: list[str]) -> list[str]:
    """The cells padded so their decimal points (or units digits) line up in one column."""
    parts = [c.partition(".") for c in cells]
    whole = max((len(p[0]) for p in parts), default=0)
    frac = max((len(p[1]) + len(p[2]) for p in parts), default=0)
    return [f"{a:>{whole}}{(dot + b):<{frac}}" for a, dot, b in parts]


class FittedRows:
    """A name column and value columns: side by side when they fit, else each row's values on
    a line of their own under its name. Never a cut digit."""

    def __init__(self, headers: list[str], rows: list[tuple[Text, list[str], str]], note=""):
        self.headers = headers
        self.names = [name for name, _, _ in rows]
        columns = list(zip(*(values for _, values, _ in rows))) if rows else []
        aligned = [align_decimals(list(c)) for c in columns]
        self.values = [list(r) for r in zip(*aligned)] if aligned else [[] for _ in rows]
        self.styles = [style for _, _, style in rows]
        self.note = note

    def width(self) -> int:
        """Columns needed side by side (one space between columns)."""
        name = max([len(self.headers[0])] + [len(n.plain) for n in self.names])
        widths = [
            max([len(h)] + [len(r[k]) for r in self.values])
            for k, h in enumerate(self.headers[1:])
        ]
        return name + sum(1 + w for w in widths)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.width() <= options.max_width:
            # Text, not str: a variant's name comes from a lesson file and is never markup.
            # The values are aligned by align_decimals.
            headers = [Text(header) for header in self.headers]
            rows = [
                [name, *(Text(v, style=style) for v in values)]
                for name, values, style in zip(self.names, self.values, self.styles)
            ]
            yield TextColumns(headers, rows, pad_edge=False)
        else:  # too narrow: the values go under their name, whole
            yield Text("  ".join(self.headers), style="bold", overflow="fold")
            for name, values, style in zip(self.names, self.values, self.styles):
                yield name
                yield Text("  " + "  ".join(values), style=style, overflow="fold")
        if self.note:
            yield Text(self.note, style="italic dim", justify="left")


class ValuesTable(RenderedOnceStatic):
    """A two-column table `name  value`; or `name  original  variant` when comparing."""

    DEFAULT_CSS = "ValuesTable { height: auto; }"

    def show(
        self, trace, names: list[str], changed: set[str], current: str, hidden: set[str], heading=""
    ) -> None:
        """Rows for `names` of `trace`; `changed` ones highlighted, `hidden` ones as '?'."""
        if not names:
            table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
            table.add_column(Text(heading or "value"), no_wrap=True)
            table.add_row(Text("(no values yet)", style="italic"))
            self.update(table)
            return
        rows = []
        for name in names:
            style = CURRENT if name == current else CHANGED if name in changed else ""
            shown = "?" if name in hidden else format_number(trace.value(name), 9)
            rows.append((Text(name, style=style), [shown], style))
        self.update(FittedRows([heading or "value", ""], rows))

    def compare(self, base, variant, base_label: str, variant_label: str, names: list[str]):
        """Rows of `names` in two traces side by side; values that differ in red."""
        same = 0
        rows = []
        for name in names:
            a = base.value(name) if name in base else None
            b = variant.value(name) if name in variant else None
            differs = a is None or b is None or abs(a - b) > 1e-15 * max(1.0, abs(a))
            if not differs:
                same += 1
                continue
            cells = [format_number(x, 9) if x is not None else "—" for x in (a, b)]
            rows.append((Text(name, style=DIFFERS), cells, DIFFERS))
        note = f"{same} other values are the same in both"
        self.update(FittedRows(["value", base_label, variant_label], rows, note))
