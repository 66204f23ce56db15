"""Started in a lesson or the sandbox, the picker is built on leaving it, and works the same."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.tui.snapshot_app import make_app, make_sandbox_app, picker_ready
from tutor.tui.app import Backdrop
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.picker import PickerScreen
from tutor.tui.screens.sandbox import SandboxScreen


def picker_ids(app) -> list[str]:
    listing = app.screen.query_one("#lessons", OptionList)
    return [str(listing.get_option_at_index(i).id) for i in range(listing.option_count)]


async def test_leaving_a_lesson_opened_at_start_shows_the_picker_then_q_quits(private_data):
    app = make_app(private_data, start_lesson="mazur-test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert not any(isinstance(s, PickerScreen) for s in app.screen_stack)  # not built yet
        await pilot.press("right", "right", "q")
        assert isinstance(app.screen, PickerScreen)
        assert picker_ids(app)[:2] == ["resume", "lesson:mazur-test"]  # the progress was saved
        await pilot.press("q")
    assert app.return_code == 0  # the picker's q quits, as when it is the first screen


async def test_leaving_the_sandbox_opened_at_start_shows_the_picker(private_data):
    app = make_sandbox_app("mazur", private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SandboxScreen)
        await pilot.press("q")
        assert isinstance(app.screen, PickerScreen)
        await picker_ready(pilot)  # the lessons were not read: its worker reads them now
        assert "lesson:mazur-test" in picker_ids(app)
        await pilot.press("enter")  # the picker opens a lesson over itself, as always
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("q")
        assert isinstance(app.screen, PickerScreen)


async def test_an_unknown_start_lesson_leaves_the_picker_and_says_so(private_data):
    app = make_app(private_data, start_lesson="no-such-lesson")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert isinstance(app.screen_stack[0], Backdrop)
        assert any("no-such-lesson" in str(n.message) for n in app._notifications)
