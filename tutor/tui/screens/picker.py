"""The lesson picker: every lesson with its summary and progress; Enter opens one."""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tutor.tui.choices import SANDBOXES
from tutor.tui.typed_app import tutor_app
from tutor.tui.widgets.footer import StableFooter

RESUME = "resume"
LOADING = "Loading lessons…"
LOAD_WORKER = "load lessons"


class PickerScreen(Screen):
    """Lists the lessons; the first line resumes the last lesson opened."""

    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        """Header, title, the list, load problems, footer."""
        yield Header(show_clock=False)
        yield Static("Choose a lesson and press Enter.  ? for help", id="picker-title")
        yield OptionList(id="lessons")
        yield Static("", id="picker-errors")
        yield StableFooter()  # rebuilt only when its keys change

    def on_mount(self) -> None:
        """Fill the list; if the lessons are not read yet, say so and read them in a worker
        once this first picture is painted (it then waits for nothing)."""
        if tutor_app(self).lessons_loaded:
            self.refresh_list()
            return
        self.query_one("#lessons", OptionList).add_option(Option(LOADING, disabled=True))
        self.query_one("#picker-errors", Static).display = False
        self.call_after_refresh(self.start_loading)

    def start_loading(self) -> None:
        """Read the lessons off the UI thread; `on_worker_state_changed` fills the list."""
        self.run_worker(
            tutor_app(self).load_lessons_now, name=LOAD_WORKER, thread=True, group="lessons"
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The lessons arrived: show them."""
        if event.worker.name == LOAD_WORKER and event.state == WorkerState.SUCCESS:
            self.refresh_list()

    def on_screen_resume(self) -> None:
        """Progress may have changed in the lesson: redraw (once the lessons are read)."""
        if tutor_app(self).lessons_loaded:
            self.refresh_list()

    def refresh_list(self) -> None:
        """One option per lesson (title, summary, progress), a resume line first."""
        from tutor.tui.marks import lesson_tally  # after the first paint, with the lessons

        app = tutor_app(self)
        listing = self.query_one("#lessons", OptionList)
        listing.clear_options()
        last = app.store.settings().get("last_lesson")
        entries: list[Option] = []
        by_id = {lesson.id: lesson for lesson in app.lessons}
        if last in by_id:
            step = app.store.load(last).position[0] + 1
            label = Text.assemble(
                ("▶ Resume ", "bold"), (by_id[last].title, "bold"), (f"  at step {step}", "dim")
            )
            entries.append(Option(label, id=RESUME))
        for lesson in app.lessons:
            tally = lesson_tally(lesson, app.store.load(lesson.id))
            mark = "✓" if tally.done else " "  # ✓: all seen, every question right
            card = Group(
                Text.assemble((f"{mark} {lesson.title}", "bold"), (f"  {tally.label()}", "dim")),
                Padding(Text(lesson.summary), (0, 0, 0, 4)),
            )
            entries.append(Option(card, id=f"lesson:{lesson.id}"))
        for name, about in SANDBOXES.items():
            label = Text.assemble(("▷ Sandbox: ", "bold"), (name, "bold"), (f"  {about}", "dim"))
            entries.append(Option(label, id=f"sandbox:{name}"))
        listing.add_options(entries)
        if entries:
            listing.highlighted = 0
        listing.focus()
        errors = self.query_one("#picker-errors", Static)
        problems = list(app.load_errors)
        if not app.lessons:
            problems.insert(0, f"No lessons found in {app.lessons_source}.")
        errors.update(Text("\n".join(problems), style="red") if problems else "")
        errors.display = bool(problems)
        for notice in app.store.take_notices():
            app.notify(notice, severity="warning", timeout=8, markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen lesson."""
        option_id = event.option.id or ""
        app = tutor_app(self)
        if option_id == RESUME:
            app.open_lesson(app.store.settings().get("last_lesson"))
        elif option_id.startswith("lesson:"):
            app.open_lesson(option_id.split(":", 1)[1])
        elif option_id.startswith("sandbox:"):
            app.open_sandbox(option_id.split(":", 1)[1])
