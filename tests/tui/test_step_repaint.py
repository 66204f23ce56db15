"""What a step key costs Textual, counted (not timed): one layout for a step whose drawings
change height, and a footer rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets._footer import FooterKey

from tests.tui.snapshot_app import make_app
from tutor.tui.widgets.footer import StableFooter


def footer_keys(screen) -> list[str]:
    """The footer's keys as shown (key, description)."""
    return [f"{k.key_display} {k.description}" for k in screen.query(FooterKey)]


async def test_a_step_forward_lays_the_screen_out_once(private_data, monkeypatch):
    app = make_app(private_data)
    layouts = []
    original = Screen._refresh_layout

    def counted(self, size=None, scroll=False):
        layouts.append(scroll)
        return original(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.jump_to("4")  # a reveal step's values: each step adds a row to the values table
        await pilot.pause()
        for _ in range(3):
            rows = screen.values_table.size.height
            layouts.clear()
            screen.action_next()
            await pilot.pause()
            assert screen.values_table.size.height == rows + 1  # the table grew...
            assert layouts == [False]  # ...and one layout placed it


async def test_the_footer_is_rebuilt_only_when_its_keys_change(private_data, monkeypatch):
    app = make_app(private_data)
    rebuilt = []
    original = StableFooter.recompose

    async def counted(self):
        rebuilt.append(1)
        await original(self)

    monkeypatch.setattr(StableFooter, "recompose", counted)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        screen = app.screen
        await pilot.pause()
        before = footer_keys(screen)
        assert before and not any("Check" in k for k in before)
        rebuilt.clear()
        while screen.focused is None:  # to the first predict step: its answer box takes focus
            await pilot.press("right")
        await pilot.pause()
        assert any("Check" in k for k in footer_keys(screen))  # the answer box's key shown
        assert len(rebuilt) == 1
        await pilot.press("1", "2", "3")  # typing: the same keys, nothing rebuilt
        await pilot.pause()
        assert len(rebuilt) == 1
        await pilot.press("escape")  # leaving the box: its key goes
        await pilot.pause()
        assert footer_keys(screen) == before
        assert len(rebuilt) == 2
