"""`--lessons DIR`, the option of every command that reads a teacher's lessons too.

Apart from `lessons_cmd` so that `tui` (each class-server session among them) checks it
without loading the `lessons` command's listing code before its first paint.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_lessons_option(parser: argparse.ArgumentParser) -> None:
    """`--lessons DIR` (repeatable): a teacher's folder of lessons, added to the built-in ones."""
    parser.add_argument(
        "--lessons",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="also load the lessons in DIR (a folder of .toml files; repeatable)",
    )


def check_lessons_option(paths: list[Path] | None) -> None:
    """Every `--lessons` path is a folder or a file, else a UsageError (one line, exit 2)."""
    from tutor.cli import UsageError

    for path in paths or []:
        if not (path.is_dir() or path.is_file()):
            raise UsageError(f"--lessons {path}: no such folder or lesson file")
