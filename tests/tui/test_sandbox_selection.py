"""Moving the sandbox's selection redraws the network only (where the selection is drawn), and
the screen then shows exactly what a full redraw would."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui.snapshot_app import make_sandbox_app
from tutor.tui.screens.sandbox import SandboxScreen
from tutor.tui.widgets.sandbox_plot import SandboxLossPlot


async def test_moving_the_selection_redraws_the_network_only(private_data, monkeypatch):
    drawn: list[str] = []
    original_update, original_show = Static.update, SandboxLossPlot.show

    def update(self, *args, **kwargs):
        drawn.append(self.id or type(self).__name__)
        return original_update(self, *args, **kwargs)

    def show(self, *args, **kwargs):
        drawn.append(self.id or type(self).__name__)
        return original_show(self, *args, **kwargs)

    monkeypatch.setattr(Static, "update", update)
    monkeypatch.setattr(SandboxLossPlot, "show", show)
    app = make_sandbox_app("xor", private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        await pilot.press("s")  # a step: changes, curve and boundary all drawn
        await pilot.pause()
        for key in ("right", "left", "down"):
            before = screen.selected
            drawn.clear()
            await pilot.press(key)
            await pilot.pause()
            assert screen.selected != before, key
            assert drawn == ["sb-network"], key
        shown = app.export_screenshot()
        screen.refresh_all()  # every part drawn again from the same state
        await pilot.pause()
        assert app.export_screenshot() == shown
