"""The network drawn as neurons and weights, each labelled with the value shown so far."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from tutor.engine.naming import neuron_names, weight_names
from tutor.engine.trace import format_number
from tutor.engine.value_id import ValueId
from tutor.tui.widgets.rendered_once import RenderedOnceStatic
from tutor.tui.widgets.text_columns import TextColumns

CURRENT = "bold reverse"
DEPENDENCY = "bold underline"
HIDDEN = "?"


class NetworkView(RenderedOnceStatic):
    """Columns of neurons with the weights into each neuron between them."""

    DEFAULT_CSS = "NetworkView { height: auto; }"

    def show_matrix(self, matrix_trace, current: str, hide_result: bool = False) -> None:
        """The matrix form of the step computing `current` (key m), instead of the neurons."""
        self.update(render_matrix(matrix_trace, current, hide_result=hide_result))

    def show_summary(self, matrix_trace, current: str = "") -> None:
        """A network too large to trace value by value: its layers summarised (mnist-digit)."""
        from tutor.tui.widgets.layer_summary import render_layer_summary

        self.update(render_layer_summary(matrix_trace, current))

    def show(self, trace, visible: set[str], current: str, hidden: set[str]) -> None:
        """Redraw for `trace`, showing `visible` values, highlighting `current` and its inputs."""
        if trace is None or "sizes" not in trace.meta:
            self.update(Text("No network in this lesson step.", style="italic"))
            return
        if "samples" in trace.meta:  # a batch: draw the network as one sample sees it
            trace, visible, current, hidden, heading = one_sample(trace, visible, current, hidden)
        else:
            heading = None
        deps = set(trace[current].inputs) if current and current in trace else set()
        drawing = render_network(trace, visible, current, deps, hidden)
        self.update(Group(heading, drawing) if heading is not None else drawing)


MATRIX_LINES = 11  # the matrix view fits the network area at 80×24


def render_matrix(tr, current: str, width: int = 78, hide_result: bool = False) -> Group:
    """The matrix step that computes `current`: its entry, formula, shapes and values.

    `hide_result`: the student is to compute `current`, so only the operands are shown.
    """
    from tutor.export.matrix import MARK_START, matrix_lines, operand_lines

    entry = tr.card_entry(current) if current in tr.card else ""
    step = next((s for s in tr.steps if entry and s.result == tr.card[current][0]), None)
    if step is None:
        heading = Text(f"{current} is given" if entry else "matrix view", style="bold")
        if entry:
            heading.append(f" = {entry}", style="bold reverse")
        step = next((s for s in tr.steps if entry and tr.card[current][0] in s.operands), None)
    else:
        heading = Text(f"{current} = ", style="bold")
        heading.append(entry, style="bold reverse")
        if not hide_result:
            heading.append(f" = {short(tr.entry(current))}", style="bold reverse")
    if step is None:
        hint = "step to a value to see its matrix" if not current else "no matrix step uses it"
        return Group(heading, Text(hint, style="italic"))
    heading.append(f"   {step.formula}   {tr.shapes(step)}", style="bold")
    mark = tr.card[current] if entry else None
    if hide_result:
        lines = operand_lines(tr, step, width, mark=mark)
    else:
        lines = matrix_lines(tr, step, width, mark=mark)
    if len(lines) > MATRIX_LINES - 1:
        marked = next((k for k, line in enumerate(lines) if MARK_START in line), 0)
        first = max(0, min(marked - (MATRIX_LINES - 2) // 2, len(lines) - (MATRIX_LINES - 2)))
        lines = lines[first : first + MATRIX_LINES - 2] + ["…"]
    return Group(heading, *(marked_line(line) for line in lines))


def marked_line(line: str) -> Text:
    """A matrix line with its bracketed entry (the current value) in reverse video."""
    from tutor.export.matrix import MARK_END, MARK_START

    text = Text()
    before, _, rest = line.partition(MARK_START)
    text.append(before)
    if rest:
        entry, _, after = rest.partition(MARK_END)
        text.append(entry, style=CURRENT)
        text.append(after)
    return text


def one_sample(trace, visible: set[str], current: str, hidden: set[str]):
    """A batch trace seen by the sample being computed (else the last one shown, else 0)."""
    from tutor.engine.batch import sample_view

    ident = trace[current].identity if current in trace else None
    sample = ident.sample if ident is not None else None
    if sample is None:
        seen = [v.identity.sample for v in trace if v.name in visible | hidden]
        sample = next((s for s in reversed(seen) if s is not None), 0)

    def own(names: set[str]) -> set[str]:
        """The one-sample names of those of `names` this sample sees."""
        ids = (trace[name].identity for name in names if name in trace)
        return {i.with_sample(None).name for i in ids if i.sample in (None, sample)}

    base = ident.with_sample(None).name if ident is not None else ""
    view = sample_view(trace, sample, batch_first=bool(current) and base == current)
    inputs = ", ".join(short(v.value) for v in view if v.identity.kind == "input")
    heading = Text(
        f"sample {sample} of {trace.meta['samples']} (inputs {inputs}); "
        f"the loss: {trace.meta.get('reduction', 'mean')} over the batch",
        style="dim",
    )
    return view, own(visible), base, own(hidden), heading


def _uses(trace, current: str) -> set[str]:
    """The values `current` is computed from, following the error back (not the forward pass,
    whose values are numbers the student already has)."""
    seen: set[str] = set()
    todo = list(trace[current].inputs) if current and current in trace else []
    while todo:
        name = todo.pop()
        if name not in seen and name in trace:
            seen.add(name)
            if trace[name].phase not in ("given", "forward"):
                todo.extend(trace[name].inputs)
    return seen


def in_effect(trace, name: str, visible, current: str) -> str:
    """`name` or its update `name+`: the updated value once shown, unless the current step
    uses the original (the backward pass works with the weights before the update)."""
    new = f"{name}+"
    if new not in visible or new not in trace:
        return name
    if current != new and name in _uses(trace, current):
        return name
    return new


def _value(trace, name: str, visible, current, deps, hidden, label: str = "") -> Text:
    """`label value` styled by its role; '?' when hidden, blank when not reached yet."""
    text = Text(f"{label} " if label else "")
    if name not in trace or (name not in visible and name not in hidden):
        return Text("")
    shown = HIDDEN if name in hidden else short(trace.value(name))
    style = CURRENT if name == current else DEPENDENCY if name in deps else ""
    text.append(shown, style=style)
    return text


def parts_of(trace, name: str) -> set[str]:
    """The neurons and parameters a value is about: `dE_o1/dout_h1` → {o1, h1}."""
    return set(trace[name].identity.refers_to) if name in trace else set()


def short(x: float) -> str:
    """A value in at most ~7 characters: 4 decimals, or 3 significant digits when tiny."""
    if x != 0 and (abs(x) < 0.01 or abs(x) >= 1e5):
        return f"{x:.3g}"
    return format_number(x, 4)


def _compact(trace, name: str, visible, mark) -> Text:
    """A gradient in 3 significant digits (`∇0.0822`), blank until it is shown."""
    if name not in trace or name not in visible:
        return Text("")
    return Text(f"∇{short(trace.value(name))}", style=mark(name))


FULL_WIDTH = 3  # layers up to this wide are drawn with every weight; wider ones compactly


def render_network(trace, visible, current, deps, hidden) -> TextColumns | Group:
    """Columns input, weights, hidden, weights, output (a borderless table); a row per neuron."""
    sizes = list(trace.meta["sizes"])
    if max(sizes) > FULL_WIDTH:
        return render_compact(trace, visible, current, deps, hidden)
    neurons = neuron_names(sizes)
    weights = weight_names(sizes)
    headers = ["input"]
    for k in range(1, len(sizes)):
        headers += ["weights", "output" if k == len(sizes) - 1 else "hidden"]
    rows: list[list[Text]] = []
    role = {"visible": visible, "current": current, "deps": deps, "hidden": hidden}

    def val(name: str, label: str = "") -> Text:
        return _value(trace, name, label=label, **role)

    current_parts = parts_of(trace, current) if current else set()
    dep_parts = set().union(*(parts_of(trace, d) for d in deps)) if deps else set()

    def mark(name: str) -> str:
        return mark_style(name, current, current_parts, deps, dep_parts)

    for r in range(max(sizes)):
        row: list[Text] = []
        for layer, size in enumerate(sizes):
            if layer > 0:
                lines = []
                if r < size:
                    for i in range(sizes[layer - 1]):
                        w = weights[layer - 1][i][r]
                        line = Text(f"{w} ", style=mark(w))
                        shown = in_effect(trace, w, visible, current)
                        line.append_text(val(shown) if shown in trace else Text(""))
                        grad = _compact(trace, f"dE_total/d{w}", visible, mark)
                        if grad.plain and shown == w:
                            line.append(" ")
                            line.append_text(grad)
                        lines.append(line)
                row.append(Text("\n").join(lines))
            if r >= size:
                row.append(Text(""))
                continue
            n = neurons[layer][r]
            cell = Text(n, style=mark(n) if n in trace else "bold")
            groups = (
                [[n]]
                if layer == 0
                else [
                    [f"net_{n}"],
                    [f"out_{n}"],
                    [f"E_{n}"],
                    [f"delta_{n}"],
                ]
            )
            labels = {f"net_{n}": "net", f"out_{n}": "out", f"t_{n}": "t", f"E_{n}": "E"}
            labels[f"delta_{n}"] = "δ"
            for g, group in enumerate(groups):
                parts = [val(name, labels.get(name, "")) for name in group]
                parts = [p for p in parts if p.plain]
                if not parts:
                    continue
                if g > 0:
                    cell.append("\n" + " " * len(n))
                for part in parts:
                    cell.append(" ")
                    cell.append_text(part)
            row.append(cell)
        rows.append(row)
    table = TextColumns(headers, rows)
    biases = [v.name for v in trace if v.identity.kind == "bias"]
    if biases:
        line = Text("biases ", style="dim")
        for b in biases:
            line.append(f"{b} ", style=mark(b))
            line.append_text(val(in_effect(trace, b, visible, current)))
            line.append("  ")
        return Group(table, line)
    return table


# The kinds of a neuron's own values, labelled as the compact view labels them.
_NEURON_VALUES = {"delta": "δ", "error": "E", "out": "out", "net": "net"}


def _latest(trace, order, n: str, layer: int, visible, current, hidden) -> str:
    """The value of neuron `n` most worth showing: the one computed now, else the latest seen."""
    kinds = list(_NEURON_VALUES) if layer else ["input"]
    names = [ValueId(kind, neuron=n).name for kind in kinds]
    if current in names:
        return current
    seen = [x for x in names if x in trace and (x in visible or x in hidden)]
    return max(seen, key=order.__getitem__) if seen else ""


def render_compact(trace, visible, current, deps, hidden) -> Group:
    """Wide layers: one line per neuron with its latest value; weights summarised per matrix."""
    sizes = list(trace.meta["sizes"])
    neurons = neuron_names(sizes)
    weights = weight_names(sizes)
    role = {"visible": visible, "current": current, "deps": deps, "hidden": hidden}
    current_parts = parts_of(trace, current) if current else set()
    dep_parts = set().union(*(parts_of(trace, d) for d in deps)) if deps else set()
    order = {v.name: i for i, v in enumerate(trace)}
    headers = []
    for k, size in enumerate(sizes):
        last = k == len(sizes) - 1
        headers.append(f"{'input' if k == 0 else 'output' if last else 'hidden'} ({size})")
    rows: list[list[Text]] = []
    for r in range(max(sizes)):
        row = []
        for layer, size in enumerate(sizes):
            if r >= size:
                row.append(Text(""))
                continue
            n = neurons[layer][r]
            cell = Text(n, style=mark_style(n, current, current_parts, deps, dep_parts))
            name = _latest(trace, order, n, layer, visible, current, hidden)
            if name:
                label = _NEURON_VALUES.get(trace[name].identity.kind, "")
                cell.append(" ")
                cell.append_text(_value(trace, name, label=label if layer else "", **role))
            row.append(cell)
        rows.append(row)
    lines: list[RenderableType] = [TextColumns(headers, rows, no_wrap=False)]
    summary = Text("weights ", style="dim")
    for k, matrix in enumerate(weights):
        names = [w for column in matrix for w in column]
        updated = all(f"{w}+" in visible for w in names)
        values = [trace.value(f"{w}+" if updated else w) for w in names if w in trace]
        summary.append(f"W{k + 1}{'+' if updated else ''} {sizes[k]}×{sizes[k + 1]} ", "bold")
        if values:
            summary.append(f"{short(min(values))}…{short(max(values))}  ")
    lines.append(summary)
    # The weights in play right now, with their values: the rest would not fit.
    used = [
        w
        for matrix in weights
        for column in matrix
        for w in column
        if w == current or w in current_parts or w in deps or w in dep_parts or f"{w}+" == current
    ]
    if used:
        line = Text("in use  ", style="dim")
        shown = 0
        for w in used[:6]:
            item = Text(f"{w} ", style=mark_style(w, current, current_parts, deps, dep_parts))
            item.append_text(_value(trace, in_effect(trace, w, visible, current), **role))
            if len(line) + len(item) > 64:  # one line in 78 columns, with room for "… N more"
                break
            line.append_text(item)
            line.append("  ")
            shown += 1
        if len(used) > shown:
            line.append(f"… {len(used) - shown} more", style="dim")
        lines.append(line)
    return Group(*lines)


def mark_style(name: str, current, current_parts, deps, dep_parts) -> str:
    """Style of a neuron or weight label: the one being computed, one it uses, or plain."""
    if name == current or name in current_parts:
        return CURRENT
    return DEPENDENCY if name in deps or name in dep_parts else "bold"
