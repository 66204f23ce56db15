"""`backprop-tutor tui`: open the Textual tutor (the default with no subcommand)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lessons", metavar="DIR", type=Path, help="read lessons from DIR")
    parser.add_argument("--lesson", metavar="ID", help="open the lesson ID straight away")


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError

    if args.lessons is not None and not args.lessons.is_dir():
        raise UsageError(f"--lessons {args.lessons}: not a folder")
    # Textual is imported only here: the headless subcommands never pay for it.
    from tutor.tui.app import TutorApp

    app = TutorApp(lessons_dir=args.lessons, start_lesson=args.lesson)
    if args.lesson and all(lesson.id != args.lesson for lesson in app.lessons):
        known = ", ".join(lesson.id for lesson in app.lessons) or "none"
        raise UsageError(f"--lesson {args.lesson}: no such lesson; known: {known}")
    app.run()
    return 0
