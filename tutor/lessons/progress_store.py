"""The student's progress per lesson, kept as small JSON files written atomically.

A file that cannot be read, or whose shape is not ours (wrong types, NaN or infinite
numbers, nesting), is renamed `NAME.corrupt-<timestamp>` and replaced by a fresh start;
the notice is kept for the app to show. Nothing here raises on bad files. Files are
read through `tutor.safe_files` (regular files only; progress 4 MiB, settings 64 KiB).
"""

from __future__ import annotations

import math
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.safe_files import InputRefused, read_regular

if TYPE_CHECKING:
    from tutor.lessons.lesson_progress import LessonProgress


def __getattr__(name: str):
    """`LessonProgress` is defined in `tutor.lessons.lesson_progress`, loaded when first asked
    for (here too, where its readers import it from): the store alone reads the settings."""
    if name == "LessonProgress":
        from tutor.lessons.lesson_progress import LessonProgress

        return LessonProgress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_json_scalar(value) -> bool:
    """A string, true/false, whole number or finite number: what an unknown field may hold."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | bool | int) or value is None


# Settings the app reads, and the types they must have.
SETTINGS_FIELDS: dict[str, type] = {"last_lesson": str, "theme": str, "hide_instructor": bool}


def settings_problem(data) -> str | None:
    """What is wrong with a parsed settings file, or None."""
    if not isinstance(data, dict):
        return "expected a JSON object"
    for name, value in data.items():
        expected = SETTINGS_FIELDS.get(name)
        ok = isinstance(value, expected) if expected else is_json_scalar(value)
        if not ok:
            return f"{name}: unexpected value {value!r:.40}"
    return None


def _refuse_constant(name: str):
    """json.loads calls this for NaN, Infinity and -Infinity, which progress never holds."""
    raise ValueError(f"{name} is not a number a progress file holds")


def _has_non_finite(data) -> bool:
    """True when a number in the parsed JSON overflowed to infinity (e.g. 1e400)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


MAX_SET_ASIDE = 1000  # files set aside under one name in one second


def _reserve_corrupt_name(path: Path) -> Path:
    """A new name `NAME.corrupt-<time>` (then `-2`, `-3`, … within the same second) beside
    `path`, reserved by creating it empty with O_EXCL: a file set aside in the same second, by
    this process or another, keeps its own name instead of being overwritten."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, MAX_SET_ASIDE + 1):
        target = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return target
    raise FileExistsError(f"{MAX_SET_ASIDE} files already set aside as {path.name}.corrupt-{stamp}")


class ProgressStore:
    """Reads and writes progress files under `folder` (the user's data directory)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.notices: list[str] = []  # messages for the student (set-aside files, write errors)

    def _path(self, name: str) -> Path:
        return self.folder / f"{re.sub(r'[^a-z0-9_-]', '_', name.lower())}.json"

    def _read(self, path: Path, kind: str = "progress"):
        """Parsed JSON of `path`, None if absent; a corrupt file is set aside."""
        try:
            text = read_regular(path, kind).decode("utf-8")
            import json  # here: a first start, with no settings file yet, never needs it

            data = json.loads(text, parse_constant=_refuse_constant)
            if _has_non_finite(data):
                raise ValueError("a number too large for a progress file")
            return data
        except FileNotFoundError:
            return None
        except (OSError, InputRefused, UnicodeDecodeError, ValueError, RecursionError):
            # ValueError covers json.JSONDecodeError; RecursionError: nesting too deep.
            self._set_aside(path)
            return None

    def _set_aside(self, path: Path) -> None:
        what = "Settings file" if path.stem == "settings" else "Progress file"
        try:
            target = _reserve_corrupt_name(path)
        except OSError as error:
            self.notices.append(f"{what} {path.name} is unreadable ({error}); ignoring it")
            return
        try:
            path.replace(target)  # onto the empty file that reserved the name
            self.notices.append(f"{what} {path.name} was unreadable; set aside as {target}")
        except OSError as error:
            target.unlink(missing_ok=True)
            self.notices.append(f"{what} {path.name} is unreadable ({error}); ignoring it")

    def _write(self, path: Path, data: dict) -> None:
        import json

        from tutor.atomic import write_text_atomic  # not needed to read: the TUI paints first

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        except OSError as error:
            self.notices.append(f"Could not save progress to {path}: {error}")

    def load(self, lesson: str) -> LessonProgress:
        """The progress of `lesson`; a fresh one when absent or unreadable."""
        from tutor.lessons.lesson_progress import LessonProgress

        path = self._path(f"lesson-{lesson}")
        data = self._read(path, "progress")
        if data is None:
            return LessonProgress(lesson)
        try:
            return LessonProgress.from_json(lesson, data)
        except ValueError:
            self._set_aside(path)
            return LessonProgress(lesson)

    def lesson_path(self, lesson: str) -> Path:
        """The progress file of `lesson`."""
        return self._path(f"lesson-{lesson}")

    def save(self, progress: LessonProgress) -> None:
        """Write one lesson's progress atomically."""
        self._write(self._path(f"lesson-{progress.lesson}"), progress.to_json())

    def settings(self) -> dict:
        """The app's own state (last lesson, theme)."""
        data = self._read(self._path("settings"), "settings")
        if data is not None and settings_problem(data):
            self._set_aside(self._path("settings"))
            return {}
        return data or {}

    def save_settings(self, **changes) -> None:
        """Merge `changes` into the settings file."""
        data = self.settings()
        data.update(changes)
        self._write(self._path("settings"), data)

    def take_notices(self) -> list[str]:
        """The pending notices, emptied."""
        notices, self.notices = self.notices, []
        return notices
