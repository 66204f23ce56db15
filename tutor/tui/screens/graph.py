"""The computational graph of a step, walked backward node by node from E_total to the weights.

Each node shows its value; a node's gradient ∂E/∂node appears once the walk
reaches it. At the current node the panel on the right shows the gradient
flowing into each of its inputs: ∂E/∂input += ∂E/∂node × ∂node/∂input, the
chain-rule factor named, and the trace's name for the result where it has one.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.engine.graph import Graph, GraphNode, graph_of_example, graph_size
from tutor.engine.trace import format_number
from tutor.export.graphfmt import printable
from tutor.tui.widgets.network_view import short

# Graphs above this many nodes are not drawn in the tutor (trace --form graph prints them).
VIEW_LIMIT = 90
CURRENT = "bold reverse"
RECEIVING = "bold green"


def graph_fits(example) -> bool:
    """Whether the example's graph is small enough for the view."""
    return graph_size(example.network.sizes) <= VIEW_LIMIT


def render_nodes(graph: Graph, order: list[GraphNode], cursor: int) -> Text:
    """Nodes from E_total back; gradients shown up to the cursor; current and its inputs marked."""
    current = order[cursor]
    receiving = set(current.inputs)
    width = max(len(n.id) for n in order)
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, node in enumerate(order):
        style = CURRENT if node is current else RECEIVING if node.id in receiving else ""
        text.append(node.id.ljust(width), style=style or "bold")
        text.append(f" {node.op:<7.7} {short(node.value):>7} ", style="dim" if not style else "")
        if index <= cursor:
            text.append(f"∇{short(node.grad)}", style="yellow" if index == cursor else "")
        else:
            text.append("∇ ·", style="dim")
        text.append("\n")
    return text


def _trace_names(node: GraphNode, source: str, graph: Graph, trace) -> tuple[str, str]:
    """The trace's names of the factor ∂node/∂source and of the part it sends, where it has them.

    `dout_h1/dnet_h1` is a factor the trace names; a product w5·out_h1 sends to out_h1 the
    part the trace calls `dE_o1/dout_h1` (δ_o1·w5) and to w5 the factor `dnet_o1/dw5`.
    """
    if trace is None:
        return "", ""
    factor = f"d{node.id}/d{source}"
    part = ""
    if node.op == "×":
        users = [user for user, _ in graph.consumers(node.id) if user.id.startswith("net_")]
        if users:
            upper = users[0].id[len("net_") :]
            factor = f"d{users[0].id}/d{source}"
            part = f"dE_{upper}/d{source}"
    return (factor if factor in trace else ""), (part if part in trace else "")


def render_flow(node: GraphNode, graph: Graph, trace=None, precision: int = 6) -> Text:
    """The current node's gradient and what it sends to each input (the chain-rule factors)."""
    text = Text()
    text.append(f"{node.id}", style="bold")
    text.append(f"  ({node.op})\n")
    text.append(f"value {format_number(node.value, precision)}\n")
    text.append(f"∂E_total/∂{node.id} = {format_number(node.grad, precision)}\n", style="yellow")
    if node.grad_name:
        text.append(f"  the trace's {node.grad_name}\n", style="dim")
    if node.id == "E_total":
        text.append("  (∂E_total/∂E_total = 1: where the backward pass starts)\n", style="dim")
    if not node.inputs:
        text.append("\nA leaf: the gradient stops here.", style="dim")
        if node.op in ("weight", "bias"):
            text.append(f"\nUpdate: {node.id}+ = {node.id} − η·∇", style="bold")
        return text
    text.append("\nflows to its inputs:\n", style="bold")
    for source, local in zip(node.inputs, node.local):
        part = node.grad * local
        text.append(f"∂E/∂{source} ", style=RECEIVING)
        text.append(f"+= {short(node.grad)} × {short(local)}\n")
        factor_name, part_name = _trace_names(node, source, graph, trace)
        text.append(f"   factor ∂{node.id}/∂{source}", style="dim")
        text.append(f" = {factor_name}\n" if factor_name else "\n", style="dim")
        text.append(f"   = {format_number(part, precision)}")
        text.append(f"  ({part_name})\n" if part_name else "\n", style="dim")
    return text


class GraphScreen(Screen):
    """Walk the graph backward: → next node toward the weights, ← back toward E_total."""

    CSS_PATH = "../sandbox.tcss"
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("right,down,j,n,space", "walk(1)", "Backward", key_display="→"),
        Binding("left,up,k,p", "walk(-1)", "Toward E", key_display="←"),
        Binding("home", "jump(0)", "E_total", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("escape,q,G", "close", "Close"),
    ]

    def __init__(self, example, trace=None, note: str = "") -> None:
        super().__init__()
        self.graph = graph_of_example(example, trace)
        self.trace = trace
        self.order = self.graph.backward_order()
        self.cursor = 0
        self.note = note

    def compose(self) -> ComposeResult:
        """Status line; nodes | the gradient flowing at the current node; footer."""
        yield Static("", id="graph-status")
        with Horizontal(id="graph-body"):
            with VerticalScroll(id="graph-nodes", can_focus=False):
                yield Static("", id="graph-list")
            with VerticalScroll(id="graph-step", can_focus=False):
                yield Static("", id="graph-flow")
        yield Footer()

    def on_mount(self) -> None:
        """Start at E_total."""
        self.redraw()

    def redraw(self) -> None:
        """Redraw the list and the panel; keep the current node in view."""
        node = self.order[self.cursor]
        status = Text.assemble(
            ("Graph ", "bold"),
            Text(printable(self.graph.title)),  # data: literal text, no control characters
            f"  node {self.cursor + 1} of {len(self.order)} backward from E_total",
            (f"  {self.note}" if self.note else ""),
        )
        self.query_one("#graph-status", Static).update(status)
        self.query_one("#graph-list", Static).update(
            render_nodes(self.graph, self.order, self.cursor)
        )
        self.query_one("#graph-flow", Static).update(render_flow(node, self.graph, self.trace))
        pane = self.query_one("#graph-nodes", VerticalScroll)
        pane.scroll_to(y=max(0, self.cursor - pane.size.height // 2), animate=False)

    def action_walk(self, delta: int) -> None:
        """One node further backward (or forward)."""
        self.cursor = max(0, min(len(self.order) - 1, self.cursor + delta))
        self.redraw()

    def action_jump(self, index: int) -> None:
        """To E_total (0) or the last node (-1)."""
        self.cursor = index % len(self.order)
        self.redraw()

    def action_close(self) -> None:
        """Back to the sandbox or lesson."""
        self.app.pop_screen()
