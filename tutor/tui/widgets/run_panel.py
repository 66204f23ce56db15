"""A training run on screen: progress bar, live loss curve, and the results at the end."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from tutor.engine.trace import format_number
from tutor.lessons.display_names import humanize, learner_source
from tutor.tui.widgets.boundary import Boundary
from tutor.tui.widgets.heatmap import Heatmap
from tutor.tui.widgets.loss_plot import LossPlot

WIDE_TABLE = 6  # columns beyond which numbers get 3 significant digits, to fit 80 columns


def _cell(value: Any, wide: bool = False) -> Text:
    """A table cell as literal text (a result may carry text from a data file: never markup)."""
    if isinstance(value, float):
        return Text(f"{value:.3g}" if wide else format_number(value, 6))
    return Text(str(value))


def render_results(results: dict[str, Any], show: list[str] | tuple[str, ...] = ()) -> Group:
    """Summary, the named scalars (or all of them) and every table of a result dict."""
    parts: list = []
    if results.get("summary"):
        parts.append(Markdown(learner_source(str(results["summary"]))))
    scalars = [
        k
        for k in (show or sorted(results))
        if isinstance(results.get(k), (int, float)) and not isinstance(results.get(k), bool)
    ]
    if scalars:
        table = Table(box=None, padding=(0, 1), show_header=False)
        for key in scalars:
            table.add_row(Text(humanize(key), style="bold"), _cell(results[key]))
        parts.append(table)
    for name, spec in (results.get("tables") or {}).items():
        if show and name not in show:
            continue
        columns = [str(c) for c in spec.get("columns", [])]
        rows = [list(r) for r in spec.get("rows", [])]
        if len(columns) > WIDE_TABLE and len(rows) + 1 < len(columns):
            # Few long rows (a function over many z): turned on its side it fits 80 columns.
            grid = [columns] + rows
            columns = [str(r[0]) for r in grid]
            rows = [[r[j] for r in grid] for j in range(1, len(grid[0]))]
        wide = len(columns) > WIDE_TABLE
        # A wide table loses its inner rules and two digits rather than truncate numbers to "0.9…".
        table = Table(
            title=Text(humanize(str(name)), style="table.title"),
            padding=(0, 0) if wide else (0, 1),
            box=box.SIMPLE_HEAD if wide else box.HEAVY_HEAD,
        )
        for column in columns:
            table.add_column(Text(column), overflow="fold")  # never "0.9…": every digit stays
        for row in rows:
            table.add_row(*(_cell(c, wide) for c in row))
        parts.append(table)
        if spec.get("caption"):  # below, left-aligned: a Rich caption wraps centred
            parts.append(Text(learner_source(str(spec["caption"])), style="italic dim"))
    return Group(*parts)


class RunPanel(VerticalScroll, can_focus=False):
    """The run area of a lesson step; updated from the screen's message handlers only."""

    done: reactive[float] = reactive(0.0)
    total: reactive[float] = reactive(1.0)

    def compose(self) -> ComposeResult:
        """The step's text, status line, bar, plot, results, heatmap, boundary."""
        yield Static("", id="run-title")
        yield Static("", id="run-prose")
        yield Static("", id="run-status")
        yield ProgressBar(show_eta=False, id="run-bar").data_bind(
            progress=RunPanel.done, total=RunPanel.total
        )
        yield LossPlot(id="loss-plot")
        yield Static("", id="run-results")
        yield Heatmap(id="heatmap")
        yield Boundary(id="boundary")

    def set_prose(self, title: str, markdown: str) -> None:
        """The step's title and text, scrolling with the results."""
        self.query_one("#run-title", Static).update(Text(title, style="bold"))
        self.query_one("#run-prose", Static).update(Markdown(learner_source(markdown)))

    def reset(self, status: str, unit: str = "epoch") -> None:
        """Back to an idle run with `status` shown; the curve's x counts `unit`s."""
        self.done, self.total = 0.0, 1.0
        self.query_one("#run-status", Static).update(Content(status))
        self.query_one(LossPlot).clear_series()
        note = "per batch" if unit == "batch" else ""
        self.query_one(LossPlot).set_unit(unit, note)
        self.query_one(LossPlot).display = True
        for widget_id in ("#run-results", "#heatmap", "#boundary"):
            widget = self.query_one(widget_id, Static)
            widget.update("")
            widget.display = False

    def status(self, text: str) -> None:
        """Replace the status line (literal text: it may quote an experiment's error)."""
        self.query_one("#run-status", Static).update(Content(text))

    def progress(self, label: str, done: int, total: int, points) -> None:
        """Move the bar and redraw the live curve."""
        self.total, self.done = float(max(total, 1)), float(done)
        if points:
            xs, ys = zip(*points)
            self.query_one(LossPlot).set_series(label, xs, ys)

    def finished(self, results: list[tuple[str, dict[str, Any]]], show=()) -> None:
        """Full curves, the results, and the heatmap or boundary when the run has one."""
        self.done = self.total
        plot = self.query_one(LossPlot)
        plot.clear_series()
        plot.display = any(result.get("loss_curve") for _, result in results)
        parts: list[RenderableType] = []
        for label, result in results:
            curve = result.get("loss_curve") or []
            epochs = result.get("loss_epochs") or list(range(1, len(curve) + 1))
            axis = result.get("loss_axis") or {}
            if plot.unit == "batch" and axis.get("per_epoch"):
                # the same x as the live curve: each epoch's mean at its last batch
                epochs = [e * axis["per_epoch"] for e in epochs]
                plot.set_unit("batch", "mean of each epoch, drawn at its last batch")
            elif plot.unit != "epoch":
                plot.set_unit("epoch")
            if curve:
                plot.set_series(label, epochs, curve)
            if len(results) > 1:
                parts.append(Text(label, style="bold underline"))
            parts.append(render_results(result, show))
        box = self.query_one("#run-results", Static)
        box.update(Group(*parts))
        box.display = True
        for _, result in results:
            if result.get("heatmap"):
                self.query_one(Heatmap).show(result["heatmap"])
                self.query_one(Heatmap).display = True
            if result.get("boundary"):
                self.query_one(Boundary).show(result["boundary"])
                self.query_one(Boundary).display = True
