"""The tutor's Textual app: a lesson picker, lesson screens, help, commands and themes."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.screen import Screen

from tutor.lessons.progress_store import ProgressStore
from tutor.tui.choices import THEMES
from tutor.tui.screen_css import read_screen_css
from tutor.tui.screens.picker import PickerScreen

if TYPE_CHECKING:
    from tutor.lessons.model import Lesson

REPLACED_COMMANDS = ("Keys", "Theme")  # Textual's, replaced by 'Help: keys' and 'Theme: …'


def tutor_commands_provider() -> type[Provider]:
    """The palette's provider of the tutor's commands, loaded when the palette first opens
    (Textual takes a callable in `COMMANDS` for that: the first paint does not wait for it)."""
    from tutor.tui.commands import TutorCommands

    return TutorCommands


class Backdrop(Screen):
    """The bottom screen of an app started in a lesson or the sandbox: blank, never in sight.

    The picker is built when the learner first goes back to it (`TutorApp.leave`), not
    composed, styled and filled before the first screen they asked for.
    """


class TutorApp(App):
    """Step through lessons, predict values, watch networks learn."""

    CSS_PATH = "app.tcss"
    TITLE = "backprop-tutor"
    # The tutor's commands show lesson titles: their own provider shows them as literal text.
    COMMANDS = App.COMMANDS | {tutor_commands_provider}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(
        self,
        lessons_dirs: list[Path] | None = None,
        data_dir: Path | None = None,
        builtin_lessons: bool = True,
        start_lesson: str | None = None,
        cursor_blink: bool = True,
        start_sandbox=None,
    ) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink  # Inputs read it on mount; tests turn it off
        from tutor.paths import data_dir as default_data_dir

        folders = [str(d) for d in lessons_dirs or []]
        self.lessons_source = ", ".join(
            (["the built-in lessons"] if builtin_lessons else []) + folders
        )
        # Parsing and validating the lesson files is most of the start-up: the picker paints
        # first and loads them in a worker (`load_lessons_now`); `lessons` waits for them.
        self._lessons_from = (lessons_dirs, builtin_lessons)
        self._lessons_lock = threading.Lock()
        self._lessons: list[Lesson] | None = None
        self._load_errors: list[str] = []
        self.store = ProgressStore(Path(data_dir) if data_dir else default_data_dir())
        self.start_lesson = start_lesson
        self.start_sandbox = start_sandbox  # a SandboxState to open first (`play`)
        theme = self.store.settings().get("theme")
        if not (isinstance(theme, str) and theme in THEMES.values()):
            theme = THEMES["dark"]
        self.theme = theme

    def load_lessons_now(self) -> None:
        """Read the lessons unless done (thread-safe: the picker calls it from a worker)."""
        from tutor.tui import data

        with self._lessons_lock:
            if self._lessons is None:
                self._lessons, self._load_errors = data.load_lessons(*self._lessons_from)

    @property
    def lessons_loaded(self) -> bool:
        """True once the lessons are read (reading `lessons` never finds them missing)."""
        return self._lessons is not None

    @property
    def lessons(self) -> list[Lesson]:
        """The lessons in order, read first if the picker's worker has not yet."""
        self.load_lessons_now()
        return self._lessons or []

    @property
    def load_errors(self) -> list[str]:
        """One readable line per lesson file that could not be loaded."""
        self.load_lessons_now()
        return self._load_errors

    def get_default_screen(self) -> Screen:
        """The picker is the first screen (not pushed over Textual's blank default screen,
        which was composed, styled and laid out for nothing before the first paint); started
        in a lesson or the sandbox, a blank Backdrop is, and the picker is built on leaving."""
        if self.start_lesson or self.start_sandbox is not None:
            return Backdrop()
        return PickerScreen()

    def on_mount(self) -> None:
        """Straight into a lesson or the sandbox if one was asked for (the picker if neither
        opens: an unknown lesson)."""
        if self.start_lesson:
            self.open_lesson(self.start_lesson)
        if self.start_sandbox is not None:
            self.open_sandbox(self.start_sandbox)
        if isinstance(self.screen, Backdrop):
            self.push_screen(PickerScreen())

    def push_styled(self, screen: Screen) -> None:
        """Push `screen`, its CSS files read first (`tutor.tui.screen_css`: no full reparse)."""
        read_screen_css(self, screen)
        self.push_screen(screen)

    def leave(self) -> None:
        """Close the top screen (a lesson, the sandbox): back to the screen below it, or to
        the picker, built now, when the app started without one."""
        if len(self.screen_stack) == 2 and isinstance(self.screen_stack[0], Backdrop):
            self.switch_screen(PickerScreen())
        else:
            self.pop_screen()

    def open_lesson(self, lesson_id: str | None) -> None:
        """Open the lesson `lesson_id` at its saved position (replacing an open lesson)."""
        from tutor.tui.screens.lesson import LessonScreen

        lesson = next((x for x in self.lessons if x.id == lesson_id), None)
        if lesson is None:
            self.notify(f"No lesson {lesson_id!r}.", severity="error", markup=False)
            return
        while isinstance(self.screen, LessonScreen) or self.screen.is_modal:
            self.pop_screen()
        self.store.save_settings(last_lesson=lesson.id)
        self.push_styled(LessonScreen(lesson, self.store.load(lesson.id)))
        for notice in self.store.take_notices():
            self.notify(notice, severity="warning", timeout=8, markup=False)

    # -- sandbox and graph ---------------------------------------------------------------------

    def open_sandbox(self, what) -> None:
        """Open the sandbox on a SandboxState, a preset or a built-in example's name."""
        from tutor import sandbox as sb
        from tutor.tui.screens.sandbox import SandboxScreen

        try:
            state = what if isinstance(what, sb.SandboxState) else sb.open_named(what)
        except (KeyError, sb.SandboxError) as error:
            self.notify(str(error.args[0]), severity="error", markup=False)
            return
        self.push_styled(SandboxScreen(state))

    def action_graph_of_step(self) -> None:
        """The computational graph of the traced step the current lesson step shows."""
        from tutor.engine.variants import parse_reference, trace_example_step
        from tutor.experiments.builtin_examples import get_example
        from tutor.tui.screens.graph import GraphScreen, graph_fits

        frame = getattr(self.screen, "frame", None)
        spec = frame.trace if frame is not None else ""
        name, variant = parse_reference(spec) if spec else ("", None)
        try:
            example = get_example(name) if name else None
        except KeyError:
            example = None
        if example is None or not graph_fits(example):
            self.notify(
                "No network small enough to draw as a graph here.", severity="warning", markup=False
            )
            return
        trace, _ = trace_example_step(example)
        note = f"(the exact step, not the {variant} variant)" if variant else ""
        self.push_styled(GraphScreen(example, trace, note))

    # -- export ---------------------------------------------------------------------------------

    @staticmethod
    def export_name(spec: str, ext: str) -> str:
        """`mazur@updated-weights` → `mazur_updated-weights-trace.txt`."""
        return f"{spec.replace('@', '_')}-trace.{ext}"

    def ask_export(self, spec: str, fmt: str) -> None:
        """Ask where to export `spec` as `fmt` (the current folder offered), then write it."""
        from tutor.tui import data
        from tutor.tui.screens.export import ExportScreen

        default = Path.cwd() / self.export_name(spec, data.EXPORT_FORMATS[fmt])

        def chosen(path: str | None) -> None:
            if path:
                self.export_trace(spec, fmt, Path(path).expanduser())

        self.push_screen(ExportScreen(f"the trace {spec} as {fmt}", str(default)), chosen)

    def export_trace(self, spec: str, fmt: str, path: Path | None = None) -> Path | None:
        """Export `spec` as `fmt` to `path` (default: its usual name in the current folder)."""
        from tutor.atomic import write_text_atomic
        from tutor.tui import data

        try:
            text = data.export_trace(spec, fmt)
        except data.DataError as error:
            self.notify(str(error), severity="error", markup=False)
            return None
        if path is None:
            path = Path.cwd() / self.export_name(spec, data.EXPORT_FORMATS[fmt])
        if path.is_dir():
            path = path / self.export_name(spec, data.EXPORT_FORMATS[fmt])
        try:
            write_text_atomic(path, text)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.notify(f"Not exported: {path}: {reason}", severity="error", markup=False)
            return None
        path = path.resolve()
        self.notify(self.short_path(path), title=f"Exported {spec} as {fmt}", markup=False)
        return path

    @staticmethod
    def short_path(path: Path) -> str:
        """`path` relative to the current folder when inside it (a short toast), else whole."""
        try:
            return str(path.relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    # -- themes, help, commands ----------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """Switch theme and remember it."""
        self.theme = theme
        self.store.save_settings(theme=theme)

    def action_toggle_theme(self) -> None:
        """Dark ↔ light."""
        dark = self.theme == THEMES["dark"]
        self.set_theme(THEMES["light"] if dark else THEMES["dark"])

    def action_help(self) -> None:
        """Show every key."""
        from tutor.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands less 'Keys' and 'Theme', which the tutor's help and themes
        replace (one entry per thing in the palette); `TutorCommands` provides the tutor's."""
        for command in super().get_system_commands(screen):
            if command.title not in REPLACED_COMMANDS:
                yield command
