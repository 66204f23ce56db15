"""Lesson 9's values to compute by hand, against the matrix trace and NumPy; its comparison."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.lessons.experiment_values import experiment_prediction
from tutor.lessons.grading import judge_value
from tutor.lessons.loader import load_lesson
from tutor.paths import lessons_dir

ID = "mnist_digit_by_hand"
KEYS = ("hidden.out_h3", "softmax.out_o1", "loss.E", "delta.delta_o1")
TOLERANCE = 5e-7


def given_numbers(lines) -> list[float]:
    """Every `name = number` of the given lines, in order."""
    numbers = []
    for line in lines:
        for part in line.split("=")[1:]:
            numbers.append(float(part.split()[0].rstrip(",")))
    return numbers


@pytest.fixture(scope="module")
def matrix():
    from tutor.engine.matrix import matrix_step
    from tutor.experiments.builtin_examples import get_example

    return matrix_step(get_example("mnist-digit"))


def test_lesson_9_asks_four_values_of_the_traced_digit():
    steps = load_lesson(lessons_dir() / "09-mnist.toml").steps
    asked = [s.target for s in steps if s.kind == "predict" and s.experiment == ID]
    assert asked == list(KEYS)


def test_the_softmax_output_is_the_traced_digits_and_follows_from_the_shown_nets():
    from tutor.engine.network import Cache
    from tutor.experiments.builtin_examples import get_example

    example = get_example("mnist-digit")
    assert int(np.argmax(example.target)) == 0  # o1 is the right digit
    cache = Cache()
    example.network.forward(np.atleast_2d(example.x), cache)
    z = cache.nets[1][0]
    asked = experiment_prediction(ID, "softmax.out_o1")
    assert asked.value == pytest.approx(math.exp(z[0]) / sum(math.exp(v) for v in z), abs=1e-12)
    shown = given_numbers(asked.given[1:])
    assert len(shown) == 10
    from_shown = math.exp(shown[0]) / sum(math.exp(v) for v in shown)
    assert abs(from_shown - asked.value) < TOLERANCE


def test_the_values_agree_with_the_matrix_trace(matrix):
    """The matrix form traces the same digit another way (`trace mnist-digit`)."""
    a2, z1 = matrix.matrices["A2"], matrix.matrices["Z1"]
    assert experiment_prediction(ID, "softmax.out_o1").value == pytest.approx(a2[0, 0], abs=1e-12)
    assert experiment_prediction(ID, "loss.E").value == pytest.approx(
        float(matrix.matrices["E_total"].ravel()[0]), abs=1e-12
    )
    delta = experiment_prediction(ID, "delta.delta_o1").value
    assert delta == pytest.approx(matrix.matrices["δ2"][0, 0], abs=1e-12)
    net = given_numbers(experiment_prediction(ID, "hidden.out_h3").given)[0]
    assert net == pytest.approx(z1[2, 0], abs=5e-10)


def test_the_hidden_unit_loss_and_delta():
    hidden = experiment_prediction(ID, "hidden.out_h3")
    net = given_numbers(hidden.given)[0]
    assert net < 0 and hidden.value == 0.0  # ReLU of a negative net input
    p = experiment_prediction(ID, "softmax.out_o1").value
    loss = experiment_prediction(ID, "loss.E")
    assert loss.value == pytest.approx(-math.log(p), abs=1e-12)
    assert abs(-math.log(given_numbers(loss.given)[0]) - loss.value) < TOLERANCE
    assert experiment_prediction(ID, "delta.delta_o1").value == pytest.approx(p - 1, abs=1e-12)


@pytest.mark.parametrize("key", KEYS)
def test_each_mistake_gets_its_own_hint_and_no_other(key):
    asked = experiment_prediction(ID, key)
    assert asked.mistakes
    for mistake in asked.mistakes:
        typed = f"{mistake.value:.6f}"
        verdict = judge_value(asked.value, float(typed), TOLERANCE, typed, asked.mistakes)
        assert not verdict.correct and verdict.message == mistake.hint
    right = f"{asked.value:.6f}"
    assert judge_value(asked.value, float(right), TOLERANCE, right, asked.mistakes).correct
    if asked.value != 0:
        rounded = f"{asked.value:.2f}"
        verdict = judge_value(asked.value, float(rounded), TOLERANCE, rounded, asked.mistakes)
        assert verdict.message == f"{rounded} agrees to 2 decimals; give 6."


def test_with_and_without_dropout_side_by_side_reuses_the_two_runs():
    from tutor.experiments.registry import run_experiment

    compared = run_experiment("mnist_dropout_compared")
    rows = compared["tables"]["dropout"]["rows"]
    assert [r[2] for r in rows] == [
        run_experiment("mnist")["accuracy"],
        run_experiment("mnist_no_dropout")["accuracy"],
    ]
    assert "mnist" not in compared["summary"].replace("MNIST", "")
