"""`backprop-tutor progress`: what the student did per lesson and step; `--reset` one lesson."""

from __future__ import annotations

import argparse
import sys

from tutor.cli import UsageError
from tutor.cli.lessons_cmd import add_lessons_option, load_from_args
from tutor.cli.output import emit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `progress`."""
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    parser.add_argument("--lesson", metavar="ID", help="only this lesson")
    parser.add_argument("--reset", metavar="LESSON", help="clear one lesson's progress")
    parser.add_argument("--yes", action="store_true", help="--reset without asking")
    add_lessons_option(parser)


def run(args: argparse.Namespace) -> int:
    """Print or export the progress, or reset one lesson after a confirmation."""
    from tutor.classroom.progress_report import RENDERERS, read_progress, reset
    from tutor.lessons.progress_store import ProgressStore
    from tutor.paths import data_dir

    lessons = load_from_args(args).lessons
    store = ProgressStore(data_dir())
    known = {lesson.id: lesson for lesson in lessons}
    for option in ("reset", "lesson"):
        value = getattr(args, option)
        if value is not None and value not in known:
            raise UsageError(
                f"--{option} {value[:40]!r}: no such lesson; known: {', '.join(known)}"
            )
    if args.reset:
        return _reset(store, args, reset)
    chosen = [known[args.lesson]] if args.lesson else lessons
    text = RENDERERS[args.format]([read_progress(store, lesson) for lesson in chosen])
    return emit(text, args.output, args.format)


def _reset(store, args, reset) -> int:
    path = store.lesson_path(args.reset)
    if not path.exists():
        print(f"lesson {args.reset}: no progress to clear", file=sys.stderr)
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(f"--reset {args.reset}: add --yes to confirm (no terminal to ask)")
        reply = input(f"Clear all progress of lesson {args.reset}? [y/N] ")
        if reply.strip().lower() not in ("y", "yes"):
            print("nothing cleared", file=sys.stderr)
            return 1
    reset(store, args.reset)
    print(f"lesson {args.reset}: progress cleared ({path})", file=sys.stderr)
    return 0
