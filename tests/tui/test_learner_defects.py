"""Issue 9's defects a new learner met in the TUI (items 17–20, 26–31), each driven by keys."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Static

from tutor.tui.app import TutorApp


def text_of(app, selector: str, width: int = 200) -> str:
    """The plain text a Static shows, rendered `width` wide."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def builtin(private_data, lesson: str) -> TutorApp:
    return TutorApp(data_dir=private_data, start_lesson=lesson, cursor_blink=False)


async def test_the_network_shows_the_weights_the_step_uses(private_data):
    """Item 17: at dE_o1/dout_h1 = delta_o1·w5 the panel shows w5 = 0.4, not the updated 0.3589."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("dE_o1/dout_h1")
        await pilot.pause()
        assert "w5+" in {n for f in screen.frames[: screen.index] for n in f.shown}
        network = text_of(app, "#network")
        assert "w5 0.4 " in network and "0.3589" not in network
        assert screen.jump_to("dE_total/dout_h1")  # w5 and w7 reach it through the deltas
        await pilot.pause()
        network = text_of(app, "#network")
        assert "w5 0.4 " in network and "w7 0.5 " in network and "0.3589" not in network
        assert screen.jump_to("w6+")  # a step that does not use w5: its update shows
        await pilot.pause()
        assert "w5 0.3589" in text_of(app, "#network")


async def test_lesson_keys_are_not_typed_into_the_answer_box(private_data):
    """Item 19: with the box focused, g q ? f go to the lesson; e is the phase key until digits."""
    from textual.widgets import Input

    from tests.tui.snapshot_app import make_app

    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        await pilot.press("right", "right", "right")
        assert screen.frame.name == "out_h1" and isinstance(app.focused, Input)
        footer_keys = {b.key for (_, b, enabled, _) in screen.active_bindings.values()}
        assert {"g", "q", "question_mark"} <= footer_keys
        await pilot.press("g")
        await pilot.pause()
        assert type(app.screen).__name__ == "GotoScreen"
        await pilot.press("escape")
        await pilot.pause()
        box = screen.query_one("#answer", Input)
        screen.set_focus(box)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen" and box.value == ""
        await pilot.press("escape")
        await pilot.pause()
        screen.set_focus(box)
        await pilot.press(*"5.9327", "e", "-", "1")
        assert box.value == "5.9327e-1"  # after digits, e is the exponent
        box.value = ""
        await pilot.press("e")  # on an empty box: the error phase
        assert screen.frame.name == "E_o1" and box.value == ""


async def test_after_a_jump_the_keys_keep_jumping(private_data):
    """Item 19: `u` lands on a predict step with its box focused; `e` and `f` still jump."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("u")
        await pilot.pause()
        assert screen.frame.phase == "update"
        await pilot.press("e")
        assert screen.frame.phase == "error"
        await pilot.press("f")
        assert screen.frame.phase == "forward"
        assert screen.query_one("#answer").value == ""


async def test_a_long_answer_is_capped(private_data):
    """Item 20: the box holds at most 40 characters; a long paste is cut, the echo stays short."""
    from tutor.tui.widgets.step_view import ANSWER_LENGTH

    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("net_h1")
        await pilot.pause()
        box = screen.query_one("#answer")
        screen.set_focus(box)
        await pilot.press(*("1" * 100))
        assert len(box.value) == ANSWER_LENGTH
        box.value = ""
        box._on_paste(__import__("textual").events.Paste("9" * 5000))
        assert box.value == "9" * ANSWER_LENGTH
        await pilot.press("enter")
        await pilot.pause()
        feedback = text_of(app, "#feedback", width=80)
        assert len(feedback.strip().splitlines()) <= 4


async def test_hints_are_true_and_the_placeholder_asks_for_a_format(private_data):
    """Issue 12: 0.5933 for out_h1 is measured, not diagnosed; the box never shows a value."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("out_h1")
        await pilot.pause()
        box = screen.query_one("#answer")
        assert box.placeholder == "a number to 6 decimals"
        screen.set_focus(box)
        await pilot.press(*"0.5933", "enter")
        feedback = text_of(app, "#feedback")
        assert "0.5933 agrees to 4 decimals; give 6." in feedback
        assert "minus sign" not in feedback and "Squash" not in feedback
        await pilot.press(*"0.406730", "enter")  # σ(+net_h1): the exponent's sign dropped
        assert "The minus sign matters" in text_of(app, "#feedback")
        assert screen.jump_to("net_h1")
        await pilot.pause()
        assert screen.query_one("#answer").placeholder == "a number to 4 decimals"


async def test_a_figure_that_agrees_is_not_labelled_errata(private_data):
    """Item 30: 8-3-8 steps 5 and 6 reproduce their figures: 'figure check', not 'errata'."""
    app = builtin(private_data, "encoder-838")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for step in ("5", "6"):
            assert screen.jump_to(step)
            await pilot.pause()
            assert "figure check" in screen.sub_title and "errata" not in screen.sub_title
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.jump_to("23")  # the slides' E_o1 line: a true erratum
        await pilot.pause()
        assert "erratum" in app.screen.sub_title


async def test_the_palette_has_one_entry_per_thing_and_the_headers_words(private_data):
    """Item 29: no 'Keys' beside 'Help: keys', no 'Theme' beside 'Theme: dark'; 'given'."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        commands = list(app.get_system_commands(screen))
        titles = [c.title for c in commands]
        assert "Help: keys" in titles and "Keys" not in titles
        assert "Theme: dark" in titles and "Theme" not in titles
        assert len(titles) == len(set(titles))
        assert screen.jump_to("2")
        await pilot.pause()
        step2 = next(c for c in commands if c.title.startswith("Go to step 2:"))
        header = screen.sub_title.split(" · ")[-1]
        assert header == "given" and step2.help.startswith("given ·")
        assert "reveal" not in step2.help
