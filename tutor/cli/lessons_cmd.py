"""`backprop-tutor lessons`: list the lessons, and say which files failed to load and why."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING

from tutor.cli.lessons_option import add_lessons_option, check_lessons_option

if TYPE_CHECKING:  # the loader is imported when lessons are read: `tui` paints before that
    from tutor.lessons.loader import LoadResult


def load_from_args(args: argparse.Namespace) -> LoadResult:
    """The built-in lessons plus those of every `--lessons DIR` (a bad DIR: UsageError)."""
    from tutor.lessons.loader import default_dirs, load_lessons

    check_lessons_option(args.lessons)
    return load_lessons(default_dirs(args.lessons))


def print_errors(result: LoadResult, stream=None) -> None:
    """The load errors, one per line, after a heading."""
    stream = stream or sys.stdout
    if result.errors:
        print(f"\n{len(result.errors)} lesson file(s) could not be loaded:", file=stream)
        for error in result.errors:
            print(f"  {error}", file=stream)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_lessons_option(parser)
    parser.add_argument(
        "--notation", action="store_true", help="print the notation card (net, out, δ, η, ∂, …)"
    )


def run(args: argparse.Namespace) -> int:
    if args.notation:
        from tutor.lessons.notation_card import notation_lines

        print("\n".join(notation_lines()))
        return 0
    result = load_from_args(args)
    rows = [
        (
            str(lesson.order),
            lesson.id,
            lesson.title,
            str(len(lesson.steps)),
            str(len(lesson.figures)),
        )
        for lesson in result.lessons
    ]
    header = ("#", "id", "title", "steps", "figs")
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    # Fit 80 columns: a long (teacher's) title is cut rather than wrapping every row.
    room = 80 - sum(widths) + widths[2] - 2 * (len(header) - 1)
    if widths[2] > room:
        rows = [
            r[:2] + (r[2] if len(r[2]) <= room else r[2][: room - 1] + "…",) + r[3:] for r in rows
        ]
        widths[2] = room
    align = [str.rjust, str.ljust, str.ljust, str.rjust, str.rjust]
    print("  ".join(align[k](header[k], widths[k]) for k in range(len(header))).rstrip())
    for lesson, row in zip(result.lessons, rows):
        print("  ".join(align[k](row[k], widths[k]) for k in range(len(row))).rstrip())
        indent = " " * (widths[0] + 2)
        print(textwrap.fill(lesson.summary, 80, initial_indent=indent, subsequent_indent=indent))
    if not result.lessons:
        print("(no lessons found)")
    print_errors(result)
    return 1 if result.errors else 0
