"""LessonError: a problem in a lesson file, naming the file, the step and the field."""

from __future__ import annotations

from pathlib import Path

from tutor.errors import FileFormatError
from tutor.text_safety import escape_controls


class LessonError(FileFormatError):
    """A lesson file that cannot be used, and exactly where it goes wrong.

    `file` is the lesson file (or folder); `step` the step's number counted from 1
    (as `[[steps]]` tables appear in the file, and as `run --step K` counts), or None
    when the problem is not inside a step; `field` the dotted field (`steps[3].tolerance`,
    `figures[2].computed`, `id`) or None; `message` what was expected and what was found.
    """

    def __init__(
        self,
        file: Path | str | None,
        message: str,
        field: str | None = None,
        step: int | None = None,
    ):
        self.file = Path(file) if file is not None else None
        self.step = step
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(display_path(self.file))
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        # A file name or a quoted value may hold control characters: never print them raw.
        return escape_controls(": ".join(parts))


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
