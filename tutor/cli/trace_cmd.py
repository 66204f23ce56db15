"""`backprop-tutor trace EXAMPLE`: print a traced training step, or export it."""

from __future__ import annotations

import argparse
import os
import sys

from tutor.cli import UsageError
from tutor.cli.loading import load_example
from tutor.cli.output import emit
from tutor.cli.ranges import MAX_ROUNDS, PRECISION, whole
from tutor.engine.limits import MAX_SAMPLES
from tutor.engine.trace import Trace
from tutor.engine.variants import (
    PER_VALUE_LIMIT,
    VARIANTS,
    record_errors_after_step,
    trace_example_step,
)
from tutor.experiments.builtin_examples import EXAMPLES, resolve, with_variant
from tutor.export import FORMATS, SUFFIXES, export, export_text, format_of_path
from tutor.export.common import step_error_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `trace`."""
    parser.add_argument(
        "example",
        nargs="?",
        default=None,
        help=f"built-in example ({', '.join(EXAMPLES)}), optionally NAME@VARIANT",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the built-in examples and their variants"
    )
    parser.add_argument(
        "--form",
        choices=("scalar", "matrix", "graph"),
        default=None,
        help="scalar: every value by its per-neuron name (the default up to "
        f"{PER_VALUE_LIMIT} parameters); matrix: z = W·a + b with shapes (the default above); "
        "graph: the computational graph, node by node (text or --format dot)",
    )
    parser.add_argument(
        "--param",
        metavar="ENTRY",
        action="append",
        help="matrix form: the full chain of one weight or bias, e.g. W2[3,17] or b1[4]",
    )
    parser.add_argument(
        "--neuron",
        metavar="NAME",
        action="append",
        help="matrix form: every value of one neuron, e.g. o3 or h17",
    )
    parser.add_argument(
        "--sample",
        type=whole(0, MAX_SAMPLES - 1),
        metavar="K",
        help="a batch example: trace only sample K (0-based) of the batch",
    )
    parser.add_argument("--network", metavar="FILE", help="trace the network of a TOML file")
    parser.add_argument(
        "--variant", metavar="NAME", help=f"a labelled variant ({', '.join(VARIANTS)})"
    )
    parser.add_argument(
        "--rounds",
        type=whole(1, MAX_ROUNDS),
        default=1,
        metavar="N",
        help=f"train N rounds (first traced; 1 to {MAX_ROUNDS:,})",
    )
    parser.add_argument(
        "--precision", type=PRECISION, default=9, metavar="D", help="decimals shown (1 to 17)"
    )
    parser.add_argument(
        "--format",
        choices=(*FORMATS, "dot"),
        help="output format (default: from the -o file's extension, else text; dot: the graph)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically); "
        + ", ".join(f"{suffix} → {fmt}" for fmt, suffix in SUFFIXES.items()),
    )
    parser.add_argument(
        "--symbolic",
        action="store_true",
        help="include each value's symbolic form, derived by SymPy (json, md, tex)",
    )


def run(args: argparse.Namespace) -> int:
    """Trace, optionally train on, and print or write the result."""
    args.format = output_format(args.format, args.output)
    if args.list:
        sys.stdout.write(list_examples())
        return 0
    example, variant = _example(args)
    if args.sample is not None:
        if not example.is_batch:
            raise UsageError(f"--sample: {example.name} is one sample, not a batch")
        if not 0 <= args.sample < example.n_samples:
            raise UsageError(
                f"--sample: expected 0 to {example.n_samples - 1} "
                f"(the batch has {example.n_samples} samples), got {args.sample}"
            )
        if args.rounds > 1:
            raise UsageError("--sample with --rounds: one sample's values are one step's")
    if args.form == "graph" or args.format == "dot":
        from tutor.cli.trace_graph import run_graph

        if variant is not None:
            raise UsageError("--form graph draws the exact step; a variant is not drawn as a graph")
        return run_graph(args, example)
    if example.is_batch and variant is not None and variant.options:
        raise UsageError(f"--variant {variant.name}: it applies to a one-sample step only")
    if not 1 <= args.precision <= 17:
        raise UsageError(f"--precision: expected 1 to 17 decimals, got {args.precision}")
    if args.rounds < 1:
        raise UsageError(f"--rounds: expected a whole number ≥ 1, got {args.rounds}")
    if _form(args, example, variant) == "matrix":
        from tutor.cli.trace_matrix import matrix_text

        return _write(args, matrix_text(args, example))
    if args.rounds > 1 and args.format == "csv":
        # CSV is one row per traced value: the errors of later rounds have no row to go in.
        raise UsageError("--rounds with --format csv: CSV holds the traced step only; use json")

    trace, updated = trace_example_step(example, variant, sample=args.sample)
    name = variant.name if variant else None
    # The step just traced is the exact step (not traced again for its error) unless its variant
    # changes how it is traced or it kept one sample of a batch.
    is_exact = (variant is None or not variant.options) and args.sample is None
    record_errors_after_step(trace, example, variant, updated if is_exact else None)
    rounds = None
    if args.rounds > 1:
        from tutor.cli.trace_rounds import rounds_meta, rounds_summary, train_on

        rounds = train_on(example, trace, updated, args.rounds)
        trace.meta["rounds"] = rounds_meta(rounds, name)

    to_terminal = args.output is None and sys.stdout.isatty()
    color = to_terminal and not os.environ.get("NO_COLOR")
    if args.format == "text":
        text = export_text(trace, args.precision, color=color)
        text += "\n" + step_error_summary(trace, args.precision)
        if rounds is not None:
            text += "\n" + rounds_summary(rounds, args.precision, name)
    else:
        symbolic = None
        if args.symbolic:  # SymPy loads only then
            from tutor.cli.trace_symbolic import symbolic_forms_of

            symbolic = symbolic_forms_of(example)
        text = export(trace, args.format, args.precision, symbolic=symbolic)
    return _write(args, text)


def _write(args, text: str) -> int:
    """Print `text`, or write it to -o FILE atomically."""
    return emit(text, args.output, args.format)


def _form(args, example, variant) -> str:
    """'scalar' or 'matrix': as asked, else by size; a bad combination is a UsageError."""
    n = example.network.n_parameters
    form = args.form or ("matrix" if n > PER_VALUE_LIMIT else "scalar")
    if form == "scalar" and n > PER_VALUE_LIMIT:
        raise UsageError(
            f"--form scalar: {example.name} has {n} parameters, above the per-value limit of "
            f"{PER_VALUE_LIMIT}; use --form matrix (its default)"
        )
    if form == "matrix":
        if variant is not None and variant.options:
            raise UsageError(f"--form matrix traces the exact step, not --variant {variant.name}")
        for option, given in (("--rounds", args.rounds > 1), ("--sample", args.sample is not None)):
            if given:
                raise UsageError(f"--form matrix with {option}: the matrix form is one step")
        if args.symbolic:
            raise UsageError("--form matrix with --symbolic: symbolic forms are per value")
    elif args.param or args.neuron:
        option = "--param" if args.param else "--neuron"
        raise UsageError(f"{option}: a chain is part of the matrix form (--form matrix)")
    return form


def output_format(given: str | None, output: str | None) -> str:
    """--format, or the one the -o file's extension names; a contradiction is a UsageError."""
    implied = format_of_path(output) if output else None
    if implied is None and output and output.lower().endswith(".dot"):
        implied = "dot"  # the computational graph's Graphviz file
    if given and implied and given != implied:
        raise UsageError(
            f"--format {given} contradicts -o {output} (a {SUFFIXES[implied]} file is {implied}); "
            "give one of them, or make them agree"
        )
    return given or implied or "text"


def _example(args):
    """The built-in example or the network file the arguments name, and its variant."""
    if args.network and args.example:
        raise UsageError("give a built-in example or --network FILE, not both")
    if args.network:
        return with_variant(load_example(args.network, "", None), args.variant)
    return resolve(args.example or "mazur", args.variant)  # NotFound: one line from main


def list_examples() -> str:
    """The built-in examples, one line each (with the variants only it takes)."""
    width = max(len(name) for name in EXAMPLES)
    lines = []
    for name, builtin in EXAMPLES.items():
        own = "".join(f" @{v.name}" for v in VARIANTS.values() if name in v.examples)
        lines.append(f"{name:<{width}}  {builtin.summary}{own}")
    common = ", ".join(v.name for v in VARIANTS.values() if not v.examples)
    lines.append(f"variants of any example: {common} (NAME@VARIANT or --variant)")
    return "\n".join(lines) + "\n"


def step_error_summary(trace: Trace, precision: int) -> str:
    """The slides' punch line: E_total after the step (0.291027774 exactly, 0.291027924
    through the updated weights, the figure they print), each way's beside the one traced."""
    return f"Error after the step\n  {step_error_line(trace, precision)}\n"
