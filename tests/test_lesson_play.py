"""Every step of every lesson plays headless with `run`: a broken step anywhere fails here."""

from __future__ import annotations

import io

import pytest

from tests.lesson_cache import load_builtin_lessons
from tutor.cli import main
from tutor.experiments import registry
from tutor.lessons.labels import step_label
from tutor.lessons.model import ExperimentRunStep, RunStep

LESSONS = load_builtin_lessons().lessons

# Run-step experiments costing about a second or more that no figure needs (verify never runs
# them, nor does another experiment): played with a stand-in result so the suite stays fast.
STAND_INS = {
    "encoder_838_corrected",
    "encoder_838_lr_comparison",
    "encoder_838_hidden_code",
    "deep_xor_seeds",
    "deep_xor_lr_0p5",
    "tanh_seeds",
    "xor_leaky_he",
    "two_hidden_bce_nan",
    "two_hidden_chaos",
    "mnist",
    "mnist_dropout_compared",  # runs mnist and mnist_no_dropout (tests/test_mnist_predict.py)
    "regularization_dropout_sweep",  # tests/test_regularization_predict.py runs it
}


def stand_in(show: set[str]) -> dict:
    """A small result with every kind of part `run` can show, and each key a step shows."""
    table = {"columns": ["a", "b"], "rows": [[1, 0.5]], "caption": "stand-in"}
    return {
        "summary": "stand-in result",
        "accuracy": 0.75,
        "loss_curve": [0.7, 0.4, 0.1],
        "loss_epochs": [0, 1, 2],
        "tables": {"main": table, **{key: table for key in show}},
        "heatmap": {"rows": ["e1"], "columns": ["h1"], "values": [[0.5]], "caption": "h"},
        "boundary": {"x": [0, 1], "y": [0, 1], "grid": [[0.2, 0.8]], "points": [[0, 0, 0]]},
    }


@pytest.fixture
def fast_experiments(monkeypatch):
    shown: dict[str, set[str]] = {}
    for lesson in LESSONS:
        for step in lesson.steps:
            if isinstance(step, ExperimentRunStep):
                for experiment_id in step.experiment_ids:
                    shown.setdefault(experiment_id, set()).update(step.show)
    real = registry.run_experiment

    def run_experiment(experiment_id, progress=None):
        if experiment_id in STAND_INS:
            registry.get_experiment(experiment_id)  # it must exist
            return stand_in(shown.get(experiment_id, set()))
        return real(experiment_id, progress)

    monkeypatch.setattr(registry, "run_experiment", run_experiment)
    return shown


def test_the_stand_ins_are_run_steps_of_some_lesson(fast_experiments):
    assert STAND_INS <= set(fast_experiments)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_step_of_the_lesson_plays(lesson, fast_experiments, capsys):
    assert main(["run", lesson.id]) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    total = len(lesson.steps)
    for number, step in enumerate(lesson.steps, 1):
        label = step_label(lesson, step)  # as the TUI's header says it: 'given', 'figure check'
        assert f"[{number}/{total}] {step.title or step.kind}  ({label})" in captured.out
    assert "cannot show this step" not in captured.out
    assert captured.err == ""  # no progress bar when stderr is not a terminal


def test_every_step_kind_is_used_by_some_lesson():
    kinds = {step.kind for lesson in LESSONS for step in lesson.steps}
    assert kinds == {"prose", "reveal", "derive", "predict", "quiz", "run", "compare", "errata"}


class _Tty(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_long_run_shows_a_progress_bar_on_a_terminal(monkeypatch, capsys):
    lesson = next(lesson for lesson in LESSONS if lesson.id == "xor-221")
    runs = [s for s in lesson.steps if isinstance(s, RunStep)]
    number = lesson.steps.index(next(s for s in runs if s.experiment == "xor_relu")) + 1
    monkeypatch.delitem(registry._CACHE, "xor_relu", raising=False)  # run it, not the cache
    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    monkeypatch.setenv("COLUMNS", "120")  # room for the whole title beside the bar
    assert main(["run", "xor-221", "--step", str(number)]) == 0
    drawn = tty.getvalue()
    title = registry.get_experiment("xor_relu").title  # the learner's label, not the id
    assert f"\r{title} █" in drawn and "xor_relu" not in drawn
    assert "5000/5000  loss " in drawn and drawn.endswith("\n")
    assert "█" not in capsys.readouterr().out  # the bar never mixes into the lesson text
