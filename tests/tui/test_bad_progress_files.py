"""Issue 9, item 10, in the TUI: wrong-shaped progress and settings files no longer crash."""

from __future__ import annotations

import json

from tests.tui.snapshot_app import make_app
from tutor.tui.screens.picker import PickerScreen

GOOD = {"version": 1, "lesson": "x", "position": [2, 0], "completed": [0, 1], "answers": {}}


def write(folder, name: str, content) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(content))


async def test_tui_opens_despite_a_wrong_shaped_progress_and_settings(tmp_path):
    """The launch that crashed: the picker reads settings and every lesson's progress."""
    write(tmp_path, "settings.json", {"last_lesson": ["x"]})
    for name in ("mazur-test", "slow-test"):
        write(tmp_path, f"lesson-{name}.json", {**GOOD, "answers": {"2": "x"}})
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # the first lesson, with its bad progress file
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert list(tmp_path.glob("lesson-mazur-test.json.corrupt-*"))
        assert list(tmp_path.glob("settings.json.corrupt-*"))
