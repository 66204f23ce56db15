"""Command palette entries: open a lesson, go to a step, export the trace, switch theme."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand

from tutor.lessons.labels import step_label
from tutor.tui import data

THEMES = {"dark": "textual-dark", "light": "textual-light"}


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
        spec = screen.frame.trace if screen.frame else ""
        if spec:
            for fmt, ext in data.EXPORT_FORMATS.items():
                yield SystemCommand(
                    f"Export trace as {fmt}",
                    f"write {spec} to {app.export_name(spec, ext)} in the current folder",
                    partial(app.export_trace, spec, fmt),
                )
    for name, theme in THEMES.items():
        yield SystemCommand(
            f"Theme: {name}", f"switch to the {name} theme", partial(app.set_theme, theme)
        )
    yield SystemCommand("Help: keys", "show every key", app.action_help)
