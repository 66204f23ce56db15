"""Command palette entries: open a lesson, go to a step, export the trace, switch theme."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand

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
            title = step.title or step.kind
            yield SystemCommand(
                f"Go to step {k + 1}: {title}",
                f"{step.kind} step of {screen.lesson.title}",
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
    yield from sandbox_commands(app, screen)
    for name, theme in THEMES.items():
        yield SystemCommand(
            f"Theme: {name}", f"switch to the {name} theme", partial(app.set_theme, theme)
        )
    yield SystemCommand("Help: keys", "show every key", app.action_help)


SANDBOXES = {"mazur": "the 2-2-2 worked example", "xor": "XOR, a 2-3-1 sigmoid network"}


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
