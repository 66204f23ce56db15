"""`backprop-tutor derive EXAMPLE [--param w1]`: the chain rule derived by SymPy, with numbers."""

from __future__ import annotations

import argparse

from tutor.cli.ranges import PRECISION, whole
from tutor.engine.limits import MAX_SAMPLES
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
    parser.add_argument(
        "--precision", type=PRECISION, default=9, help="decimals shown (1 to 17, default 9)"
    )
    parser.add_argument(
        "--sample",
        type=whole(0, MAX_SAMPLES - 1),
        default=0,
        metavar="K",
        help="a batch example: derive the loss of sample K (0-based; default 0)",
    )
    parser.add_argument(
        "--expand",
        action="store_true",
        default=None,
        help="end each gradient with SymPy's fully expanded derivative (the default up to "
        "12 parameters; larger networks show the factored chain rule only)",
    )


def _example(args):
    from tutor.cli.loading import load_example
    from tutor.symbolic.variants import example

    hint = f"; or an activation: {', '.join(ACTIVATION_TARGETS)}"
    return _one_sample(load_example(args.network, args.example, example, hint), args.sample)


def _one_sample(ex, k: int):
    """A batch example's sample k (SymPy derives one sample's loss); one sample as it is."""
    import sys
    from dataclasses import replace

    from tutor.cli import UsageError

    if not ex.is_batch:
        return ex
    if not 0 <= k < ex.n_samples:
        raise UsageError(f"--sample: expected 0 to {ex.n_samples - 1}, got {k}")
    print(
        f"{ex.name} is a batch of {ex.n_samples} samples: derived here for sample {k}'s own "
        f"loss; the batch gradient is the {ex.loss.reduction} of the samples' gradients",
        file=sys.stderr,
    )
    return replace(ex, x=ex.x[k], target=ex.target[k], title=f"{ex.title}, sample {k}")


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
        from tutor.symbolic.structure import check_symbolic_limit, parameters, structure_of

        ex = _example(args)
        structure = structure_of(ex.network, ex.loss)
        try:
            check_symbolic_limit(structure)  # before SymPy loads: a refusal costs no import
        except TooLargeForSymbolic as error:
            raise UsageError(
                f"{error}; `backprop-tutor check` still checks every gradient numerically"
            ) from None
        if target is None:
            targets = ["forward"] + [p.name for p in parameters(structure)]
        else:
            targets = [target]
    from tutor.symbolic.derivation import derivation  # SymPy is imported from here on
    from tutor.symbolic.render import render

    try:
        derivations = [derivation(ex, t, expand=args.expand) for t in targets]
    except TooLargeForSymbolic as error:
        raise UsageError(
            f"{error}; `backprop-tutor check` still checks every gradient numerically"
        ) from None
    except (KeyError, ValueError) as error:
        raise UsageError(error.args[0]) from None
    print(render(derivations, args.format, args.precision), end="")
    return 0
