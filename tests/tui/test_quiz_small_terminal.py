"""A quiz below a long question in a small terminal (80×24, the network pane above): its options
are scrolled into sight, and PageUp/PageDown page the step between question and options."""

from __future__ import annotations

from textual.widgets import OptionList

from tutor.tui.app import TutorApp
from tutor.tui.widgets.step_view import StepView


def visible(view: StepView, widget) -> bool:
    """Whether all of `widget` lies inside the step pane's visible region."""
    return view.region.contains_region(widget.region)


async def test_the_options_are_in_sight_and_page_up_shows_the_question(private_data):
    app = TutorApp(data_dir=private_data, start_lesson="two-hidden-layers", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("14")  # the 106/275 quiz: a long question, long options
        await pilot.pause()
        if screen.frame.step.instructor:  # an instructor note, shown collapsed: i expands it
            await pilot.press("i")
        await pilot.pause()
        await pilot.pause()
        view = screen.query_one(StepView)
        quiz = view.query_one("#quiz", OptionList)
        title = view.query_one("#step-title")
        assert app.focused is quiz
        assert visible(view, quiz) and not visible(view, title)
        await pilot.press("pageup")
        await pilot.pause()
        assert view.scroll_y == 0 and visible(view, title) and app.focused is quiz
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_y > 0
        await pilot.press("enter")  # the highlighted first option
        assert screen.progress.answers["13"] == {"choice": 0, "correct": True}
