"""`backprop-tutor trace EXAMPLE`: print a traced training step."""

from __future__ import annotations

import argparse

from tutor.engine import format_number, get_example, traced_step


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("example", nargs="?", default="mazur", help="built-in example (mazur)")
    parser.add_argument("--precision", type=int, default=9, help="decimals shown (default 9)")


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError

    try:
        ex = get_example(args.example)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    trace, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate, title=ex.title)
    values = trace.as_dict()
    for v in trace:
        if v.phase == "given":
            continue
        line = f"{v.name} = {v.formula} = {v.substituted(values, args.precision)}"
        print(f"{line} = {format_number(v.value, args.precision)}")
    return 0
