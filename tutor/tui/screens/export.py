"""A one-line prompt: the file to export the trace on screen to (a default filled in)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

PATH_LENGTH = 4096  # characters: the longest path a system takes


class ExportScreen(ModalScreen[str | None]):
    """Asks where to write the export; returns the path typed, or None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, what: str, default: str) -> None:
        super().__init__()
        self.what = what
        self.default = default

    def compose(self) -> ComposeResult:
        """A label naming what is exported, and the path input."""
        with Vertical(id="export-box"):
            yield Static(Text(f"Export {self.what} to (Enter writes, Esc cancels):"))
            yield Input(value=self.default, id="export-path", max_length=PATH_LENGTH)

    def on_mount(self) -> None:
        """The cursor at the end of the default; tests turn the blink off."""
        field = self.query_one(Input)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        field.cursor_position = len(field.value)
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return the path typed."""
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)
