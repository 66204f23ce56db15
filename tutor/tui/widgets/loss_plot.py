"""The loss curve of a run, drawn live with textual-plotext: x in the run's true unit, round
ticks, and a log scale to see a loss that falls by orders of magnitude."""

from __future__ import annotations

import math

from textual_plotext import PlotextPlot


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering [low, high]: 0, 2500, 5000 …"""
    if not high > low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= high * (1 + 1e-9) + 1e-12:
        ticks.append(round(first + k * step, 12))
        k += 1
    return ticks


def tick_label(value: float) -> str:
    """`2500`, `0.5`, `1e-04`: short, and never a long float."""
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.0e}"
    return f"{value:g}"


def decades(low: float, high: float) -> list[float]:
    """Powers of ten from below `low` to above `high` (log-scale ticks)."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return [10.0**k for k in range(first, last + 1)]


class LossPlot(PlotextPlot):
    """Loss against the run's unit (epoch, or batch) for one or more runs."""

    def on_mount(self) -> None:
        """Start with empty axes."""
        super().on_mount()
        self._series: dict[str, tuple[list[float], list[float]]] = {}
        self.unit = "epoch"
        self.note = ""
        self.log_scale = False
        self._draw()

    def set_unit(self, unit: str, note: str = "") -> None:
        """What x counts (`epoch`, `batch`), and a note on what the loss is; redraw."""
        self.unit, self.note = unit, note
        self._draw()

    def toggle_log(self) -> bool:
        """Linear ↔ log loss axis; returns whether it is log now."""
        self.log_scale = not self.log_scale
        self._draw()
        return self.log_scale

    def set_series(self, label: str, xs, ys) -> None:
        """Replace the points of the series `label` and redraw."""
        self._series[label] = (list(xs), list(ys))
        self._draw()

    def clear_series(self) -> None:
        """Drop every series."""
        self._series = {}
        self._draw()

    def render(self):
        """Give plotext the figure afresh each paint: on a log axis its build takes the log of
        the data it holds in place, so a second paint took log10(log10(1.0)) and crashed."""
        self._configure()
        return super().render()

    def _draw(self) -> None:
        self._configure()
        self.refresh()

    def _configure(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        scale = "log scale, l: linear" if self.log_scale else "l: log scale"
        plt.title(f"loss{' · ' + self.note if self.note else ''} ({scale})")
        plt.xlabel(self.unit)
        last, ys_all = 0.0, []
        for label, (xs, ys) in self._series.items():
            if self.log_scale:  # a log axis has no place for 0 or a negative loss
                pairs = [(x, y) for x, y in zip(xs, ys) if y > 0]
                xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
            if xs:
                plt.plot(xs, ys, label=label if len(self._series) > 1 else None, marker="braille")
                last = max(last, max(xs))
                ys_all += ys
        if self.log_scale:
            plt.yscale("log")
            if ys_all:
                ticks = decades(min(ys_all), max(ys_all))
                plt.yticks(ticks, [tick_label(t) for t in ticks])
        elif ys_all and max(ys_all) > min(ys_all):
            ticks = nice_ticks(min(ys_all), max(ys_all))
            plt.yticks(ticks, [tick_label(t) for t in ticks])
        if last > 0:
            ticks = nice_ticks(0.0, last)
            plt.xticks(ticks, [tick_label(t) for t in ticks])
