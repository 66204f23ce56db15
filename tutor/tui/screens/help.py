"""The help screen: every key, over the current screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.tui.help import render_keys, render_notation


class HelpScreen(ModalScreen[None]):
    """A modal list of the keys, then the notation card; any of Esc, q, ? or F1 closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        """The key table in a scrollable box."""
        with VerticalScroll(id="help-box"):
            yield Static("[b]Keys[/b]  (Esc closes)", id="help-title")
            yield Static(render_keys(), id="help-keys")
            yield Static("\n[b]Notation[/b]", id="help-notation-title")
            yield Static(render_notation(), id="help-notation")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(None)
