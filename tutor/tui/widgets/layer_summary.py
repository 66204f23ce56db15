"""A network too large to draw neuron by neuron (MNIST's 784-128-10), as boxes of layers.

Each layer is a line: its size and activation, and its vectors as shape and min/mean/max;
each weight matrix as its shape and summary. One neuron is selected and shown in full: the
output neuron the current value belongs to, else the one whose target is 1 (the digit traced).
Every number comes from the step's matrix form (tutor.engine.matrix), computed by the engine.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from tutor.engine.trace import format_number

SELECTED = "bold reverse"


def _summary(tr, name: str) -> str:
    from tutor.export.matrix import summary

    a = tr.matrices[name]
    parts = summary(a)
    shown = ", ".join(f"{k} {format_number(v, 4)}" for k, v in parts.items() if k != "norm")
    return f"{name} ({a.shape[0]}×{a.shape[1]}) {shown}"


def current_output(tr, current: str = "") -> int | None:
    """The output neuron (row) the current value belongs to, from the notation card."""
    L = len(tr.meta["sizes"]) - 1
    matrix, (row, _) = tr.card.get(current, ("", (0, 0)))
    own = {f"Z{L}", f"A{L}", f"δ{L}", f"dA{L}", f"S{L}", "T", "E"}  # one row per output
    return row if matrix in own else None


def selected_output(tr, current: str = "") -> int:
    """The output neuron to show in full: the current value's, else the target class."""
    row = current_output(tr, current)
    return row if row is not None else int(tr.matrices["T"][:, 0].argmax())


def render_layer_summary(tr, current: str = "") -> Group:
    """The layer boxes, the weight summaries, and the selected output neuron's values."""
    sizes, acts = tr.meta["sizes"], tr.meta["activations"]
    lines = [
        Text.assemble(
            ("matrix form: ", "bold"),
            f"{'-'.join(map(str, sizes))}, too many values to show one by one; ",
            ("m", "bold"),
            " shows a step",
        )
    ]
    lines.append(Text.assemble(("┃ input ", "bold"), f"{sizes[0]}  ", _summary(tr, "A0")))
    for k in range(1, len(sizes)):
        kind = "output" if k == len(sizes) - 1 else f"hidden {k}" if len(sizes) > 3 else "hidden"
        lines.append(Text(f"  ↓ {_summary(tr, f'W{k}')}", style="dim"))
        box = Text.assemble((f"┃ {kind} ", "bold"), f"{sizes[k]} {acts[k - 1]}  ")
        box.append(_summary(tr, f"A{k}"))
        lines.append(box)
    j = selected_output(tr, current)
    L = len(sizes) - 1
    cell = lambda name: format_number(float(tr.matrices[name][j, 0]), 6)  # noqa: E731
    why = "the current value's" if current_output(tr, current) is not None else "the target class"
    chosen = Text.assemble((f" o{j + 1} ", SELECTED), f" ({why}) ")
    chosen.append(f"net {cell(f'Z{L}')}  out {cell(f'A{L}')}  t {cell('T')}  δ {cell(f'δ{L}')}")
    lines.append(chosen)
    lines.append(
        Text(
            f"  the {sizes[-1]} outputs: "
            + " ".join(f"{float(x):.3f}" for x in tr.matrices[f"A{L}"][:, 0]),
            style="dim",
            no_wrap=True,
            overflow="ellipsis",
        )
    )
    return Group(*lines)
