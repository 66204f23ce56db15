"""`trace EXAMPLE --form graph [--format text|dot]`: the step as a computational graph."""

from __future__ import annotations

import argparse

from tutor.cli import UsageError
from tutor.cli.output import emit
from tutor.engine.examples import Example

GRAPH_FORMATS = ("text", "dot")


def run_graph(args: argparse.Namespace, example: Example) -> int:
    """Print or write the graph of the example's traced step (exact step only)."""
    from tutor.engine.graph import GraphTooLarge, graph_of_example
    from tutor.engine.variants import trace_example_step
    from tutor.export.graphfmt import export_graph

    if args.form not in (None, "graph"):
        raise UsageError(f"--format dot is the computational graph, not --form {args.form}")
    if args.format not in GRAPH_FORMATS:
        raise UsageError(
            f"--form graph: expected --format {' or '.join(GRAPH_FORMATS)}, got {args.format}"
        )
    if args.variant is not None:
        raise UsageError("--form graph draws the exact step; --variant is not drawn as a graph")
    if args.rounds != 1:
        raise UsageError("--form graph draws one step; --rounds is not drawn as a graph")
    if not 1 <= args.precision <= 17:
        raise UsageError(f"--precision: expected 1 to 17 decimals, got {args.precision}")
    trace, _ = trace_example_step(example)
    try:
        graph = graph_of_example(example, trace, args.sample)
    except (GraphTooLarge, ValueError) as error:
        raise UsageError(str(error)) from None
    text = export_graph(graph, args.format, args.precision)
    return emit(text, args.output, f"graph, {args.format}")
