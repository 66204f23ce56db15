"""How the lesson screen shows each kind of step: one small view per kind, found by its class.

The screen (`tutor.tui.screens.lesson`) draws what every step has (the network, the values,
the title and text) and asks the step's view for the rest: `show` fills the step pane (or the
run area) below the prose, `computed` redraws it when a slow value (a derivation, a figure
check, an experiment's question, SymPy's formulas) arrives. `KIND_VIEWS` has one entry per
class of `tutor.lessons.kinds.STEP_KINDS`; `tests/test_step_kinds.py` fails when one is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from tutor.lessons.model import (
    CompareStep,
    DeriveStep,
    ErrataStep,
    ExperimentRunStep,
    PredictStep,
    ProseStep,
    QuizStep,
    RevealStep,
    RunStep,
    Step,
)
from tutor.tui import data
from tutor.tui.widgets.step_view import render_derivation

if TYPE_CHECKING:  # the screen imports this module
    from tutor.engine.trace import Trace
    from tutor.tui.frames import Frame
    from tutor.tui.screens.lesson import LessonScreen

S = TypeVar("S", bound=Step)


class KindView(Generic[S]):
    """A kind's part of the lesson screen; this base shows nothing beyond the step's prose."""

    # Shown to its last value, the step counts as done (a question is done once answered,
    # a run once it has run).
    done_when_seen: ClassVar[bool] = False

    def show(
        self, screen: LessonScreen, f: Frame, step: S, trace: Trace | None, new_step: bool
    ) -> None:
        """Fill the step pane (or the run area) for frame `f`; `trace` is the one on screen."""

    def computed(self, screen: LessonScreen, f: Frame, step: S, key: str) -> None:
        """The slow value `key` has arrived while `f` is on screen: redraw what shows it."""


class ProseView(KindView[ProseStep]):
    """Prose: the text is all."""

    done_when_seen = True


class RevealView(KindView[RevealStep]):
    """A revealed value: its formula with the numbers, and SymPy's form once computed."""

    done_when_seen = True

    def show(
        self, screen: LessonScreen, f: Frame, step: RevealStep, trace: Trace | None, new_step: bool
    ) -> None:
        """The value's work, when the frame reveals one."""
        if trace is not None and f.name:
            screen.show_value_work(f)

    def computed(self, screen: LessonScreen, f: Frame, step: RevealStep, key: str) -> None:
        """SymPy's formulas arrived: the work again, with them."""
        if key.startswith("forms:"):
            screen.show_value_work(f)


class DeriveView(KindView[DeriveStep]):
    """A derivation by SymPy, computed in a thread."""

    done_when_seen = True

    def show(
        self, screen: LessonScreen, f: Frame, step: DeriveStep, trace: Trace | None, new_step: bool
    ) -> None:
        """The derivation, or "Computing…" until it is ready."""
        key = f"derive:{f.trace}:{step.target}"
        screen.show_slow_work(key, data.derivation, (f.trace, step.target), render_derivation)

    def computed(self, screen: LessonScreen, f: Frame, step: DeriveStep, key: str) -> None:
        """Maybe the derivation arrived."""
        self.show(screen, f, step, None, False)


class PredictView(KindView[PredictStep]):
    """A value to compute: the formula and the answer box (an experiment's: its given lines)."""

    def show(
        self, screen: LessonScreen, f: Frame, step: PredictStep, trace: Trace | None, new_step: bool
    ) -> None:
        """The question, or the worked answer once solved."""
        if step.experiment:
            screen.show_experiment_predict(f, step)
        else:
            screen.show_predict(f, step, trace)

    def computed(self, screen: LessonScreen, f: Frame, step: PredictStep, key: str) -> None:
        """The experiment's numbers for the question arrived."""
        if key == screen.prediction_key(step):
            screen.show_experiment_predict(f, step)


class QuizView(KindView[QuizStep]):
    """The options to choose from, and their explanations once answered."""

    def show(
        self, screen: LessonScreen, f: Frame, step: QuizStep, trace: Trace | None, new_step: bool
    ) -> None:
        """The options, focused."""
        screen.show_quiz(f, step, new_step)


class RunView(KindView[ExperimentRunStep]):
    """A run or a comparison: the run area, started with r (results kept for the session)."""

    def show(
        self,
        screen: LessonScreen,
        f: Frame,
        step: ExperimentRunStep,
        trace: Trace | None,
        new_step: bool,
    ) -> None:
        """On arrival, what will run (or this session's results)."""
        if new_step and not screen.run_active:
            screen.show_run_intro(step)


class ErrataView(KindView[ErrataStep]):
    """A figure check: published beside computed, computed in a thread."""

    done_when_seen = True

    def show(
        self, screen: LessonScreen, f: Frame, step: ErrataStep, trace: Trace | None, new_step: bool
    ) -> None:
        """The check, or "Computing…" until it is ready."""
        key = f"figure:{screen.lesson.id}:{step.figure}"
        screen.show_slow_work(
            key,
            data.figure_view,
            (screen.lesson, step.figure, screen.stop_when_closed),
            screen.render_figure,
        )

    def computed(self, screen: LessonScreen, f: Frame, step: ErrataStep, key: str) -> None:
        """Maybe the check arrived."""
        self.show(screen, f, step, None, False)


KIND_VIEWS: dict[type[Step], KindView[Any]] = {
    ProseStep: ProseView(),
    RevealStep: RevealView(),
    DeriveStep: DeriveView(),
    PredictStep: PredictView(),
    QuizStep: QuizView(),
    RunStep: RunView(),
    CompareStep: RunView(),
    ErrataStep: ErrataView(),
}


def view_of(step: Step) -> KindView[Any]:
    """The view of `step`'s kind."""
    return KIND_VIEWS[type(step)]
