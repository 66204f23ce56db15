"""`backprop-tutor tui`: open the Textual tutor (the default with no subcommand)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# A driver that is not the terminal's (textual-serve's web driver sets TEXTUAL_DRIVER for the
# app it starts) talks over pipes: then stdin and stdout are not terminals, and that is right.
SERVED_ENV = "TEXTUAL_DRIVER"


def terminal_problem(stdin=None, stdout=None, environ=None) -> str | None:
    """Why the TUI cannot run here (stdin or stdout not a terminal), or None when it can."""
    environ = os.environ if environ is None else environ
    if environ.get(SERVED_ENV):
        return None  # served (e.g. in a browser): the driver does not need a terminal
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    missing = [
        name
        for name, stream in (("stdin", stdin), ("stdout", stdout))
        if not (stream is not None and stream.isatty())
    ]
    if missing:
        verb = "is not a terminal" if len(missing) == 1 else "are not terminals"
        return (
            f"the tutor needs a terminal, but {' and '.join(missing)} {verb}; "
            "for a file or a pipe use a headless command (trace, run, lessons)"
        )
    return None


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
    from tutor.cli.lessons_option import check_lessons_option

    check_lessons_option(args.lessons)
    # Textual is imported only here: the headless subcommands never pay for it.
    from tutor.tui.app import TutorApp

    app = TutorApp(lessons_dirs=args.lessons, start_lesson=args.lesson)
    if args.lesson and all(lesson.id != args.lesson for lesson in app.lessons):
        known = ", ".join(lesson.id for lesson in app.lessons) or "none"
        raise UsageError(f"--lesson {args.lesson}: no such lesson; known: {known}")
    problem = terminal_problem()
    if problem:
        raise UsageError(problem)
    app.run()
    return 0
