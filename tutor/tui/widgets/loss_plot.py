"""The loss curve of a run, drawn live with textual-plotext."""

from __future__ import annotations

from textual_plotext import PlotextPlot


class LossPlot(PlotextPlot):
    """Loss against epoch for one or more runs (one series per experiment)."""

    def on_mount(self) -> None:
        """Start with empty axes."""
        super().on_mount()
        self._series: dict[str, tuple[list[float], list[float]]] = {}
        self._draw()

    def set_series(self, label: str, xs, ys) -> None:
        """Replace the points of the series `label` and redraw."""
        self._series[label] = (list(xs), list(ys))
        self._draw()

    def clear_series(self) -> None:
        """Drop every series."""
        self._series = {}
        self._draw()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("loss")
        plt.xlabel("epoch")
        last = 0.0
        for label, (xs, ys) in self._series.items():
            if xs:
                plt.plot(xs, ys, label=label if len(self._series) > 1 else None, marker="braille")
                last = max(last, max(xs))
        if last >= 4:  # whole epochs on the axis, not plotext's 2499.8
            ticks = sorted({round(last * k / 4) for k in range(5)})
            plt.xticks(ticks, [str(t) for t in ticks])
        self.refresh()
