"""The lesson screen: the network, the current step, and the phase's values so far."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tutor.engine.trace import PHASES, format_number
from tutor.lessons.display_names import learner_source, trace_name
from tutor.lessons.labels import instructor_summary
from tutor.lessons.lesson_progress import LessonProgress
from tutor.lessons.model import (
    DeriveStep,
    ExperimentRunStep,
    Lesson,
    PredictStep,
    QuizStep,
    variant_of,
)
from tutor.tui import data
from tutor.tui.frames import Frame, build_frames
from tutor.tui.fresh_screen import FreshScreen
from tutor.tui.kind_views import view_of
from tutor.tui.marks import step_mark
from tutor.tui.messages import Computed, RunFinished, RunProgress, RunStopped
from tutor.tui.typed_app import tutor_app
from tutor.tui.widgets.footer import StableFooter
from tutor.tui.widgets.network_view import NetworkView
from tutor.tui.widgets.run_panel import RunPanel
from tutor.tui.widgets.step_view import StepView, render_formula_only, render_work
from tutor.tui.widgets.values_table import ValuesTable


def run_label(experiment_id: str) -> str:
    """An experiment as the run area names it: its title, short enough for the plot's legend."""
    title = data.experiment_title(experiment_id)
    return title if len(title) <= 40 else title[:39].rstrip() + "…"


def titled(results) -> list:
    """(experiment id, result) pairs with each id replaced by its label."""
    return [(run_label(experiment_id), result) for experiment_id, result in results]


MIN_SIZE = (78, 22)  # below this the lesson cannot be laid out; a message says so


