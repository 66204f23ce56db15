"""A Static whose Rich drawing is rendered once per width, not once to measure and once to paint.

Textual renders a Rich renderable twice after each update: to find its height (layout) and
to paint it. For the network drawing and the values table (Rich tables) that is most of
a step key's cost. Here both use the same rendered segments, and an update whose height
is unchanged skips the layout (the widget's box stays the same). What is painted is exactly
what Textual would paint: the same console, options and post-render styling.
"""

from __future__ import annotations

from itertools import islice

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text
from textual._context import active_app
from textual.content import Content
from textual.strip import Strip
from textual.visual import RenderOptions, RichVisual, Style
from textual.widgets import Static


class _Rendered:
    """Segments already rendered at one width, given back as they are."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.segments


class RenderedOnce(RichVisual):
    """A RichVisual that renders its renderable once per width for both height and paint."""

    def __init__(self, widget, renderable) -> None:
        super().__init__(widget, renderable)
        self._width = -1
        self._segments: list[Segment] = []

    def segments(self, width: int) -> list[Segment]:
        """The renderable's segments at `width`, as RichVisual.get_height renders them."""
        if width != self._width:
            app = active_app.get()
            options = app.console_options.update_width(width).update(highlight=False)
            self._segments = list(app.console.render(self._renderable, options))
            self._width = width
        return self._segments

    def get_height(self, rules, width: int) -> int:
        """Lines at `width` (counted as RichVisual counts them)."""
        return sum(text.count("\n") for text, _, _ in self.segments(width))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """RichVisual.render_strips on the segments already rendered."""
        app = active_app.get()
        console_options = app.console_options.update(highlight=False, width=width, height=height)
        renderable = self._widget.post_render(_Rendered(self.segments(width)), style.rich_style)
        segments = app.console.render(renderable, console_options.update_width(width))
        lines = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        return [Strip(line) for line in islice(lines, None, height)]


class RenderedOnceStatic(Static):
    """A Static for Rich drawings (tables, groups): rendered once per update and width."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._once: RenderedOnce | None = None

    def update(self, content="", *, layout: bool = True) -> None:
        """Show `content`; no layout when a Rich drawing keeps its height at this width."""
        if isinstance(content, (str, Text, Content)) or not hasattr(content, "__rich_console__"):
            self._once = None
            super().update(content, layout=layout)
            return
        previous = self._once
        once = RenderedOnce(self, content)
        width = self.content_region.width  # what the layout gives the content
        same_height = (
            previous is not None
            and width > 0
            and previous._width == width
            and once.get_height(None, width) == previous.get_height(None, width)
        )
        self._once = once
        super().update(content, layout=layout and not same_height)

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        """Textual's, without the second layout it asks for when a widget's size changed.

        The layout that found the new size has already placed this widget and everything
        around it; for a leaf that does not scroll, the layout Textual then requests (through
        the `virtual_size` reactive) changes nothing, yet costed a fifth of a step key. Textual
        itself takes this path (`layout=False`) when it reflows for a scroll.
        """
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def render(self):
        """The visual rendered once, else Static's."""
        return self._once if self._once is not None else super().render()
