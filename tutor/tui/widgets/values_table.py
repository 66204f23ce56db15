"""The values of the current phase so far, with what this step added highlighted."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tutor.engine.trace import format_number

CHANGED = "bold green"
CURRENT = "bold reverse"
DIFFERS = "bold red"


class ValuesTable(Static):
    """A two-column table `name  value`; or `name  original  variant` when comparing."""

    DEFAULT_CSS = "ValuesTable { height: auto; }"

    def show(
        self, trace, names: list[str], changed: set[str], current: str, hidden: set[str], heading=""
    ) -> None:
        """Rows for `names` of `trace`; `changed` ones highlighted, `hidden` ones as '?'."""
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
        table.add_column(Text(heading or "value"), no_wrap=True)
        table.add_column("", justify="right", no_wrap=True)
        if not names:
            table.add_row(Text("(no values yet)", style="italic"), "")
        for name in names:
            style = CURRENT if name == current else CHANGED if name in changed else ""
            shown = "?" if name in hidden else format_number(trace.value(name), 9)
            table.add_row(Text(name, style=style), Text(shown, style=style))
        self.update(table)

    def compare(self, base, variant, base_label: str, variant_label: str, names: list[str]):
        """Rows of `names` in two traces side by side; values that differ in red."""
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
        table.add_column("value", no_wrap=True)
        # The variant label is the lesson's text: literal, never markup.
        table.add_column(Text(base_label), justify="right", no_wrap=True)
        table.add_column(Text(variant_label), justify="right", no_wrap=True)
        same = 0
        for name in names:
            a = base.value(name) if name in base else None
            b = variant.value(name) if name in variant else None
            differs = a is None or b is None or abs(a - b) > 1e-15 * max(1.0, abs(a))
            if not differs:
                same += 1
                continue
            cells = [format_number(x, 9) if x is not None else "—" for x in (a, b)]
            table.add_row(Text(name, style=DIFFERS), *(Text(c, style=DIFFERS) for c in cells))
        table.caption = f"{same} other values are the same in both"
        self.update(table)
