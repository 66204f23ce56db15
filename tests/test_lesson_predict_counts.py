"""Issue 12: every lesson but the knowledge check makes the student compute (>= 3 predict steps)."""

from __future__ import annotations

import pytest

from tutor.lessons.loader import load_lessons
from tutor.lessons.references import check_references


@pytest.mark.parametrize("lesson_id", ["regularization", "mnist", "neuron-perceptron"])
def test_at_least_three_predict_steps_whose_references_hold(lesson_id):
    lesson = load_lessons().get(lesson_id)
    predicts = [s for s in lesson.steps if s.kind == "predict"]
    assert len(predicts) >= 3
    assert check_references(lesson) == []
    for step in predicts:  # learner-facing text names no experiment or result key
        assert step.experiment not in step.text and step.target not in step.text


def test_every_lesson_of_the_course_but_the_quiz_has_three_numeric_predictions():
    counts = {
        lesson.id: sum(step.kind == "predict" for step in lesson.steps)
        for lesson in load_lessons().lessons
    }
    assert {lid: n for lid, n in counts.items() if n < 3} == {"knowledge-check": 0}


def test_lesson_1s_neuron_values_from_the_printed_weights_alone():
    """The slides print the starting weights; from them (and nothing of the engine's) the three
    answers follow, to the 6 decimals asked."""
    import math

    from tutor.experiments.registry import run_experiment

    w = [-0.1280102, -0.94814754, 0.09932496]  # printed by the slides' program
    rows = [([0, 0, 1], 0), ([1, 1, 1], 1), ([1, 0, 1], 1), ([0, 1, 1], 0)]

    def out(x):
        return 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x))))

    result = run_experiment("neuron_by_hand")
    assert abs(result["net_of_row_2"] - sum(w)) < 5e-7
    assert abs(result["out_of_row_2"] - out([1, 1, 1])) < 5e-7
    w1 = w[0] + sum(x[0] * (t - out(x)) * out(x) * (1 - out(x)) for x, t in rows)
    assert abs(result["w1_after_step_1"] - w1) < 5e-7
    # a named mistake is never the right answer
    for key in ("net_of_row_2", "out_of_row_2", "w1_after_step_1"):
        assert all(abs(v - result[key]) > 1e-3 for v in result["mistakes"][key].values())
