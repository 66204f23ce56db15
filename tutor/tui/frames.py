"""A lesson as a sequence of frames: one per revealed value, one per other step.

A reveal step shows its values one at a time, so it expands into one frame per
value; every other step is one frame. Each frame knows which trace is in effect
and how far into that trace the student has seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tutor.engine.trace import Trace
from tutor.lessons.labels import step_label
from tutor.lessons.model import Lesson, PredictStep, ProseStep, RevealStep, Step, trace_of


@dataclass(frozen=True)
class Frame:
    """One screenful of a lesson."""

    step_index: int
    value_index: int  # position within a reveal step (0 otherwise)
    value_count: int  # values in that reveal step (1 otherwise)
    step: Step
    trace: str  # trace spec in effect ("" when the lesson has none yet)
    name: str  # the value computed or predicted in this frame ("" otherwise)
    phase: str  # the phase of `name`, else the step's label (tutor.lessons.labels)
    upto: int  # trace index of the last value already shown (-1: only the givens)
    shown: frozenset[str] = frozenset()  # the computed values on screen (givens always are)


def _first_trace(lesson: Lesson) -> str:
    """The network of the lesson's first step that names one (a prose step's is its own)."""
    traces = (trace_of(s) for s in lesson.steps if not isinstance(s, ProseStep))
    return next((trace for trace in traces if trace), "")


def with_inputs(trace: Trace, names: Iterable[str]) -> set[str]:
    """`names` and every value they are computed from, transitively."""
    result: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in result or name not in trace:
            continue
        result.add(name)
        todo.extend(trace[name].inputs)
    return result


def build_frames(
    lesson: Lesson, get_trace: Callable[[str], Trace]
) -> tuple[list[Frame], list[str]]:
    """The frames of `lesson`, and readable problems (a trace or name that does not exist)."""
    frames: list[Frame] = []
    problems: list[str] = []
    current = _first_trace(lesson)
    seen: dict[str, int] = {}
    # What the student has seen, per trace: a value once revealed or predicted, and what it uses.
    # A set, not a prefix of the trace: predicting w1+ early must not show w5+ … w8+ or the rest
    # of the backward pass before the steps that reveal them.
    shown: dict[str, frozenset[str]] = {}
    for k, step in enumerate(lesson.steps):
        if isinstance(step, ProseStep) and step.trace:
            # A prose step's network is its own (mnist-digit, summarised): the steps around it
            # keep the lesson's network.
            frames.append(Frame(k, 0, 1, step, step.trace, "", step_label(lesson, step), -1))
            continue
        if trace_of(step):
            current = trace_of(step)
        trace: Trace | None = None
        if current:
            try:
                trace = get_trace(current)
            except Exception as error:  # a missing example must not stop the lesson
                if not getattr(error, "summary_only", False):  # mnist-digit: shown summarised
                    problems.append(f"step {k + 1}: {error}")
        order = {v.name: i for i, v in enumerate(trace)} if trace is not None else {}
        upto = seen.get(current, -1)
        before = shown.get(current, frozenset())
        if isinstance(step, RevealStep) and trace is not None:
            names = [n for n in step.names if n in order]
            if not step.names:
                # A whole phase: skip what an earlier step already showed.
                in_phase = [v.name for v in trace if v.phase == step.phase]
                names = [n for n in in_phase if n not in before] or in_phase
            if step.phase == "given" and names:
                # Given values are not computed: one frame shows them all.
                upto = max(upto, *(order[n] for n in names))
                shown[current] = before | frozenset(names)
                frames.append(Frame(k, 0, 1, step, current, "", "given", upto, shown[current]))
                seen[current] = upto
                continue
            for j, name in enumerate(names):
                upto = max(upto, order[name])
                before = before | with_inputs(trace, [name])
                frames.append(
                    Frame(k, j, len(names), step, current, name, trace[name].phase, upto, before)
                )
            seen[current] = upto
            shown[current] = before
            if names:
                continue
        predict = step if isinstance(step, PredictStep) else None
        name = predict.target if predict is not None and predict.target in order else ""
        if predict is not None and not name and not predict.experiment:
            problems.append(f"step {k + 1}: no value {predict.target!r} to predict")
        phase = trace[name].phase if name and trace is not None else step_label(lesson, step)
        visible = max(upto, order[name] - 1) if name else upto
        uses = with_inputs(trace, trace[name].inputs) if name and trace is not None else set()
        frames.append(Frame(k, 0, 1, step, current, name, phase, visible, before | uses))
        if name:
            seen[current] = max(upto, order[name])
            shown[current] = before | uses | {name}
    return frames, problems
