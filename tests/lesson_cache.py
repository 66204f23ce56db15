"""The course's own lesson files parsed once per test process, not once per command.

Every `run`, `verify`, `lessons` or `worksheet` a test calls in-process loads all the built-in
lessons (`load_lessons`): ~60 ms of TOML parsing and checking for the ten files, some 200 times
in the suite outside the TUI. The files never change during a run, and `Lesson` is a frozen
dataclass, so each file's `Lesson` is read by the real `load_lesson` once and shared.

Only files of the built-in lessons folder are remembered, keyed by their size, modification
time and inode: a teacher's folder, a test's temporary file and anything damaged or replaced
are read afresh. Tests that import `load_lesson` itself (the loader's own tests) call the real
function; this replaces only the one `load_lessons` calls.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.lessons import loader
from tutor.lessons.model import Lesson
from tutor.paths import lessons_dir


@pytest.fixture(autouse=True, scope="session")
def builtin_lessons_parsed_once() -> Iterator[dict]:
    """Replace `loader.load_lesson` by a memo over the built-in lesson files (see above)."""
    real = loader.load_lesson
    folder = lessons_dir().resolve()
    parsed: dict[tuple, Lesson] = {}

    def load_lesson(path: Path | str) -> Lesson:
        try:
            stat = os.stat(path)
            key = (Path(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
        except OSError:
            return real(path)
        if Path(path).resolve().parent != folder:
            return real(path)
        if key not in parsed:
            parsed[key] = real(path)
        return parsed[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load_lesson", load_lesson)
        yield parsed
