"""`backprop-tutor tui`: open the Textual tutor (the default with no subcommand)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        type=Path,
        action="append",
        help="also read the lessons in DIR (repeatable)",
    )
    parser.add_argument("--lesson", metavar="ID", help="open the lesson ID straight away")


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError
    from tutor.cli.lessons_cmd import check_lessons_option

    check_lessons_option(args.lessons)
    # Textual is imported only here: the headless subcommands never pay for it.
    from tutor.tui.app import TutorApp

    app = TutorApp(lessons_dirs=args.lessons, start_lesson=args.lesson)
    if args.lesson and all(lesson.id != args.lesson for lesson in app.lessons):
        known = ", ".join(lesson.id for lesson in app.lessons) or "none"
        raise UsageError(f"--lesson {args.lesson}: no such lesson; known: {known}")
    app.run()
    return 0
