"""A one-line prompt: go to a step number or a value name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class GotoScreen(ModalScreen[str | None]):
    """Asks for a step number or a value name; returns the text, or None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        """A label and an input."""
        with Vertical(id="goto-box"):
            yield Static("Go to step number, or value name (e.g. 5 or out_h1):")
            yield Input(placeholder="step or value", id="goto-input")

    def on_mount(self) -> None:
        """Tests turn the cursor blink off (deterministic snapshots)."""
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return what was typed."""
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)
