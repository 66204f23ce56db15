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
