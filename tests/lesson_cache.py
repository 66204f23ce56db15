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

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.lessons import loader
from tutor.lessons.model import Lesson
from tutor.paths import lessons_dir

_REAL_LOAD_LESSON = loader.load_lesson
# (path, size, mtime, inode) → the Lesson read from it; one per test process, shared by the
# modules that read the lessons at collection (`load_builtin_lessons`) and the session fixture.
_PARSED: dict[tuple, Lesson] = {}


@functools.cache
def _builtin_folder() -> Path:
    return lessons_dir().resolve()


def _load_lesson_once(path: Path | str) -> Lesson:
    """`load_lesson`, remembered for the built-in lesson files (see the module's docstring)."""
    try:
        stat = os.stat(path)
        key = (Path(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError:
        return _REAL_LOAD_LESSON(path)
    if Path(path).resolve().parent != _builtin_folder():
        return _REAL_LOAD_LESSON(path)
    if key not in _PARSED:
        _PARSED[key] = _REAL_LOAD_LESSON(path)
    return _PARSED[key]


def load_builtin_lessons() -> loader.LoadResult:
    """`load_lessons()` with each built-in file read once per process: for a test module that
    reads the lessons when it is collected (before the session fixture below is set up)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load_lesson", _load_lesson_once)
        return loader.load_lessons()


@pytest.fixture(autouse=True, scope="session")
def builtin_lessons_parsed_once() -> Iterator[dict]:
    """Replace `loader.load_lesson` by a memo over the built-in lesson files (see above)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load_lesson", _load_lesson_once)
        yield _PARSED
