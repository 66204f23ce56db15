"""A screen's CSS files read into the app's stylesheet before the screen is pushed.

Textual (8.2.8, pinned) loads a screen's `CSS_PATH` on its first push by parsing every source
of the app's stylesheet again from scratch (`Stylesheet.reparse`: the DEFAULT_CSS of every
widget class used so far) and restyling every node of every screen. Opening the first lesson
cost 6–28 ms of that (more with the picker below). Read here first, the new file is parsed
alone when the screen's widgets are styled (a stylesheet parses only the sources it has not
parsed yet) and Textual, finding it loaded, skips the reparse. Same sources, in the same order,
so the same rules. Should a path not match the one Textual checks, Textual loads it as before.
"""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen


def read_screen_css(app: App, screen: Screen) -> None:
    """Add `screen`'s CSS files the app has not read to its stylesheet (parsed when used)."""
    stylesheet = app.stylesheet
    for path in screen.css_path:
        if not stylesheet.has_source(str(path), ""):
            stylesheet.read(path)
