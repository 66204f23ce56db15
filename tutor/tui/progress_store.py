"""The student's progress per lesson, kept as small JSON files written atomically.

A file that cannot be read is renamed `NAME.corrupt-<timestamp>` and replaced by a
fresh start; the notice is kept for the app to show. Nothing here raises on bad files.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from tutor.atomic import write_text_atomic

VERSION = 1


@dataclass
class LessonProgress:
    """Where the student is in one lesson, what is done, and the answers given."""

    lesson: str
    position: list[int] = field(default_factory=lambda: [0, 0])  # [step index, value index]
    completed: set[int] = field(default_factory=set)
    answers: dict[str, dict] = field(default_factory=dict)  # step index → {answer, correct, tries}
    # step index → {"seen": time, "answered": time}, UTC ISO 8601 (for `backprop-tutor progress`)
    times: dict[str, dict[str, str]] = field(default_factory=dict)

    def touch(self, step_index: int, what: str = "seen") -> None:
        """Record that step `step_index` was just seen (or answered)."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.times.setdefault(str(step_index), {})[what] = stamp

    def to_json(self) -> dict:
        """The JSON object stored on disk."""
        return {
            "version": VERSION,
            "lesson": self.lesson,
            "position": list(self.position),
            "completed": sorted(self.completed),
            "answers": self.answers,
            "times": self.times,
        }

    @classmethod
    def from_json(cls, lesson: str, data: dict) -> LessonProgress:
        """Validate and read the stored object; ValueError when it is not one of ours."""
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("not a progress file of this version")
        position = data.get("position", [0, 0])
        completed = data.get("completed", [])
        answers = data.get("answers", {})
        ok = (
            isinstance(position, list)
            and len(position) == 2
            and all(isinstance(p, int) and p >= 0 for p in position)
            and isinstance(completed, list)
            and all(isinstance(c, int) for c in completed)
            and isinstance(answers, dict)
        )
        if not ok:
            raise ValueError("malformed progress fields")
        progress = cls(lesson, list(position), set(completed), dict(answers))
        progress.times = read_times(data.get("times", {}))  # optional: older files have none
        return progress


def read_times(times) -> dict[str, dict[str, str]]:
    """The `times` of a progress file, checked; ValueError when its shape is not ours."""
    ok = isinstance(times, dict) and len(times) <= 100_000
    for key, record in times.items() if ok else ():
        ok = ok and isinstance(key, str) and key.isdigit() and isinstance(record, dict)
        ok = ok and all(
            what in ("seen", "answered") and isinstance(stamp, str) and len(stamp) <= 40
            for what, stamp in record.items()
        )
    if not ok:
        raise ValueError("times: expected step number → {seen, answered} times")
    return {key: dict(record) for key, record in times.items()}


class ProgressStore:
    """Reads and writes progress files under `folder` (the user's data directory)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.notices: list[str] = []  # messages for the student (set-aside files, write errors)

    def _path(self, name: str) -> Path:
        return self.folder / f"{re.sub(r'[^a-z0-9_-]', '_', name.lower())}.json"

    def _read(self, path: Path):
        """Parsed JSON of `path`, None if absent; a corrupt file is set aside."""
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            self._set_aside(path)
            return None

    def _set_aside(self, path: Path) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        try:
            path.replace(target)
            self.notices.append(f"Progress file {path.name} was unreadable; set aside as {target}")
        except OSError as error:
            self.notices.append(f"Progress file {path.name} is unreadable ({error}); ignoring it")

    def _write(self, path: Path, data: dict) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        except OSError as error:
            self.notices.append(f"Could not save progress to {path}: {error}")

    def load(self, lesson: str) -> LessonProgress:
        """The progress of `lesson`; a fresh one when absent or unreadable."""
        path = self._path(f"lesson-{lesson}")
        data = self._read(path)
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
        data = self._read(self._path("settings"))
        if data is not None and not isinstance(data, dict):
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
