"""The current step: its prose, then the formula, the numbers substituted and the result."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static

from tutor.engine.trace import format_number


def render_work(trace, name: str, formula: str | None = None, precision: int = 9) -> Table:
    """`name = formula = numbers = result`, one line each, with the value's description."""
    tv = trace[name]
    values = trace.as_dict()
    table = Table(box=None, padding=(0, 1), show_header=False)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    if tv.inputs:
        table.add_row(Text(name), Text("= " + (formula or tv.formula)))
        table.add_row("", Text("= " + tv.substituted(values, precision)))
    table.add_row(
        "" if tv.inputs else Text(name), Text("= " + format_number(tv.value, precision), "bold")
    )
    if tv.description:
        table.add_row("", Text(tv.description, style="italic dim"))
    return table


def render_derivation(lines: list[tuple[str, str, float | None]]) -> Group:
    """Each line of a derivation: its caption, then SymPy's Unicode formula."""
    parts = []
    for caption, formula, value in lines:
        parts.append(Text(caption, style="italic"))
        shown = formula if value is None else f"{formula}   [{format_number(value, 9)}]"
        parts.append(Text(shown + "\n"))
    return Group(*parts)


def render_formula_only(trace, name: str) -> Text:
    """`name = formula`, numbers hidden (for a predict step)."""
    tv = trace[name]
    return Text.assemble((name, "bold"), " = ", tv.formula if tv.inputs else "?")


class AnswerInput(Input):
    """The answer box: while it is empty, → and ← step the lesson instead of the cursor."""

    async def action_cursor_right(self, select: bool = False) -> None:
        """Next step when empty, else the cursor."""
        if self.value or select:
            super().action_cursor_right(select)
        else:
            await self.screen.run_action("next")

    async def action_cursor_left(self, select: bool = False) -> None:
        """Previous step when empty, else the cursor."""
        if self.value or select:
            super().action_cursor_left(select)
        else:
            await self.screen.run_action("previous")


class StepView(VerticalScroll, can_focus=False):
    """Title, prose, worked lines, answer box, feedback and quiz options of one step."""

    def compose(self) -> ComposeResult:
        """The parts; each is shown only when the step has it."""
        yield Static("", id="step-title")
        yield Static("", id="prose")
        yield Static("", id="work")
        yield Static("", id="feedback")
        yield AnswerInput(placeholder="your answer, e.g. 0.5933", id="answer", compact=True)
        yield OptionList(id="quiz", markup=False)  # quiz options are lesson text

    def on_mount(self) -> None:
        """Tests turn the cursor blink off (deterministic snapshots)."""
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    def set_part(self, part: str, content) -> None:
        """Show `content` in the Static `part` (hidden when empty)."""
        widget = self.query_one(f"#{part}", Static)
        widget.update(content if content is not None else "")
        widget.display = bool(content)

    def set_prose(self, title: str, markdown: str) -> None:
        """The step's title and its Markdown text."""
        self.set_part("step-title", Text(title, style="bold") if title else None)
        self.set_part("prose", Markdown(markdown) if markdown.strip() else None)

    def set_work(self, *renderables) -> None:
        """The worked lines (formula, numbers, result), or nothing."""
        parts = [r for r in renderables if r is not None]
        self.set_part("work", Group(*parts) if parts else None)
