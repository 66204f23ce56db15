"""`backprop-tutor derive EXAMPLE [--param w1]`: the chain rule derived by SymPy, with numbers."""

from __future__ import annotations

import argparse

from tutor.symbolic import ACTIVATION_TARGETS

FORMATS = ("text", "md", "tex", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "example",
        nargs="?",
        default="mazur",
        help="built-in example (mazur), or an activation to derive "
        f"({', '.join(ACTIVATION_TARGETS)})",
    )
    parser.add_argument(
        "--param",
        metavar="NAME",
        help="one parameter (w1, b1, b_h1), 'forward', or an activation; default: the forward "
        "pass and every parameter",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--network", metavar="FILE", help="derive the network of a TOML network file instead"
    )
    parser.add_argument("--precision", type=int, default=9, help="decimals shown (default 9)")


def _example(args):
    from tutor.cli.loading import load_example
    from tutor.symbolic.variants import example

    hint = f"; or an activation: {', '.join(ACTIVATION_TARGETS)}"
    return load_example(args.network, args.example, example, hint)


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError
    from tutor.symbolic.steps import TooLargeForSymbolic

    if not 1 <= args.precision <= 17:
        raise UsageError(f"--precision: expected 1 to 17 decimals, got {args.precision}")
    target = args.param
    if target is None and args.example in ACTIVATION_TARGETS and not args.network:
        target = args.example
    if target in ACTIVATION_TARGETS:
        ex, targets = None, [target]
    else:
        ex = _example(args)
        if target is None:
            from tutor.symbolic.structure import parameters, structure_of

            params = parameters(structure_of(ex.network, ex.loss))
            targets = ["forward"] + [p.name for p in params]
        else:
            targets = [target]
    from tutor.symbolic.derivation import derivation  # SymPy is imported from here on
    from tutor.symbolic.render import render

    try:
        derivations = [derivation(ex, t) for t in targets]
    except TooLargeForSymbolic as error:
        raise UsageError(
            f"{error}; `backprop-tutor check` still checks every gradient numerically"
        ) from None
    except (KeyError, ValueError) as error:
        raise UsageError(error.args[0]) from None
    print(render(derivations, args.format, args.precision), end="")
    return 0
