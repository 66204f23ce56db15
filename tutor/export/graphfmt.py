"""The computational graph as text (one line per node) and as Graphviz DOT."""

from __future__ import annotations

from tutor.engine.graph import Graph, GraphNode
from tutor.engine.trace import format_number

GRAPH_FORMATS = ("text", "dot")


def printable(text: str) -> str:
    """`text` with control characters (escape sequences too) replaced by '?': data, not commands."""
    return "".join("?" if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) else c for c in text)


def _operation(node: GraphNode) -> str:
    """`w1 × i1`, `+ (3 terms)`, `sigmoid(net_h1)`: what the node computes, in a few words."""
    if node.formula:
        return node.formula
    if node.is_leaf:
        return node.op
    if node.op == "×":
        return f"{node.inputs[0]} × {node.inputs[1]}"
    if node.op in ("+", "Σ"):
        return f"{node.op} " + ", ".join(node.inputs)
    if node.op == "−":
        return f"{node.inputs[0]} − {node.inputs[1]}"
    if len(node.inputs) == 1:
        return f"{node.op}({node.inputs[0]})"
    return f"{node.op}({', '.join(node.inputs)})"


def link(node: GraphNode) -> str:
    """The trace names the node stands for: `net_h1; ∂E/∂ = delta_h1`."""
    parts = []
    if node.forward_name and node.forward_name != node.id:
        parts.append(node.forward_name)
    if node.grad_name:
        parts.append(f"∂E/∂ = {node.grad_name}")
    return "; ".join(parts)


def graph_text(graph: Graph, precision: int = 9) -> str:
    """One line per node in forward order: node, operation, value, ∂E_total/∂node, trace name."""
    rows = [
        (
            node.id,
            _operation(node),
            format_number(node.value, precision),
            format_number(node.grad, precision),
            link(node),
        )
        for node in graph.nodes
    ]
    head = ("node", "operation", "value", "∂E_total/∂node", "trace name")
    widths = [max(len(r[c]) for r in [head, *rows]) for c in range(4)]
    title = printable(f"Computational graph: {graph.title}")
    lines = [title, "=" * len(title)]
    lines.append(
        "value: forward pass; ∂E_total/∂node: Σ over its users of their gradient × ∂user/∂node"
    )
    for row in [head, *rows]:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [row[2].rjust(widths[2]), row[3].rjust(widths[3]), row[4]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, control characters gone."""
    return '"' + printable(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


_SHAPES = {"input": "box", "target": "box", "weight": "box", "bias": "box"}


def graph_dot(graph: Graph, precision: int = 9) -> str:
    """Graphviz DOT: one node per operation labelled op, value, grad; edges labelled ∂/∂input."""
    lines = [
        f"digraph {_dot_string(graph.title)} {{",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        f"  label={_dot_string(graph.title)};",
    ]
    for node in graph.nodes:
        label = f"{node.id}\\n{node.op}\\nvalue {format_number(node.value, precision)}"
        label += f"\\n∂E/∂ {format_number(node.grad, precision)}"
        if node.grad_name:
            label += f"\\n= {node.grad_name}"
        shape = _SHAPES.get(node.op, "ellipse")
        # The label is built from engine names and numbers; escape quotes all the same.
        label = printable(label).replace('"', '\\"')
        lines.append(f'  {_dot_string(node.id)} [label="{label}", shape={shape}];')
    for node in graph.nodes:
        for source, d in zip(node.inputs, node.local):
            factor = format_number(d, precision)
            lines.append(
                f"  {_dot_string(source)} -> {_dot_string(node.id)} [label={_dot_string(factor)}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_graph(graph: Graph, fmt: str, precision: int = 9) -> str:
    """The graph as `fmt` (text or dot)."""
    if fmt == "dot":
        return graph_dot(graph, precision)
    if fmt == "text":
        return graph_text(graph, precision)
    raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(GRAPH_FORMATS)}")
