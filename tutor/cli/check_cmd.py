"""`backprop-tutor check EXAMPLE`: every gradient three ways, disagreements flagged."""

from __future__ import annotations

import argparse
import textwrap

from tutor.cli.ranges import real
from tutor.engine.trace import format_number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tutor.symbolic.variants import VARIANTS, example_names

    parser.add_argument(
        "example",
        nargs="?",
        default="mazur",
        help=f"network to check: {', '.join(example_names())}",
    )
    parser.add_argument(
        "--variant",
        metavar="NAME",
        help="check a known-wrong computation: "
        + "; ".join(f"{name}: {text}" for name, (text, _) in VARIANTS.items()),
    )
    parser.add_argument(
        "--network", metavar="FILE", help="check the network of a TOML network file instead"
    )
    parser.add_argument(
        "--tolerance",
        type=real(0, 1, low_open=True, high_open=True),
        default=1e-6,
        help="largest relative error accepted between two ways, in (0, 1) (default 1e-6)",
    )


def _example(args):
    """The example or network file the arguments name, its variant applied (NotFound if none)."""
    from tutor.cli.loading import load_example
    from tutor.symbolic.variants import example, with_variant

    if args.network:
        return with_variant(load_example(args.network, "", example), args.variant)
    return example(args.example, args.variant)


WIDTH = 80  # the table and its notes fit a default terminal
# Above this many parameters the finite differences alone take minutes (MNIST: 101,770).
CHECK_LIMIT = 2000


def _number(x: float | None) -> str:
    return "—" if x is None else f"{x:.8g}"


def _error(x: float | None) -> str:
    return "—" if x is None else f"{x:.1e}"


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, subsequent_indent="  ", break_on_hyphens=False)


def format_report(result, variant_note: str | None = None, example_note: str = "") -> str:
    """The check as a table, one row per parameter, disagreements named below it."""
    lines = [*_wrapped(result.title), f"E_total = {format_number(result.loss_value)}"]
    if example_note:
        lines += _wrapped(f"note: {example_note}")
    if variant_note:
        lines += _wrapped(f"variant: {variant_note}")
    lines += _wrapped(
        "relative error = |a − b| / max(|a|, |b|, 1e-4); finite difference: 4th-order "
        "central, h = 1e-4; ✗ marks a relative error above the tolerance"
    )
    if result.symbolic_note:
        lines += _wrapped(result.symbolic_note)
    lines.append("")
    wide = max([5] + [len(row.name) + row.frozen for row in result.rows]) + 1
    lines.append(f"{'':<{wide}}{'∂E_total/∂param, three ways':^45}{'relative errors':^24}")
    header = (
        f"{'param':<{wide}}{'symbolic':>15}{'backprop':>15}{'finite diff':>15}"
        f"{'bp-sym':>8}{'bp-fd':>8}{'sym-fd':>8}"
    )
    lines += [header, "─" * (len(header) + 4)]
    for row in result.rows:
        e = row.errors
        flag = "✗" if row.flagged else "ok"
        name = row.name + ("*" if row.frozen else "")
        lines.append(
            f"{name:<{wide}}{_number(row.symbolic):>15}{_number(row.backprop):>15}"
            f"{_number(row.finite_difference):>15}"
            f"{_error(e.get(('backprop', 'symbolic'))):>8}"
            f"{_error(e.get(('backprop', 'finite_difference'))):>8}"
            f"{_error(e.get(('symbolic', 'finite_difference'))):>8}  {flag}"
        )
    if any(row.frozen for row in result.rows):
        lines.append("* frozen: the gradient is checked, though the step never applies it")
    lines.append("")
    bad = result.disagreements
    if not bad:
        lines.append(
            f"all {len(result.rows)} gradients agree within {result.tolerance:g} (relative)"
        )
    else:
        names = ", ".join(row.name for row in bad)
        lines += _wrapped(
            f"DISAGREEMENT in {len(bad)} of {len(result.rows)} gradients "
            f"(tolerance {result.tolerance:g}): {names}"
        )
        worst = max(bad, key=lambda row: row.worst[1])
        (a, b), size = worst.worst
        lines.append(
            f"largest: {worst.name}, {a.replace('_', ' ')} vs {b.replace('_', ' ')}, "
            f"relative error {size:.3g}"
        )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError
    from tutor.symbolic.gradcheck import check_gradients
    from tutor.symbolic.variants import VARIANTS

    if not 0 < args.tolerance < 1:  # also refuses nan
        raise UsageError(
            f"--tolerance: expected a relative error between 0 and 1, got {args.tolerance}"
        )
    ex = _example(args)
    if ex.network.n_parameters > CHECK_LIMIT:
        raise UsageError(
            f"{ex.name} has {ex.network.n_parameters} parameters, above the check's limit of "
            f"{CHECK_LIMIT} (four forward passes each for the finite differences)"
        )
    result = check_gradients(
        ex.network, ex.x, ex.target, ex.loss, title=ex.title, tolerance=args.tolerance
    )
    note = None
    if args.variant:
        note = (
            VARIANTS[args.variant][0]
            if args.variant in VARIANTS
            else (f"{args.variant} changes how a step is traced, not the gradients checked here")
        )
    print(format_report(result, note, ex.note), end="")
    return 0 if result.ok else 1
