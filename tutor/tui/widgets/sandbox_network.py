"""The sandbox's network: every value of the traced step, the selected one, what changed.

The layout is the lesson's network view (input, weights, hidden, weights, output
columns; `short` numbers; ∇ for a gradient); here every value is shown, the
selected value is in reverse video, a value a click can select carries an
`@click` action, and a value that changed since the last edit is yellow with ▲/▼.
"""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tutor.engine.naming import neuron_names, target_names, weight_names
from tutor.engine.trace import Trace, format_number
from tutor.tui.widgets.network_view import short

SELECTED = "bold reverse"
CHANGED = "bold yellow"


def changed_names(old: Trace | None, new: Trace) -> list[str]:
    """Names in both traces whose values differ (in the new trace's order)."""
    if old is None:
        return []
    before = old.as_dict()
    return [v.name for v in new if v.name in before and before[v.name] != v.value]


def _piece(trace: Trace, old: dict, name: str, selected: str, editable: set[str]) -> Text:
    """`value` styled: selected, changed (with ▲/▼), plain; clickable when editable."""
    if name not in trace:
        return Text("")
    value = trace.value(name)
    style = Style()
    arrow = ""
    if name in old and old[name] != value:
        style = Style.parse(CHANGED)
        arrow = "▲" if value > old[name] else "▼"
    if name == selected:
        style = Style.parse(SELECTED)
    if name in editable:
        style += Style(meta={"@click": f"screen.select_value({name!r})"})
    return Text(short(value) + arrow, style=style)


def _label(name: str, selected: str, editable: set[str]) -> Text:
    style = Style.parse(SELECTED if name == selected else "bold")
    if name in editable:
        style += Style(meta={"@click": f"screen.select_value({name!r})"})
    return Text(name, style=style)


def render_sandbox(
    trace: Trace, old: Trace | None, selected: str, editable: set[str], show_grads: bool = True
) -> Group:
    """Columns of neurons with the weights into them, every value shown; biases, η, E below."""
    before = old.as_dict() if old is not None else {}
    sizes = list(trace.meta["sizes"])
    neurons, weights, targets = neuron_names(sizes), weight_names(sizes), target_names(sizes)

    def piece(name: str) -> Text:
        return _piece(trace, before, name, selected, editable)

    def labelled(label: str, name: str) -> Text:
        return Text.assemble(Text(f"{label} ", style="dim"), piece(name))

    table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold", expand=False)
    table.add_column("input", no_wrap=True)
    activations = trace.meta.get("activations", [""] * len(sizes))
    for k in range(1, len(sizes)):
        table.add_column("weights", no_wrap=True)
        role = "output" if k == len(sizes) - 1 else "hidden"
        table.add_column(f"{role} {activations[k - 1]}", no_wrap=True)
    for r in range(max(sizes)):
        row: list[Text] = []
        for layer, size in enumerate(sizes):
            if layer > 0:
                lines = []
                if r < size:
                    for i in range(sizes[layer - 1]):
                        w = weights[layer - 1][i][r]
                        line = Text.assemble(_label(w, selected, editable), " ", piece(w))
                        if show_grads:
                            line.append(" ∇", style="dim")
                            line.append_text(piece(f"dE_total/d{w}"))
                        lines.append(line)
                row.append(Text("\n").join(lines))
            if r >= size:
                row.append(Text(""))
                continue
            n = neurons[layer][r]
            if layer == 0:
                row.append(Text.assemble(_label(n, selected, editable), " ", piece(n)))
                continue
            cell = [Text.assemble(Text(n, style="bold"), " ", labelled("net", f"net_{n}"))]
            cell.append(Text.assemble(" " * len(n), " ", labelled("out", f"out_{n}")))
            if layer == len(sizes) - 1:
                t = targets[r]
                cell.append(
                    Text.assemble(
                        " " * len(n),
                        " ",
                        labelled("t", t),
                        Text(" E ", style="dim"),
                        piece(f"E_{n}"),
                    )
                )
            cell.append(Text.assemble(" " * len(n), " ", labelled("δ", f"delta_{n}")))
            row.append(Text("\n").join(cell))
        table.add_row(*row)
    return Group(table, _footer_line(trace, before, selected, editable, show_grads))


def _footer_line(trace, before, selected, editable, show_grads) -> Text:
    """Biases (with ∇), η and E_total on one line."""
    line = Text()
    biases = [v.name for v in trace if v.identity.kind == "bias"]
    if biases:
        line.append("biases ", style="dim")
        for b in biases:
            line.append_text(_label(b, selected, editable))
            line.append(" ")
            line.append_text(_piece(trace, before, b, selected, editable))
            if show_grads:
                line.append(" ∇", style="dim")
                line.append_text(_piece(trace, before, f"dE_total/d{b}", selected, editable))
            line.append("  ")
    line.append_text(_label("eta", selected, editable))
    line.append(" ")
    line.append_text(_piece(trace, before, "eta", selected, editable))
    line.append(f"  E_total ({trace.meta.get('loss', '')}) ", style="dim")
    line.append_text(_piece(trace, before, "E_total", selected, editable))
    return line


def render_changes(old: Trace | None, new: Trace, precision: int = 6) -> Text:
    """Every value the last edit changed, `name old → new`, in trace order."""
    names = changed_names(old, new)
    if not names or old is None:
        return Text("No value changed yet: select one and type a number, or +/−.", style="dim")
    before = old.as_dict()
    text = Text(f"{len(names)} values changed (old → new)\n", style="bold")
    for name in names:
        text.append(f"{name} ", style="bold")
        text.append(format_number(before[name], precision), style="dim")
        text.append(" → ")
        text.append(format_number(new.value(name), precision), style=CHANGED)
        text.append("\n")
    return text


class SandboxNetwork(Static):
    """Shows `render_sandbox`; clicks on a value select it (through the screen's action)."""

    DEFAULT_CSS = "SandboxNetwork { height: auto; }"

    def show(
        self, trace: Trace, old: Trace | None, selected: str, editable: set[str], show_grads=True
    ) -> None:
        """Redraw for `trace`, marking what changed since `old` (∇ beside weights if wide)."""
        self.update(render_sandbox(trace, old, selected, editable, show_grads))
