"""The current step: its prose, then the formula, the numbers substituted and the result."""

from __future__ import annotations

import re
from functools import cached_property

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static

from tutor.engine.trace import format_number
from tutor.export.formula import (
    plain_formula,
    plain_result,
    plain_substituted,
    shows_substitution,
    worked,
)
from tutor.lessons.display_names import learner_source
from tutor.tui.widgets.prose import ProseMarkdown
from tutor.tui.widgets.rendered_once import RenderedOnceStatic

# Where a worked line may break: after a product dot, or around + − = (never inside a number).
_BREAK = re.compile(r"(?<=·)|(?<= [+−=-] )")


def terms(text: str) -> list[str]:
    """`text` cut at its break points outside parentheses: `a·(b − c) + d` → a· (b − c) + d."""
    depth, depths = 0, []
    for c in text:
        depth += 1 if c in "([" else -1 if c in ")]" else 0
        depths.append(depth)
    cuts = [m.end() for m in _BREAK.finditer(text) if 0 < m.end() < len(text)]
    cuts = [0] + [k for k in cuts if depths[k - 1] == 0] + [len(text)]
    return [text[i:j] for i, j in zip(cuts, cuts[1:]) if text[i:j]]


class BrokenLine:
    """`head` then `text`, wrapped only at · + − = boundaries; continuation lines indented.

    Rich would wrap at any space ("−(0.01 −⏎ 0.75136507)") or cut a long number; this never
    breaks inside a term, and a term wider than the pane folds rather than losing digits.
    """

    def __init__(self, head: Text, text: str, style: str = "", indent: int = 4) -> None:
        self.head, self.text, self.style, self.indent = head, text, style, indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 8)
        line = self.head.copy()
        for token in terms(self.text):
            if line.cell_len + len(token.rstrip()) > width and line.plain.strip():
                yield line
                line = Text(" " * self.indent)
                token = token.lstrip()
            line.append(token, style=self.style)
        line.overflow = "fold"
        yield line


def render_work(trace, name: str, formula: str | None = None, precision: int = 9) -> Group:
    """`name = formula = numbers = result`, one line each, with the value's description.

    The formula is the trace's, so that the numbers below it list its terms in its order;
    SymPy's form (`formula`), when it is written differently, follows on a line of its own.
    The lines are those of the exports (tutor.export.formula): the numbers bracketed alike,
    and no numbers line that only repeats the formula or the result.
    """
    tv = trace[name]
    w = worked(tv, trace.numbers())
    head = Text(name, style="bold")
    lines: list = []
    result = plain_result(w, precision)
    if tv.inputs:
        lines.append(BrokenLine(head + " = ", plain_formula(w)))
        if shows_substitution(w, precision):
            lines.append(BrokenLine(Text("  = "), plain_substituted(w, precision)))
        lines.append(BrokenLine(Text("  = "), result, "bold"))
        if formula and formula.replace(" ", "") != plain_formula(w).replace(" ", ""):
            lines.append(BrokenLine(Text("SymPy: ", style="dim"), formula, "dim"))
    else:
        lines.append(BrokenLine(head + " = ", result, "bold"))
    if tv.description:
        lines.append(Text(tv.description, style="italic dim"))
    return Group(*lines)


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
    return Text.assemble((name, "bold"), " = ", plain_formula(worked(tv)) if tv.inputs else "?")


ANSWER_LENGTH = 40  # characters: longer than any number a step asks for
NUMBER_CHARACTERS = frozenset("0123456789+-−.,")  # and e/E once the box holds a digit


