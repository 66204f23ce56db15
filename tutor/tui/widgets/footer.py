"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer removes and remounts every key (and restyles each) whenever the screen's
bindings are refreshed: after every focus change, and on each character typed in the answer
box (`AnswerInput.watch_value`). On the lesson screen that happened on every step into or out
of a predict step, often twice, and cost more than the step's own drawing. This one compares
what it would show with what it shows, and rebuilds only when they differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def born_as(key: FooterKey, compact: bool) -> None:
    """Give a new key the style it ends up with before it mounts.

    A FooterKey starts compact (its reactive's default) and is restyled twice on mounting: its
    `compact` watcher adds the class `-compact`, then the footer's data binding removes it again
    (a footer is not compact). Set first, neither changes anything. The command palette's key
    has no binding: it keeps the default, compact.
    """
    if key.has_class("-command-palette"):
        compact = True
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)


class StableFooter(Footer):
    """A Footer that recomposes only when its keys, labels or their enabled state change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None  # the keys of the last compose

    def shown_keys(self) -> tuple:
        """What `compose` would show now: each shown binding as Footer draws it (its key as
        displayed, description, action, group, whether enabled, tooltip), and the palette key."""
        app = self.app
        active = self.screen.active_bindings
        keys: list[tuple] = [
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        ]
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        shown_palette = self.show_command_palette and app.ENABLE_COMMAND_PALETTE
        if shown_palette and palette is not None:
            _, binding, enabled, tooltip = palette
            keys.append(("palette", binding.key, binding.description, enabled, tooltip))
        return tuple(keys)

    def compose(self):
        """Footer's keys, remembering what they show."""
        if self._bindings_ready:
            self._shown = self.shown_keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                born_as(widget, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild (after the refresh, as Footer does) only if the keys shown would change."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self.shown_keys() != self._shown:
            await self.recompose()
