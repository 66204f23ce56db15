"""`backprop-tutor trace EXAMPLE`: print a traced training step, or export it."""

from __future__ import annotations

import argparse
import os
import sys

from tutor.cli import UsageError
from tutor.cli.loading import load_example
from tutor.engine import format_number, get_example
from tutor.engine.examples import EXAMPLES
from tutor.engine.rounds import Rounds, continue_rounds
from tutor.engine.trace import Trace
from tutor.engine.training import TrainingDiverged
from tutor.engine.variants import VARIANTS, errors_after_step, get_variant, trace_example_step
from tutor.export import FORMATS, SUFFIXES, export, export_text, format_of_path
from tutor.export.common import step_error_line

# How many error lines a --rounds summary shows between the first and the last round.
SUMMARY_LINES = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `trace`."""
    parser.add_argument(
        "example", nargs="?", default=None, help=f"built-in example ({', '.join(EXAMPLES)})"
    )
    parser.add_argument("--network", metavar="FILE", help="trace the network of a TOML file")
    parser.add_argument(
        "--variant", metavar="NAME", help=f"a labelled variant ({', '.join(VARIANTS)})"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, metavar="N", help="train N rounds (first traced)"
    )
    parser.add_argument("--precision", type=int, default=9, metavar="D", help="decimals shown")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the -o file's extension, else text)",
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
    example = _example(args)
    if args.variant is not None:
        try:
            get_variant(args.variant)
        except KeyError as error:
            raise UsageError(error.args[0]) from None
    if not 1 <= args.precision <= 17:
        raise UsageError(f"--precision: expected 1 to 17 decimals, got {args.precision}")
    if args.rounds < 1:
        raise UsageError(f"--rounds: expected a whole number ≥ 1, got {args.rounds}")
    if args.rounds > 1 and args.format == "csv":
        # CSV is one row per traced value: the errors of later rounds have no row to go in.
        raise UsageError("--rounds with --format csv: CSV holds the traced step only; use json")

    trace, updated = trace_example_step(example, args.variant)
    trace.meta["error_after_step"] = {
        variant or "exact": error for variant, error in errors_after_step(example).items()
    }
    rounds = _train_on(example, trace, updated, args.rounds) if args.rounds > 1 else None
    if rounds is not None:
        trace.meta["rounds"] = _rounds_meta(rounds, args.variant)

    to_terminal = args.output is None and sys.stdout.isatty()
    color = to_terminal and not os.environ.get("NO_COLOR")
    if args.format == "text":
        text = export_text(trace, args.precision, color=color)
        text += "\n" + step_error_summary(trace, args.precision)
        if rounds is not None:
            text += "\n" + rounds_summary(rounds, args.precision, args.variant)
    else:
        text = export(trace, args.format, args.precision, symbolic=_symbolic(args, example))
    if args.output is None:
        sys.stdout.write(text)
        return 0
    from tutor.atomic import write_text_atomic

    try:
        write_text_atomic(args.output, text)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(f"cannot write {args.output}: {reason}") from None
    print(f"wrote {args.output} ({args.format})", file=sys.stderr)
    return 0


def output_format(given: str | None, output: str | None) -> str:
    """--format, or the one the -o file's extension names; a contradiction is a UsageError."""
    implied = format_of_path(output) if output else None
    if given and implied and given != implied:
        raise UsageError(
            f"--format {given} contradicts -o {output} (a {SUFFIXES[implied]} file is {implied}); "
            "give one of them, or make them agree"
        )
    return given or implied or "text"


def _symbolic(args, example):
    """The SymPy forms of the traced values, when asked for (SymPy is imported only then)."""
    if not args.symbolic:
        return None
    from tutor.symbolic import symbolic_forms
    from tutor.symbolic.steps import TooLargeForSymbolic

    try:
        return symbolic_forms(example)
    except TooLargeForSymbolic as error:
        raise UsageError(f"--symbolic: {error}") from None


def _example(args):
    """The built-in example or the network file the arguments name."""
    if args.network and args.example:
        raise UsageError("give a built-in example or --network FILE, not both")
    return load_example(args.network, args.example or "mazur", get_example)


def _train_on(example, trace: Trace, updated, n_rounds: int) -> Rounds:
    """Rounds 2..N by the fast path, from the network the traced round left."""
    from tutor.progress import progress_bar

    update = progress_bar(n_rounds, "training")
    first = float(example.loss.value(updated.forward(example.x), example.target))

    def on_round(done: int, error: float) -> None:
        if done % 100 == 0 or done == n_rounds:
            update(done, n_rounds, error)

    try:
        return continue_rounds(
            updated,
            example.x,
            example.target,
            example.loss,
            example.learning_rate,
            [trace.value("E_total"), first],
            n_rounds - 1,
            on_round,
        )
    except TrainingDiverged as error:
        # train()'s epoch e starts from the network after round e: its forward pass tests round
        # e's update, its own update is round e + 1's.
        round_ = error.epoch + (error.quantity == "weights after the update")
        raise UsageError(
            f"--rounds {n_rounds}: training diverged in round {round_} ({error.detail}); "
            "try a smaller learning rate"
        ) from None


def step_error_summary(trace: Trace, precision: int) -> str:
    """The slides' punch line: E_total after the step (0.291027774 exactly, 0.291027924
    through the updated weights, the figure they print), each way's beside the one traced."""
    return f"Error after the step\n  {step_error_line(trace, precision)}\n"


def _shown_rounds(n: int) -> list[int]:
    step = max(1, n // SUMMARY_LINES)
    return sorted({0, 1, *range(step, n + 1, step), n})


def _rounds_meta(rounds: Rounds, variant: str | None) -> dict:
    shown = _shown_rounds(rounds.rounds)
    return {
        "rounds": rounds.rounds,
        "first_round": variant or "exact",
        "later_rounds": "exact (fast path)",
        "errors": [[r, rounds.errors[r]] for r in shown],
        "final_error": rounds.errors[-1],
        "final_outputs": rounds.outputs,
    }


def rounds_summary(rounds: Rounds, precision: int, variant: str | None = None) -> str:
    """The error every so often and at the end, and the final outputs, as text."""
    n = rounds.rounds
    how = f"the {variant} variant" if variant else "traced above"
    lines = [
        f"After {n} rounds (round 1 {how}; rounds 2..{n} by the fast path, exact)",
        "=" * 60,
        "  round  E_total",
    ]
    for r in _shown_rounds(n):
        lines.append(f"  {r:>5}  {format_number(rounds.errors[r], precision)}")
    outs = ", ".join(
        f"out_o{k + 1} = {format_number(v, precision)}" for k, v in enumerate(rounds.outputs)
    )
    lines.append(f"  outputs after round {n}: {outs}")
    return "\n".join(lines) + "\n"