class LessonScreen(FreshScreen):
    """Steps through one lesson; every number shown comes from `tutor.tui.data`."""

    CSS_PATH = "../lesson.tcss"  # read when the first lesson opens: the picker paints without it
    AUTO_FOCUS = ""  # the step keys belong to the screen unless an answer is being typed

    BINDINGS = [
        Binding("right,n,space", "next", "Next", key_display="→"),
        Binding("left,p", "previous", "Back", key_display="←"),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("f", "phase('forward')", "Forward", show=False),
        Binding("e", "phase('error')", "Error", show=False),
        Binding("b", "phase('backward')", "Backward", show=False),
        Binding("u", "phase('update')", "Update", show=False),
        Binding("g", "goto", "Go to"),
        Binding("G", "app.graph_of_step", "Graph", show=False),
        Binding("v", "toggle_variant", "Variant", show=False),
        Binding("m", "toggle_matrix", "Matrix view", show=False),
        Binding("i", "expand_note", "Expand note", show=False),
        Binding("I", "toggle_instructor", "Instructor notes", show=False),
        Binding("r,enter", "run", "Run", show=False),
        Binding("l", "log_scale", "Log scale", show=False),
        Binding("pagedown", "scroll_step(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_step(-1)", "Scroll up", show=False),
        Binding("escape", "escape", "Back", show=False, priority=True),
        Binding("q", "back", "Lessons"),
    ]

    def __init__(self, lesson: Lesson, progress: LessonProgress) -> None:
        super().__init__()
        self.lesson = lesson
        self.progress = progress
        self.frames, self.problems = build_frames(lesson, data.trace_for)
        self.index = 0
        self.variant_on = False
        self.matrix_on = False  # key m: the network area shows the step in matrix form
        self._run_token = 0
        self._run_active = False
        self._run_cancel = threading.Event()
        self._gone = threading.Event()  # set on unmount: slow work in threads stops
        self._last_step = -1
        # The answer box or quiz options that had the focus when the terminal became too small.
        self._focus_while_small: Widget | None = None
        self._save_timer: Timer | None = None
        self._computed: dict[str, object] = {}  # key → value, or DataError
        self._pending: set[str] = set()
        self._forward = True  # arriving at a predict step going forward focuses its answer box
        self.expanded: set[int] = set()  # instructor notes opened with i (step indexes)
        self._hide_notes: bool | None = None  # the setting, read when first needed

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Network on top; step and values side by side below; the run area for runs."""
        yield Static("", id="position")
        yield Static("", id="too-small")
        with Vertical(id="main"):
            yield NetworkView(id="network")
            with Horizontal(id="lower"):
                yield StepView(id="step")
                with VerticalScroll(id="values-pane", can_focus=False):
                    yield ValuesTable(id="values")
            yield RunPanel(id="run")
        yield StableFooter()  # rebuilt only when its keys change

    def on_mount(self) -> None:
        """Go to the saved position and draw."""
        self.title = self.lesson.title
        step, value = self.progress.position
        self.index = self._frame_of(step, value)
        self._check_size(self.size.width, self.size.height)
        self.show_frame()
        base = next((f.trace.partition("@")[0] for f in self.frames if f.trace), "")
        if base:  # SymPy's formulas, in the background: they cost a second the first time
            self.computed(f"forms:{base}", data.symbolic_formulas, base)
        for problem in self.problems:
            self.notify(
                problem, title="Lesson problem", severity="warning", timeout=8, markup=False
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While 'terminal too small' shows, only leaving works: keys must not move the lesson."""
        if self.has_class("-too-small"):
            return action in ("back", "escape")
        return True

    def on_resize(self, event: events.Resize) -> None:
        """Show a 'too small' message instead of a broken layout; refit the position line."""
        self._check_size(event.size.width, event.size.height)
        if self.frame is not None:
            self._show_position(self.frame)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        if small != self.has_class("-too-small"):
            self.set_class(small, "-too-small")
            self.refresh_bindings()  # the footer offers only what works
        if small and isinstance(self.focused, (Input, OptionList)):
            self._focus_while_small = self.focused
            self.set_focus(None)  # a hidden answer box must not take keys either
        elif not small and self._focus_while_small is not None:
            widget, self._focus_while_small = self._focus_while_small, None
            if widget.is_attached and widget.display:
                self.set_focus(widget)  # enlarged again: typing goes on where it was
        if small:
            need = f"{MIN_SIZE[0]}×{MIN_SIZE[1]}"
            self.query_one("#too-small", Static).update(
                f"Terminal too small ({width}×{height}).\nThe lesson needs at least {need}; "
                "80×24 or more is best.\nEnlarge the window, or press q."
            )

    # The parts every step redraws, looked up once: a query walks the screen's every widget,
    # and a step key asked for a dozen of them.

    @cached_property
    def step_view(self) -> StepView:
        """The step pane."""
        return self.query_one(StepView)

    @cached_property
    def network_view(self) -> NetworkView:
        """The network area."""
        return self.query_one(NetworkView)

    @cached_property
    def values_table(self) -> ValuesTable:
        """The values table."""
        return self.query_one(ValuesTable)

    @cached_property
    def values_pane(self) -> VerticalScroll:
        """The scrolling pane around the values table."""
        return self.query_one("#values-pane", VerticalScroll)

    @cached_property
    def position_line(self) -> Static:
        """`step k of n · …` under the header."""
        return self.query_one("#position", Static)

    # -- frames -------------------------------------------------------------------------------

    @property
    def frame(self) -> Frame | None:
        """The frame on screen (None for a lesson without steps)."""
        return self.frames[self.index] if self.frames else None

    def _frame_of(self, step: int, value: int = 0) -> int:
        """Index of the frame of lesson step `step` (0-based), value `value` within it."""
        best = 0
        for i, f in enumerate(self.frames):
            if f.step_index < step or (f.step_index == step and f.value_index <= value):
                best = i
        return best

    def _trace_spec(self, frame: Frame) -> str:
        """The trace shown: the frame's, or its variant when toggled on."""
        variant = variant_of(frame.step) if frame.step else ""
        if self.variant_on and variant and frame.trace:
            return f"{frame.trace.partition('@')[0]}@{variant}"
        return frame.trace

    def shown_trace(self) -> str:
        """The trace spec the screen shows now ("" when it shows no traced network)."""
        f = self.frame
        if f is None or not f.trace or self.has_class("-no-trace") or self.has_class("-run"):
            return ""
        return self._trace_spec(f)

    def _trace(self, spec: str):
        try:
            return data.trace_for(spec) if spec else None
        except data.DataError:
            return None

    def _answer(self, step_index: int) -> dict:
        return self.progress.answers.setdefault(str(step_index), {})

    def _solved(self, frame: Frame) -> bool:
        record = self.progress.answers.get(str(frame.step_index), {})
        return bool(record.get("correct") or record.get("revealed"))

    def _mark(self, frame: Frame) -> str:
        """✓ only for a question answered right; a wrong one, and a step only seen, differ."""
        return step_mark(frame.step, frame.step_index, self.progress)

    def _visible(self, i: int, trace) -> tuple[set[str], set[str]]:
        """(values shown, values hidden) at frame `i`."""
        f = self.frames[i]
        visible = {v.name for v in trace if v.phase == "given"} | set(f.shown)
        hidden: set[str] = set()
        if isinstance(f.step, PredictStep) and f.name:
            if self._solved(f):
                visible.add(f.name)
            else:
                visible.discard(f.name)
                hidden.add(f.name)
        return visible, hidden

    def go(self, index: int) -> None:
        """Show frame `index` (clamped)."""
        if not self.frames:
            return
        index = max(0, min(index, len(self.frames) - 1))
        index = self._skip_hidden_notes(index, 1 if index >= self.index else -1)
        if index == self.index and self._last_step >= 0:
            return
        # Forward, or a jump (g, a phase key, Home/End): the answer box takes the typing. One
        # step back (←) does not, so ← ← walks back over a predict step.
        self._forward = index > self.index or abs(index - self.index) > 1
        self.index = index
        self.show_frame()

    def show_frame(self) -> None:
        """Redraw everything for the current frame."""
        f = self.frame
        if f is None:
            self.step_view.set_prose("This lesson has no steps.", "")
            return
        runs = isinstance(f.step, ExperimentRunStep)
        if self._run_active and not runs:
            self.cancel_run()
        new_step = f.step_index != self._last_step
        if new_step:
            self.variant_on = False
            self.remove_class("-compare")
        if self._collapsed(f):
            self._show_collapsed(f)
            return
        spec = self._trace_spec(f)
        trace = self._trace(spec)
        if trace is not None and isinstance(f.step, DeriveStep) and f.step.target not in trace:
            trace = None  # deriving σ or ReLU: the lesson's network would only be clutter
        summary = self._summary(spec) if trace is None else None
        self._show_position(f)
        self.set_class(runs, "-run")
        self.set_class(trace is None and summary is None, "-no-trace")
        self.set_class(summary is not None, "-summary")
        if trace is not None:
            self._show_trace(f, trace)
        elif summary is not None:
            self._show_summary(f, summary)
        self._show_step(f, trace, new_step)
        if f.value_index == f.value_count - 1 and view_of(f.step).done_when_seen:
            self.progress.completed.add(f.step_index)
        self.progress.position = [f.step_index, f.value_index]
        self.progress.touch(f.step_index)
        self._last_step = f.step_index
        self._schedule_save()

    def _summary(self, spec: str):
        """The matrix form of a network too large to trace value by value, else None."""
        try:
            return data.summary_for(spec) if spec else None
        except data.DataError:
            return None

    def _show_summary(self, f: Frame, summary) -> None:
        """The network area for a too-large network: layer summaries, or (m) a matrix step."""
        if self.matrix_on:  # the step of the value, else the selected output's
            from tutor.tui.widgets.layer_summary import selected_output

            name = f.name or f"delta_o{selected_output(summary) + 1}"
            self.network_view.show_matrix(summary, name)
        else:
            self.network_view.show_summary(summary, f.name)

    # -- instructor notes ---------------------------------------------------------------------

    def hiding_notes(self) -> bool:
        """True when the learner chose (key I) to skip every instructor note."""
        if self._hide_notes is None:  # read once: the step keys must not read a file
            self._hide_notes = bool(tutor_app(self).store.settings().get("hide_instructor"))
        return self._hide_notes

    def _collapsed(self, f: Frame) -> bool:
        return f.step.instructor and f.step_index not in self.expanded

    def _skip_hidden_notes(self, index: int, direction: int) -> int:
        """`index`, or the nearest frame past it (in `direction`) that is not a hidden note."""
        if not self.hiding_notes():
            return index
        i = index
        while 0 <= i < len(self.frames) and self.frames[i].step.instructor:
            i += direction
        if 0 <= i < len(self.frames):
            return i
        return self.index  # nothing but notes that way: stay

    def _show_collapsed(self, f: Frame) -> None:
        """An instructor note as one line; i opens it."""
        self._show_position(f)
        self.set_class(False, "-run")
        self.set_class(True, "-no-trace")
        view = self.step_view
        view.set_prose(instructor_summary(f.step), "")
        view.set_part("feedback", None)
        view.answer.display = False
        view.quiz.display = False
        view.set_work(Text("I hides or shows every instructor note.", style="dim italic"))
        self.set_focus(None)
        self.progress.position = [f.step_index, f.value_index]
        self.progress.touch(f.step_index)
        self._last_step = f.step_index
        self._schedule_save()

    def action_expand_note(self) -> None:
        """Open (or close again) the instructor note on screen."""
        f = self.frame
        if f is None or not f.step.instructor:
            self.notify("This step is not an instructor note.", markup=False)
            return
        self.expanded ^= {f.step_index}
        self._last_step = -1  # redraw the step from its title
        self.show_frame()

    def action_toggle_instructor(self) -> None:
        """Skip every instructor note (remembered), or show them collapsed again."""
        hide = self._hide_notes = not self.hiding_notes()
        tutor_app(self).store.save_settings(hide_instructor=hide)
        shown = "skipped" if hide else "shown collapsed (i expands one)"
        self.notify(f"Instructor notes {shown}.", timeout=3, markup=False)
        f = self.frame
        if hide and f is not None and f.step.instructor:
            self.go(self._skip_hidden_notes(self.index, 1))

    def _show_position(self, f: Frame) -> None:
        """`step k of n · value j of m · phase` under the header."""
        parts = [f"step {f.step_index + 1} of {len(self.lesson.steps)}"]
        if f.value_count > 1:
            parts.append(f"value {f.value_index + 1} of {f.value_count}")
        parts.append(f.phase)
        mark = self._mark(f)
        if f.step.instructor:
            parts.append("instructor note")
        if mark:
            parts.append(mark)
        if self.variant_on:
            parts.append(f"variant {variant_of(f.step)}")
        # Without the reactive's refresh: no Header shows it, and the refresh would repaint
        # the whole screen on every step (#position below is what shows it).
        sub_title = " · ".join(parts)
        self.set_reactive(LessonScreen.sub_title, sub_title)
        room = self.size.width - 2 - len(sub_title) - 2  # #position's padding, the gap
        title = self.lesson.title
        if len(title) > room:  # the title gives way: the position is what changes
            title = title[: room - 1] + "…" if room > 1 else ""
        self.position_line.update(
            Text.assemble((title, "bold"), "  " if title else "", (sub_title, "")),
            layout=False,  # one line whatever it says (height 1, the screen's width)
        )

    def _show_trace(self, f: Frame, trace) -> None:
        """The network and the values table for frame `f`."""
        visible, hidden = self._visible(self.index, trace)
        previous: set[str] = set()
        if self.index > 0 and self.frames[self.index - 1].trace == f.trace:
            previous, _ = self._visible(self.index - 1, trace)
        current = f.name
        if not (self.matrix_on and self._show_matrix(f, current in hidden)):
            self.network_view.show(trace, visible, current, hidden)
        phase = f.phase if f.phase in PHASES else ""
        if not phase:
            shown = [v for v in trace if v.name in visible and v.phase != "given"]
            phase = shown[-1].phase if shown else "given"
        names = [
            v.name for v in trace if v.phase == phase and (v.name in visible or v.name in hidden)
        ]
        table = self.values_table
        base = self._trace(f.trace)
        if self.variant_on and base is not None and base is not trace:
            all_names = [v.name for v in base if v.name in visible or v.phase == "given"]
            table.compare(base, trace, "original", variant_of(f.step) or "variant", all_names)
        else:
            table.show(trace, names, visible - previous, current, hidden, f"{phase} values")
        # The newest value is the last row: keep it in sight.
        self.values_pane.scroll_end(animate=False, immediate=True)

    # -- the step pane --------------------------------------------------------------------------

    def _show_step(self, f: Frame, trace, new_step: bool) -> None:
        view = self.step_view
        step = f.step
        title = step.title or step.kind.capitalize()
        if new_step:
            view.set_prose(title, step.text)
        view.set_part("feedback", None)
        self.set_focus(None)
        answer = view.answer
        quiz = view.quiz
        answer.display = False
        quiz.display = False
        view.set_work()
        view_of(step).show(self, f, step, trace, new_step)
        if new_step:
            view.scroll_home(animate=False)

    @property
    def run_active(self) -> bool:
        """True while an experiment runs."""
        return self._run_active

    def show_run_intro(self, step: ExperimentRunStep) -> None:
        """The run area on arriving at a run: what runs, or this session's results of it."""
        ids = step.experiment_ids
        titles = ", ".join(data.experiment_title(i) for i in ids)
        panel = self.query_one(RunPanel)
        panel.set_prose(step.title or step.kind.capitalize(), step.text)
        cached = data.cached_runs(ids)
        unit = data.experiment_unit(ids)
        if cached is None:
            panel.reset(f"{titles}\nPress r or Enter to start the run.", unit)
        else:  # ran earlier this session: its results again, without a rerun
            panel.reset(f"{titles}\nDone (results of this session's run).", unit)
            panel.finished(titled(cached), step.show)
        panel.scroll_home(animate=False)

    def show_value_work(self, f: Frame) -> None:
        """The revealed value's formula with its numbers, and SymPy's form once computed."""
        trace = self._trace(self._trace_spec(f))
        if trace is not None and f.name:
            self.step_view.set_work(render_work(trace, f.name, self._sympy_formula(f)))

    def _sympy_formula(self, f: Frame) -> str | None:
        """SymPy's Unicode formula for the frame's value, once computed."""
        forms = self._computed.get(f"forms:{f.trace.partition('@')[0]}")
        return forms.get(f.name) if isinstance(forms, dict) else None

    def show_slow_work(
        self, key: str, func: Callable[..., Any], args: tuple, render: Callable[[Any], Group]
    ) -> None:
        """A derivation or a figure check: `func(*args)` computed in a thread, then `render`ed."""
        view = self.step_view
        result = self.computed(key, func, *args)
        if result is None:
            view.set_work(Text("Computing…", style="italic"))
        elif isinstance(result, data.DataError):
            view.set_work(Text(str(result), style="italic"))
        else:
            view.set_work(render(result))

    def computed(self, key: str, func, *args):
        """The value of `key` if ready; else None, and `func(*args)` starts in a thread."""
        if key in self._computed:
            return self._computed[key]
        if key not in self._pending:
            self._pending.add(key)
            self._compute(key, func, args)
        return None

    def stop_when_closed(self, done: int, total: int, loss: float | None = None) -> bool | None:
        """An experiment's progress callback for the slow work of a step (a figure check, a
        prediction's numbers): False, which stops the experiment, once this screen is closed.

        Its result would be shown nowhere, and it would hold a core for seconds after the
        learner left, and hold the app's exit too (asyncio waits for its worker threads).
        """
        return False if self._gone.is_set() else None

    @work(thread=True, group="compute", exit_on_error=False)
    def _compute(self, key: str, func, args) -> None:
        """Compute a slow value off the UI thread; report it by a message."""
        try:
            value, error = func(*args), ""
        except data.DataError as problem:
            value, error = None, str(problem)
        except Exception as problem:  # a failing derivation must not take the TUI down
            value, error = None, f"{type(problem).__name__}: {problem}"
        self.post_message(Computed(key, value, error))

    def on_computed(self, message: Computed) -> None:
        """Keep a slow value and redraw the step if it shows it."""
        self._pending.discard(message.key)
        self._computed[message.key] = (
            data.DataError(message.error) if message.error else message.value
        )
        f = self.frame
        if f is None or self._collapsed(f):
            return
        view_of(f.step).computed(self, f, f.step, message.key)

    def show_predict(self, f: Frame, step: PredictStep, trace) -> None:
        """A traced value to compute: its formula and the answer box, or the worked answer."""
        view = self.step_view
        answer = view.answer
        if trace is None or not f.name:
            view.set_work(Text("This step's value is not available.", style="italic"))
            return
        record = self.progress.answers.get(str(f.step_index), {})
        if self._solved(f):
            verdict = "✓ Correct." if record.get("correct") else "The worked answer:"
            view.set_work(Text(verdict, style="bold"), render_work(trace, f.name))
            self.set_focus(None)
            return
        self._show_tries(f, step, trace, view)
        answer.display = True
        answer.value = ""
        answer.placeholder = data.answer_placeholder(step.tolerance)
        if self._forward:
            self.set_focus(answer)  # now, not deferred: a quick next key must not race it
        self.call_after_refresh(view.scroll_end, animate=False)

    @staticmethod
    def prediction_key(step: PredictStep) -> str:
        """The key of the experiment's value a predict step asks ("" for a traced value)."""
        return f"predict:{step.experiment}:{step.target}" if step.experiment else ""

    def _asked_value(self, step: PredictStep):
        """The experiment's value the step asks (with given/worked lines), or None if not ready."""
        return self.computed(
            self.prediction_key(step),
            data.experiment_prediction,
            step.experiment,
            step.target,
            self.stop_when_closed,
        )

    def show_experiment_predict(self, f: Frame, step: PredictStep) -> None:
        """A value no trace holds: the numbers given, the answer box; the working once solved."""
        view = self.step_view
        answer = view.answer
        asked = self._asked_value(step)
        if asked is None:
            view.set_work(Text("Computing the numbers of this question…", style="italic"))
            return
        if isinstance(asked, data.DataError):
            view.set_work(Text(f"This step's value is not available: {asked}", style="italic"))
            return
        given = Text("\n".join(asked.given), overflow="fold") if asked.given else Text("")
        if self._solved(f):
            record = self.progress.answers.get(str(f.step_index), {})
            verdict = "✓ Correct." if record.get("correct") else "The worked answer:"
            worked = asked.worked or (format_number(asked.value, 9),)
            view.set_work(given, Text(verdict, style="bold"), Text("\n".join(worked), "bold"))
            answer.display = False
            return
        left = step.tries - int(self.progress.answers.get(str(f.step_index), {}).get("tries", 0))
        view.set_work(
            given,
            Text(
                f"Type your answer and press Enter ({left} of {step.tries} tries left). "
                "While the box is empty, → and ← step on and back.",
                "italic",
            ),
        )
        if not answer.display:
            answer.display = True
            answer.value = ""
            answer.placeholder = data.answer_placeholder(step.tolerance)
            if self._forward:
                self.set_focus(answer)
        self.call_after_refresh(view.scroll_end, animate=False)

    def _show_tries(self, f: Frame, step: PredictStep, trace, view: StepView) -> None:
        """The formula to use and how many tries are left."""
        left = step.tries - int(self.progress.answers.get(str(f.step_index), {}).get("tries", 0))
        view.set_work(
            render_formula_only(trace, f.name),
            Text(
                f"Type {f.name} and press Enter ({left} of {step.tries} tries left). "
                "While the box is empty, → and ← step on and back.",
                "italic",
            ),
        )

    def show_quiz(self, f: Frame, step: QuizStep, new_step: bool) -> None:
        """The quiz's options, focused; the explanations once answered."""
        view = self.step_view
        quiz = view.quiz
        quiz.display = True
        if new_step or quiz.option_count != len(step.options):
            quiz.clear_options()
            # Literal text: a quiz option is lesson data, never Textual markup.
            quiz.add_options(
                [Option(Content(o.text), id=str(i)) for i, o in enumerate(step.options)]
            )
            quiz.highlighted = 0
        record = self.progress.answers.get(str(f.step_index))
        if record and "choice" in record:
            view.set_part("feedback", self._render_explanations(step, int(record["choice"])))
        self.set_focus(quiz)
        # Below a long question (a small terminal with the network pane) the options would sit
        # out of sight: once laid out, scroll just enough to show them (the text stays above).
        self.call_after_refresh(quiz.scroll_visible, animate=False)

    def _render_explanations(self, step: QuizStep, choice: int) -> Table:
        table = Table(box=None, padding=(0, 1), show_header=False)
        table.add_column(no_wrap=True)
        table.add_column()
        for i, option in enumerate(step.options):
            mark = "✓" if option.correct else "✗"
            style = "bold green" if option.correct else "red"
            chosen = " ← your answer" if i == choice else ""
            table.add_row(Text(mark, style=style), Text.assemble((option.text, "bold"), chosen))
            table.add_row("", Text(option.explanation, style="italic"))
        return table

    def render_figure(self, view) -> Group:
        """Published above computed, then the verdict, then the erratum: stacked, so a narrow
        pane wraps the words and never cuts a digit."""
        table = Table(box=None, padding=(0, 1), show_header=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        computed = format_number(view.computed, 9) if view.computed is not None else "—"
        style = "bold green" if view.verdict == "agrees" else "bold red"
        table.add_row("published", Text(view.figure.published, no_wrap=True, overflow="fold"))
        table.add_row("computed", Text(computed, no_wrap=True, overflow="fold"))
        table.add_row("verdict", Text(view.verdict, style=style))
        source = Text(learner_source(view.detail or view.figure.source), style="italic")
        parts: list[RenderableType] = [table, source]
        if self.frame is not None and variant_of(self.frame.step):
            parts.append(Text("\nPress v to toggle the variant: the values that differ in red."))
        return Group(*parts)

    # -- answers ----------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Grade a predicted value."""
        event.stop()
        f = self.frame
        if f is None or not isinstance(f.step, PredictStep) or not (f.name or f.step.experiment):
            return
        view = self.step_view
        try:
            value = data.parse_answer(event.value)
        except ValueError as error:
            view.set_part("feedback", Text(str(error), style="bold yellow"))
            return
        trace = self._trace(f.trace)
        if f.step.experiment:
            asked = self._asked_value(f.step)
            if asked is None or isinstance(asked, data.DataError):
                view.set_part("feedback", Text("The numbers are not ready yet.", "yellow"))
                return
            verdict = data.judge_value(asked, value, f.step.tolerance, event.value)
        else:
            verdict = data.judge(f.trace, f.name, value, f.step.tolerance, event.value)
        record = self._answer(f.step_index)
        record["tries"] = int(record.get("tries", 0)) + 1
        record["answer"] = event.value.strip()
        self.progress.touch(f.step_index, "answered")
        if verdict.correct:
            record["correct"] = True
            self.progress.completed.add(f.step_index)
            self._save_now()
            self.show_frame()
            self.step_view.set_part(
                "feedback", Text(f"✓ {format_number(value, 9)} is right.", style="bold green")
            )
            return
        tries = record["tries"]
        if tries >= f.step.tries:
            record["revealed"] = True
            self.progress.completed.add(f.step_index)
            self._save_now()
            self.show_frame()
            self.step_view.set_part(
                "feedback",
                Text(f"✗ {event.value.strip()} is not it; see the worked answer.", "red"),
            )
            return
        self._save_now()
        hint = verdict.message
        if not verdict.mistake and verdict.agreeing < 2 and f.step.hints:
            # far off and no known mistake: the lesson's own reminder of the method
            hint += " " + f.step.hints[min(tries, len(f.step.hints)) - 1]
        left = f.step.tries - tries
        if f.step.experiment:
            self.show_experiment_predict(f, f.step)
        else:
            self._show_tries(f, f.step, trace, view)
        view.set_part(
            "feedback",
            Text.assemble(
                (f"✗ {event.value.strip()} is not right. ", "bold red"),
                hint,
                (f"  ({left} {'try' if left == 1 else 'tries'} left)", "dim"),
            ),
        )
        event.input.value = ""
        view.scroll_end(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Grade a quiz answer and show every option's explanation."""
        event.stop()
        f = self.frame
        if f is None or not isinstance(f.step, QuizStep):
            return
        choice = int(event.option.id or 0)
        record = self._answer(f.step_index)
        record["choice"] = choice
        record["correct"] = bool(f.step.options[choice].correct)
        self.progress.touch(f.step_index, "answered")
        self.progress.completed.add(f.step_index)
        self._save_now()
        self.step_view.set_part("feedback", self._render_explanations(f.step, choice))
        self._show_position(f)

    # -- runs -------------------------------------------------------------------------------------

    def action_run(self) -> None:
        """Start the run of a run or compare step (on a predict step: to the answer box)."""
        f = self.frame
        if f is not None and isinstance(f.step, PredictStep) and not self._solved(f):
            self.set_focus(self.query_one("#answer", Input))
            return
        if f is None or not isinstance(f.step, ExperimentRunStep) or self._run_active:
            return
        self._run_token += 1
        self._run_active = True
        self._run_cancel.clear()
        panel = self.query_one(RunPanel)
        panel.reset("Running…  Esc cancels.", data.experiment_unit(f.step.experiment_ids))
        panel.scroll_to_widget(panel.query_one("#run-status"), animate=False, top=True)
        self.run_worker_thread(f.step.experiment_ids, self._run_token)

    @work(thread=True, exclusive=True, exit_on_error=False, group="run")
    def run_worker_thread(self, ids: tuple[str, ...], token: int) -> None:
        """Run the experiments in a thread; report only by posting messages."""
        worker = get_current_worker()
        cancelled = data.cancelled_error()
        results = []
        for index, experiment_id in enumerate(ids):
            points: list[tuple[float, float]] = []
            last = [0.0]

            def progress(done, total, loss=None, index=index, points=points, last=last):
                if worker.is_cancelled or self._run_cancel.is_set():
                    return False
                if loss is not None:
                    points.append((float(done), float(loss)))
                now = time.monotonic()
                if now - last[0] >= 0.05 or done >= total:
                    last[0] = now
                    self.post_message(RunProgress(token, index, done, total, tuple(points)))
                return None

            try:
                results.append((experiment_id, data.run_experiment(experiment_id, progress)))
            except cancelled:
                self.post_message(RunStopped(token, "Run cancelled.", True))
                return
            except data.DataError as error:
                self.post_message(RunStopped(token, f"Cannot run: {error}", False))
                return
            except Exception as error:  # a failing experiment must not take the TUI down
                self.post_message(RunStopped(token, f"The run failed: {error!r}", False))
                return
        self.post_message(RunFinished(token, tuple(results)))

    def on_run_progress(self, message: RunProgress) -> None:
        """Move the bar and the live curve."""
        if message.token != self._run_token or not self._run_active:
            return
        f = self.frame
        ids = f.step.experiment_ids if f and isinstance(f.step, ExperimentRunStep) else ()
        known = message.index < len(ids)
        label = run_label(ids[message.index]) if known else "loss"
        panel = self.query_one(RunPanel)
        panel.progress(label, message.done, message.total, message.points)
        # The learner reads titles, never ids: the title is looked up by the id, not the label.
        title = data.experiment_title(ids[message.index]) if known else "the run"
        panel.status(f"Running {title}: {message.done}/{message.total}.  Esc cancels.")

    def on_run_finished(self, message: RunFinished) -> None:
        """Show the results."""
        if message.token != self._run_token:
            return
        self._run_active = False
        f = self.frame
        if f is None or not isinstance(f.step, ExperimentRunStep):
            return
        panel = self.query_one(RunPanel)
        panel.status("Done.")
        panel.finished(titled(message.results), f.step.show)
        self.progress.completed.add(f.step_index)
        self._show_position(f)
        self._schedule_save()

    def on_run_stopped(self, message: RunStopped) -> None:
        """A cancelled or failed run: say so, stay responsive."""
        if message.token != self._run_token:
            return
        self._run_active = False
        if self.frame is not None and isinstance(self.frame.step, ExperimentRunStep):
            self.query_one(RunPanel).status(f"{message.reason}  Press r to run again.")
        severity: SeverityLevel = "information" if message.cancelled else "error"
        self.notify(message.reason, severity=severity, markup=False)

    def cancel_run(self) -> None:
        """Ask the running experiment to stop (its progress callback returns False)."""
        if self._run_active:
            self._run_cancel.set()
            self.workers.cancel_group(self, "run")

    def on_unmount(self) -> None:
        """Stop a run and the slow work of steps, and save, when the screen goes away."""
        self._run_cancel.set()
        self._gone.set()
        self._save_now()

    # -- actions ------------------------------------------------------------------------------

    def action_log_scale(self) -> None:
        """The run's loss curve on a log scale, or linear again."""
        if not self.has_class("-run"):
            return
        from tutor.tui.widgets.loss_plot import LossPlot

        log = self.query_one(LossPlot).toggle_log()
        self.notify(f"Loss axis: {'log' if log else 'linear'} scale.", timeout=2, markup=False)

    def action_scroll_step(self, direction: int) -> None:
        """Page the step text (or the run results) up or down."""
        pane = self.query_one(RunPanel) if self.has_class("-run") else self.step_view
        (pane.scroll_page_down if direction > 0 else pane.scroll_page_up)(animate=False)

    def action_next(self) -> None:
        """Next value or step."""
        self.go(self.index + 1)

    def action_previous(self) -> None:
        """Previous value or step."""
        self.go(self.index - 1)

    def action_first(self) -> None:
        """First step."""
        self.go(0)

    def action_last(self) -> None:
        """Last step."""
        self.go(len(self.frames) - 1)

    def action_phase(self, phase: str) -> None:
        """Jump to the first value of `phase`."""
        self.jump_to_phase(phase)

    def jump_to_phase(self, phase: str) -> None:
        """The first frame of `phase`."""
        for i, f in enumerate(self.frames):
            if f.phase == phase:
                self.go(i)
                return
        self.notify(f"This lesson has no {phase} values.", severity="warning", markup=False)

    def jump_to(self, target: str) -> bool:
        """Go to a step number (1-based) or the frame of a value name; False if none."""
        if target.isdigit():
            step = int(target) - 1
            if 0 <= step < len(self.lesson.steps):
                self.go(self._frame_of(step, 0))
                return True
            count = len(self.lesson.steps)
            self.notify(f"No step {target}: this lesson has {count}.", markup=False)
            return False
        for i, f in enumerate(self.frames):
            if f.name == target:
                self.go(i)
                return True
        self.notify(f"No step shows {target!r}.", severity="warning", markup=False)
        return False

    def action_goto(self) -> None:
        """Ask for a step or a value and go there."""
        from tutor.tui.screens.goto import GotoScreen

        def done(answer: str | None) -> None:
            if answer:
                self.jump_to(answer)

        self.app.push_screen(GotoScreen(), done)

    def _show_matrix(self, f: Frame, hide_result: bool) -> bool:
        """The step's matrix form in the network area; False (and a notice) if unavailable."""
        try:
            matrix_trace = data.matrix_for(self._trace_spec(f))
        except data.DataError as error:
            self.notify(f"No matrix view: {error}", severity="warning", markup=False)
            self.matrix_on = False
            return False
        name = f.name
        if not name and isinstance(f.step, DeriveStep) and f.step.target:
            name = f"dE_total/d{f.step.target}"  # the gradient the derivation is about
        self.network_view.show_matrix(matrix_trace, name, hide_result)
        return True

    def action_toggle_matrix(self) -> None:
        """Toggle the network area between the neurons and the matrix form of this step."""
        f = self.frame
        if f is None or not f.trace:
            self.notify("This step has no network to show in matrix form.", markup=False)
            return
        self.matrix_on = not self.matrix_on
        self.show_frame()

    def action_toggle_variant(self) -> None:
        """Show the step's variant trace (and what differs), or the original again."""
        f = self.frame
        if f is None or not variant_of(f.step):
            self.notify("This step has no variant to toggle.", markup=False)
            return
        self.variant_on = not self.variant_on
        spec = self._trace_spec(f)
        trace = self._trace(spec)
        if trace is None:
            self.variant_on = False
            self.notify(f"{trace_name(spec)} is unavailable.", severity="warning", markup=False)
            return
        self._show_position(f)
        self.set_class(self.variant_on, "-compare")
        self._show_trace(f, trace)
        # The variant's note goes in the step pane, not in a toast over the values table.
        name = trace_name(spec)
        note = Text.assemble(
            (f"{name[:1].upper()}{name[1:]}: ", "bold"), data.variant_note(spec) or ""
        )
        self.step_view.set_part("feedback", note if self.variant_on else None)

    def action_escape(self) -> None:
        """Cancel a run, else leave the answer box, else back to the lessons."""
        if self._run_active:
            self.cancel_run()
            self.query_one(RunPanel).status("Cancelling…")
        elif isinstance(self.focused, (Input, OptionList)):
            self.set_focus(None)
        else:
            self.action_back()

    def action_back(self) -> None:
        """Back to the lesson picker."""
        self.cancel_run()
        self._save_now()
        tutor_app(self).leave()

    # -- saving -------------------------------------------------------------------------------

    def _schedule_save(self) -> None:
        """Save soon, once, however fast the keys come."""
        if self._save_timer is None:
            self._save_timer = self.set_timer(0.5, self._save_now)

    def _save_now(self) -> None:
        self._save_timer = None
        tutor_app(self).store.save(self.progress)
