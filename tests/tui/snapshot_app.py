"""The app factory for TUI tests: test lessons, a fixed data folder, the tiny experiments."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.tui.tiny_experiments import register
from tutor.tui.app import TutorApp

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"


def make_app(
    data_dir: Path | None = None, start_lesson: str | None = None, preload: bool = True
) -> TutorApp:
    """A TutorApp on the fixture lessons, with its own empty data folder, cursor not blinking.

    `preload`: the lessons are read before the app runs, so a key pressed at once finds the
    picker filled (the app itself reads them in a worker after the picker's first paint;
    tests/tui/test_picker_loading.py and the picker snapshot take that path).
    """
    register()
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="tutor-tui-"))
    app = TutorApp(
        lessons_dirs=[LESSONS],
        builtin_lessons=False,
        data_dir=folder,
        start_lesson=start_lesson,
        cursor_blink=False,
    )
    if preload:
        app.load_lessons_now()
    return app


def make_sandbox_app(name: str = "mazur", data_dir: Path | None = None) -> TutorApp:
    """A TutorApp opened on the sandbox (`backprop-tutor play NAME`), fixture lessons behind it."""
    from tutor import sandbox as sb

    register()
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="tutor-tui-"))
    return TutorApp(
        lessons_dirs=[LESSONS],
        builtin_lessons=False,
        data_dir=folder,
        cursor_blink=False,
        start_sandbox=sb.open_named(name),
    )


async def picker_ready(pilot) -> None:
    """Wait until the picker shows the lessons its worker reads after the first paint."""
    for _ in range(1000):
        if pilot.app.lessons_loaded:
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def folder_app(folder, data_dir):
    """The tutor on one folder of lessons only (a teacher's), with a private data folder."""
    return TutorApp(lessons_dirs=[Path(folder)], builtin_lessons=False, data_dir=data_dir)


async def open_listed_lesson(pilot):
    """From the picker, open the lesson under the cursor once it is listed; its screen."""
    await picker_ready(pilot)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen
