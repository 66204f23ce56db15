"""A screen pushed new is not restyled whole on its first resume: its mount just styled it.

Textual (8.2.8, pinned) restyles every node of a screen each time the screen is resumed
(`ScreenResume.refresh_styles`, default True), for a screen coming back from below another one
(the theme or its classes may have changed meanwhile). On the push of a new screen that is a
second styling of every widget: each was styled as it mounted, moments before; only the screen
node itself gets its rules there. Opening a lesson spent ~30 of its ~120 ms of CPU in it (the
lesson screen's widgets and their component classes). A handler of a subclass runs before
`Screen`'s own (Textual calls them along the class's MRO), so the first resume styles the
screen node alone and tells Screen's handler not to restyle the rest; every later resume that
asks for a restyle gets one. tests/tui/test_fresh_screen.py checks that the restyle skipped
would have changed no node's styles.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class FreshScreen(Screen):
    """A Screen whose first resume (right after its push and mount) keeps the mount's styles."""

    _resumed_before = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume styles the screen node only: its widgets were styled as mounted."""
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
            self.app.stylesheet.update_nodes([self], animate=False)
