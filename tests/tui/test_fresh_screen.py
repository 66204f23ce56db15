"""A lesson or sandbox screen is styled once when it opens, not restyled whole on its first
resume (tutor/tui/fresh_screen.py), and the restyle it skips would have changed nothing."""

from __future__ import annotations

from textual import events
from textual.app import App

from tests.tui.snapshot_app import make_app, make_sandbox_app
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.sandbox import SandboxScreen


def styles_of(screen) -> list:
    """Every node of `screen` with the rules its styles hold, its component classes' too."""
    return [
        (
            node,
            node.styles.get_rules(),
            {name: styles.get_rules() for name, styles in node._component_styles.items()},
        )
        for node in screen.walk_children(with_self=True)
    ]


def restyles_of_whole_screens(monkeypatch) -> list:
    """The screens `App.update_styles` restyles whole (node and every descendant), as called."""
    restyled = []
    original = App.update_styles

    def counted(self, node, animate=True):
        if node is self.screen or node in self.screen_stack:
            restyled.append(node)
        return original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", counted)
    return restyled


async def test_an_opened_lesson_is_styled_once_and_as_a_restyle_would(private_data, monkeypatch):
    app = make_app(private_data)
    restyled = restyles_of_whole_screens(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        restyled.clear()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen not in restyled  # its first resume did not restyle it whole
        before = styles_of(screen)
        app.update_styles(screen, animate=False)  # what Textual's resume would have done
        assert styles_of(screen) == before
        # Any later resume that asks for it restyles, as Textual does.
        screen.post_message(events.ScreenResume())
        await pilot.pause()
        assert screen in restyled


async def test_an_opened_sandbox_is_styled_as_a_restyle_would(private_data, monkeypatch):
    app = make_sandbox_app("xor", private_data)
    restyled = restyles_of_whole_screens(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        assert screen not in restyled
        before = styles_of(screen)
        app.update_styles(screen, animate=False)
        assert styles_of(screen) == before
