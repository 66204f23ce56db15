"""`backprop-tutor worksheet`: a student's own network with blanks to fill, or its answer key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.cli import UsageError
from tutor.cli.output import write_file
from tutor.experiments.builtin_examples import EXAMPLES
from tutor.export import export


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `worksheet`."""
    parser.add_argument(
        "example",
        nargs="?",
        default=None,
        help=f"the template network, a built-in example ({', '.join(EXAMPLES)}); default mazur",
    )
    parser.add_argument("--network", metavar="FILE", help="take the template from a network file")
    parser.add_argument("--student", required=True, metavar="ID", help="the student's ID")
    parser.add_argument(
        "--course-seed", default="0", metavar="S", help="the course's seed (default 0)"
    )
    parser.add_argument("--shape", metavar="SIZES", help="layer sizes, e.g. 2-2-2 or 2-3-1")
    parser.add_argument(
        "--format", default="md", choices=("md", "tex", "json", "csv"), help="output format"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    parser.add_argument(
        "--values",
        metavar="LIST",
        help="blanks only for these phases (forward, error, backward, update) or value names",
    )
    parser.add_argument(
        "--answers", action="store_true", help="write the answer key (the student's trace)"
    )
    parser.add_argument(
        "--save-network",
        metavar="FILE",
        help="also write the student's network file (trace --network FILE gives the key)",
    )


def run(args: argparse.Namespace) -> int:
    """Draw the student's network, trace it, write the worksheet or the key."""
    from tutor.classroom.draw import DrawError, check_id, parse_shape, student_network_toml
    from tutor.classroom.worksheet import Sheet, render, select_values
    from tutor.cli.loading import load_example
    from tutor.experiments.builtin_examples import get_example
    from tutor.export.common import setup_line

    if args.network and args.example:
        raise UsageError("give a built-in example or --network FILE, not both")
    try:
        check_id(args.student, "--student")
        check_id(args.course_seed, "--course-seed")
        shape = parse_shape(args.shape) if args.shape else None
    except DrawError as error:
        raise UsageError(str(error)) from None
    if args.answers and args.format == "csv":
        raise UsageError("--answers with --format csv: the key is md, tex or json")
    template = load_example(args.network, args.example or "mazur", get_example)
    if shape is None:
        try:
            parse_shape("-".join(str(n) for n in template.network.sizes))
        except DrawError:
            raise UsageError(
                f"the template {template.name!r} is "
                f"{'-'.join(map(str, template.network.sizes))}, too big for a worksheet "
                "computed by hand; pick a smaller one with --shape, e.g. --shape 2-2-2"
            ) from None
    network_text = student_network_toml(template, args.student, args.course_seed, shape)
    name = Path(args.save_network).stem if args.save_network else "worksheet"
    trace = _trace(network_text, name)
    if args.answers:
        text = export(trace, args.format)
    else:
        try:
            blanks = select_values(trace, args.values)
        except ValueError as error:
            raise UsageError(str(error)) from None
        sheet = Sheet(
            title=trace.title,
            student=args.student,
            course_seed=args.course_seed,
            setup=setup_line(trace),
            given=trace.phase("given"),
            blanks=blanks,
        )
        text = render(sheet, args.format)
    if args.save_network:
        _write(args.save_network, network_text)
    if args.output is None:
        sys.stdout.write(text)
    else:
        _write(args.output, text)
        what = "answer key" if args.answers else "worksheet"
        print(f"wrote {args.output} ({what}, {args.format})", file=sys.stderr)
    return 0


def _trace(network_text: str, name: str):
    """The traced step of the network file text: what `trace --network` computes from it."""
    import tomllib

    from tutor.engine.netfile import NetFileError, parse_network
    from tutor.engine.variants import record_errors_after_step, trace_example_step

    try:
        example = parse_network(tomllib.loads(network_text), f"{name}.toml", name=name)
    except NetFileError as error:  # the template's structure is one a file cannot say
        raise UsageError(f"cannot draw this network: {error}") from None
    trace = trace_example_step(example)[0]
    record_errors_after_step(trace, example, None)  # as `trace --network` writes it
    return trace


def _write(path: str, text: str) -> None:
    write_file(path, text)
