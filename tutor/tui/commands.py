"""Command palette entries: open a lesson, go to a step, export the trace, switch theme."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand

from tutor.lessons.labels import step_label
from tutor.tui import data

THEMES = {"dark": "textual-dark", "light": "textual-light"}
NO_TRACE = (
    "This step shows no traced network, so there is no trace to export. "
    "Export from a step that shows one, or run `backprop-tutor trace EXAMPLE -o FILE`."
)


def tutor_commands(app, screen) -> Iterator[SystemCommand]:
    """The tutor's own commands for the palette, given the screen it was opened on."""
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
    for name, theme in THEMES.items():
        yield SystemCommand(
            f"Theme: {name}", f"switch to the {name} theme", partial(app.set_theme, theme)
        )
    yield SystemCommand("Help: keys", "show every key", app.action_help)
