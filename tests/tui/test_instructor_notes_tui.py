"""Instructor notes in the TUI: collapsed to one line, i expands, I skips them (remembered)."""

from __future__ import annotations

from tests.instructor_lesson import write_lesson
from tests.tui.test_pilot import text_of
from tutor.tui.screens.lesson import LessonScreen


def make(private_data, tmp_path):
    from tutor.tui.app import TutorApp

    folder = write_lesson(tmp_path / "lessons")
    return TutorApp(
        lessons_dirs=[folder],
        builtin_lessons=False,
        data_dir=private_data,
        start_lesson="notes",
        cursor_blink=False,
    )


async def test_a_note_is_collapsed_and_i_expands_it(private_data, tmp_path):
    app = make(private_data, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        await pilot.press("right")
        assert screen.frame.step_index == 1
        title = text_of(app, "#step-title")
        assert "Instructor note: Stream order — press i to expand" in title
        assert not app.screen.query_one("#prose").display  # the forensic text stays hidden
        assert "instructor note" in screen.sub_title
        await pilot.press("i")
        await pilot.pause()
        assert text_of(app, "#step-title").strip() == "Stream order"
        assert app.screen.query_one("#prose").display
        await pilot.press("i")  # and closed again
        await pilot.pause()
        assert "press i to expand" in text_of(app, "#step-title")


async def test_capital_i_skips_every_note_and_is_remembered(private_data, tmp_path):
    app = make(private_data, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("I", "right")
        assert screen.frame.step_index == 2  # the note is skipped going forward
        await pilot.press("left")
        assert screen.frame.step_index == 0  # and back
        assert app.store.settings()["hide_instructor"] is True
    app = make(private_data, tmp_path)  # a new session keeps the choice
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("home", "right")
        assert screen.frame.step_index == 2
        await pilot.press("I", "left")  # shown again, collapsed
        assert screen.frame.step_index == 1
        assert "press i to expand" in text_of(app, "#step-title")
