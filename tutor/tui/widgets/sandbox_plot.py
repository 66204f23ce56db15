"""The sandbox's loss curve: E against steps, on a linear or log₁₀ scale."""

from __future__ import annotations

import math

from textual_plotext import PlotextPlot


class SandboxLossPlot(PlotextPlot):
    """E over the data set after each step of training."""

    def show(self, curve: list[tuple[int, float]], log_scale: bool) -> None:
        """Draw `curve` (step, E) points; log₁₀ E when `log_scale` (E ≤ 0 left out)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        xs = [s for s, e in curve if not log_scale or e > 0]
        ys = [math.log10(e) if log_scale else e for s, e in curve if not log_scale or e > 0]
        plt.title("log₁₀ E" if log_scale else "E over the data")
        plt.xlabel("step")
        if xs:
            plt.plot(xs, ys, marker="braille")
        last = xs[-1] if xs else 0
        if last >= 4:
            ticks: list[float] = sorted({round(last * k / 4) for k in range(5)})
            plt.xticks(ticks, [str(t) for t in ticks])
        self.refresh()
