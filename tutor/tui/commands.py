"""Command palette entries: open a lesson, go to a step, export the trace, switch theme.

Their titles and help lines carry lesson text (titles, summaries, step titles), which is
data: `TutorCommands` shows them as literal `Content`, never as Textual markup, so a title
such as `[@click=app.quit]x[/]` or `E[x]` is shown as typed and runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tutor.tui.choices import SANDBOXES, THEMES

# The lesson model and the data door load with the lessons, after the picker's first paint.
NO_TRACE = (
    "This step shows no traced network, so there is no trace to export. "
    "Export from a step that shows one, or run `backprop-tutor trace EXAMPLE -o FILE`."
)


def tutor_commands(app, screen) -> Iterator[SystemCommand]:
    """The tutor's own commands for the palette, given the screen it was opened on (plain text)."""
    from tutor.lessons.labels import step_label
    from tutor.tui import data
    from tutor.tui.screens.lesson import LessonScreen

    for lesson in app.lessons:
        yield SystemCommand(
            f"Open lesson: {lesson.title}", lesson.summary, partial(app.open_lesson, lesson.id)
        )
    if isinstance(screen, LessonScreen):
        for k, step in enumerate(screen.lesson.steps):
            label = step_label(screen.lesson, step)  # as the header says it
            yield SystemCommand(
                f"Go to step {k + 1}: {step.title or label}",
                f"{label} · step {k + 1} of {screen.lesson.title}",
                partial(screen.jump_to, str(k + 1)),
                discover=False,
            )
        spec = screen.shown_trace()
        if spec:  # the trace on screen (the variant when toggled on)
            for fmt in data.EXPORT_FORMATS:
                yield SystemCommand(
                    f"Export trace as {fmt}",
                    f"write the trace {spec} to a file you choose",
                    partial(app.ask_export, spec, fmt),
                )
        else:
            yield SystemCommand(
                "Export trace",
                "this step shows no traced network",
                partial(app.notify, NO_TRACE, title="Nothing to export", markup=False),
            )
    yield from sandbox_commands(app, screen)
    for name, theme in THEMES.items():
        yield SystemCommand(
            f"Theme: {name}", f"switch to the {name} theme", partial(app.set_theme, theme)
        )
    yield SystemCommand("Help: keys", "show every key", app.action_help)


def sandbox_commands(app, screen) -> Iterator[SystemCommand]:
    """Open the sandbox on a preset or example; the graph view of the step on screen."""
    from tutor.tui.screens.lesson import LessonScreen
    from tutor.tui.screens.sandbox import SandboxScreen

    for name, about in SANDBOXES.items():
        yield SystemCommand(
            f"Sandbox: {name}",
            f"change any number of {about}, train it",
            partial(app.open_sandbox, name),
        )
    if isinstance(screen, LessonScreen) and screen.frame and screen.frame.trace:
        yield SystemCommand(
            "Graph view of this step",
            "the step as a computational graph, walked backward",
            app.action_graph_of_step,
        )
    if isinstance(screen, SandboxScreen):
        yield SystemCommand(
            "Graph view of this step",
            "the step as a computational graph, walked backward",
            screen.action_graph,
        )

class TutorCommands(Provider):
    """The palette's source of `tutor_commands`, titles and help shown as literal text."""

    def _commands(self) -> list[SystemCommand]:
        return list(tutor_commands(self.app, self.screen))

    async def discover(self) -> Hits:
        """The commands offered before anything is typed."""
        for title, help_text, callback, discover in self._commands():
            if discover:
                # Textual types `help` as str but renders it with Content.from_markup, which
                # takes a Content as it is: the help text is shown literally, never as markup.
                yield DiscoveryHit(
                    Content(title),
                    callback,
                    text=title,
                    help=Content(help_text),  # type: ignore[arg-type]
                )

    async def search(self, query: str) -> Hits:
        """The commands whose title matches `query`, the matched letters highlighted."""
        matcher = self.matcher(query)
        for title, help_text, callback, _ in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                shown = Content(title)
                for offset in offsets:
                    if not title[offset].isspace():
                        shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(
                    score,
                    shown,
                    callback,
                    text=title,
                    help=Content(help_text),  # type: ignore[arg-type]  # literal, as in discover
                )