class AnswerInput(Input):
    """The answer box: it takes only the characters of a number; every other key (g, q, ?,
    f, b, u, …) stays the lesson's. While it is empty, → and ← step the lesson too."""

    BINDINGS = [Binding("enter", "submit", "Check", key_display="↵")]

    def __init__(self, **kwargs) -> None:
        # Focus coming back (after a too-small terminal, the help) keeps what was typed, not
        # selects it for the next digit to replace.
        super().__init__(max_length=ANSWER_LENGTH, select_on_focus=False, **kwargs)

    def takes(self, character: str | None) -> bool:
        """Whether `character` is typed into the box (else it is a key of the lesson)."""
        if character is None:
            return False
        if character in "eE":  # an exponent after digits; on its own, the 'error phase' key
            return any(c.isdigit() for c in self.value)
        return character in NUMBER_CHARACTERS

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only the characters of a number; the footer then offers the lesson's keys."""
        return self.takes(character)

    async def _on_key(self, event: events.Key) -> None:
        """Input types a number's characters; every other printable key reaches the bindings.

        (Textual calls each class's handler in turn: prevent_default keeps Input's from typing.)
        """
        if event.is_printable and not self.takes(event.character):
            event.prevent_default()
            if event.character == " " and self.value:
                event.stop()  # a stray space while typing must not leave the step

    def _on_paste(self, event: events.Paste) -> None:
        """Paste only a number's characters, as many as fit."""
        event.stop()
        event.prevent_default()
        line = event.text.splitlines()[0] if event.text else ""
        kept = "".join(c for c in line if c in NUMBER_CHARACTERS or c in "eE")
        start, end = sorted(self.selection)
        room = ANSWER_LENGTH - len(self.value) + (end - start)
        if kept and room > 0:
            self.replace(kept[:room], start, end)

    def watch_value(self, value: str) -> None:
        """Whether `e` types or jumps changes with the digits: the footer follows."""
        if self.is_mounted:
            self.screen.refresh_bindings()

    async def action_cursor_right(self, select: bool = False) -> None:  # type: ignore[override]  # Textual awaits async actions; its base types them sync
        """Next step when empty, else the cursor."""
        if self.value or select:
            super().action_cursor_right(select)
        else:
            await self.screen.run_action("next")

    async def action_cursor_left(self, select: bool = False) -> None:  # type: ignore[override]  # Textual awaits async actions; its base types them sync
        """Previous step when empty, else the cursor."""
        if self.value or select:
            super().action_cursor_left(select)
        else:
            await self.screen.run_action("previous")


class QuizOptions(OptionList):
    """A quiz's options. PageUp/PageDown page the step, not the few options: in a small
    terminal the question sits above them, out of sight once they are shown."""

    async def action_page_up(self) -> None:  # type: ignore[override]  # Textual awaits async actions; its base types them sync
        """Page the step up (back to the question)."""
        await self.screen.run_action("scroll_step(-1)")

    async def action_page_down(self) -> None:  # type: ignore[override]  # Textual awaits async actions; its base types them sync
        """Page the step down (to the options and, once answered, their explanations)."""
        await self.screen.run_action("scroll_step(1)")


class StepView(VerticalScroll, can_focus=False):
    """Title, prose, worked lines, answer box, feedback and quiz options of one step."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._parts: dict[str, Static] = {}

    def compose(self) -> ComposeResult:
        """The parts; each is shown only when the step has it."""
        yield Static("", id="step-title")
        yield Static("", id="prose")
        yield RenderedOnceStatic("", id="work")
        yield Static("", id="feedback")
        yield AnswerInput(placeholder="a number", id="answer", compact=True)
        yield QuizOptions(id="quiz", markup=False)  # quiz options are lesson text

    def on_mount(self) -> None:
        """Tests turn the cursor blink off (deterministic snapshots)."""
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    def part(self, part: str) -> Static:
        """The Static `part` (composed once, looked up once: the step keys redraw them)."""
        widget = self._parts.get(part)
        if widget is None:
            widget = self._parts[part] = self.query_one(f"#{part}", Static)
        return widget

    @cached_property
    def answer(self) -> AnswerInput:
        """The answer box."""
        return self.query_one("#answer", AnswerInput)

    @cached_property
    def quiz(self) -> QuizOptions:
        """The quiz's options."""
        return self.query_one("#quiz", QuizOptions)

    def set_part(self, part: str, content) -> None:
        """Show `content` in the Static `part` (hidden when empty)."""
        widget = self.part(part)
        widget.update(content if content is not None else "")
        widget.display = bool(content)

    def set_prose(self, title: str, markdown: str) -> None:
        """The step's title and its Markdown text."""
        self.set_part("step-title", Text(title, style="bold") if title else None)
        prose = learner_source(markdown)  # "Slides (003)", never a file's name
        self.set_part("prose", ProseMarkdown(prose) if prose.strip() else None)

    def set_work(self, *renderables) -> None:
        """The worked lines (formula, numbers, result), or nothing."""
        parts = [r for r in renderables if r is not None]
        self.set_part("work", Group(*parts) if parts else None)
