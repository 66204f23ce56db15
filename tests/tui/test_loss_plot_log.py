"""The loss plot's log axis survives being drawn again (a resize, a repaint)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tutor.tui.widgets.loss_plot import LossPlot


class PlotApp(App):
    def compose(self) -> ComposeResult:
        yield LossPlot()


async def test_a_log_axis_is_drawn_twice_without_a_crash():
    """plotext takes the log of the data it holds each time it builds: a second paint in log
    scale took log10 of log10(1.0) = 0 (math domain error) and the tutor crashed, seen when
    the pilot waited exactly for the l key instead of for 40 ms of idle CPU."""
    app = PlotApp()
    async with app.run_test(size=(60, 14)) as pilot:
        plot = app.query_one(LossPlot)
        plot.set_series("run", [32, 64], [1.0, 0.5])
        assert plot.toggle_log()
        first = plot.render()
        await pilot.resize_terminal(70, 16)  # the plot is painted again, still in log scale
        second = plot.render()
        assert first.plain.splitlines()[0].strip() == second.plain.splitlines()[0].strip()  # title
        assert "log scale" in second.plain
