"""The picker paints before the lessons are read, then fills in from its worker."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.tui.snapshot_app import make_app, picker_ready
from tutor.tui.screens.picker import LOADING


def option_prompts(app) -> list[str]:
    """Each option's id, or its text when it has none (the loading line)."""
    listing = app.screen.query_one("#lessons", OptionList)
    options = [listing.get_option_at_index(i) for i in range(listing.option_count)]
    return [option.id or str(option.prompt) for option in options]


async def test_the_first_picture_says_loading_then_the_worker_fills_the_same_list(private_data):
    app = make_app(private_data, preload=False)
    assert not app.lessons_loaded  # constructing the app reads no lesson file
    async with app.run_test(size=(80, 24)) as pilot:
        first = option_prompts(app)
        await picker_ready(pilot)
        filled = option_prompts(app)
        assert any(x.startswith("lesson:") for x in filled)
    assert first == [LOADING]
    assert app.lessons_loaded and len(app.lessons) >= 1
    preloaded = make_app(private_data)
    async with preloaded.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert option_prompts(preloaded) == filled  # the same entries as a synchronous load


async def test_enter_after_loading_opens_the_first_lesson(private_data):
    app = make_app(private_data, preload=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await picker_ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "LessonScreen"
