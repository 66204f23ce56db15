"""Lesson 8's values to compute by hand: checked against independent computations, and its sweep."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.experiments.regularization import data
from tutor.experiments.regularization_by_hand import lesson_network
from tutor.lessons.experiment_values import experiment_prediction
from tutor.lessons.grading import judge_value
from tutor.lessons.loader import load_lesson
from tutor.paths import lessons_dir

ID = "regularization_by_hand"
KEYS = ("dropout.out_h1_3", "l2.w1", "penalty.E")
TOLERANCE = 5e-7


def lesson_steps():
    return load_lesson(lessons_dir() / "08-regularization.toml").steps


def mean_bce(W1, net, X, T) -> float:
    """The lesson's error from scratch: ReLU, ReLU, sigmoid, mean binary cross-entropy."""
    (l1, l2, l3) = net.layers
    h1 = np.maximum(X @ W1 + l1.b, 0)
    h2 = np.maximum(h1 @ l2.W + l2.b, 0)
    y = 1 / (1 + np.exp(-(h2 @ l3.W + l3.b)))
    return float(np.mean(-(T * np.log(y) + (1 - T) * np.log(1 - y))))


def test_lesson_8_asks_its_values_before_any_run_shows_them():
    steps = lesson_steps()
    asked = [s.target for s in steps if s.kind == "predict" and s.experiment == ID]
    assert sorted(asked) == sorted(KEYS)
    for k, step in enumerate(steps):
        if step.kind == "predict":
            assert all(s.kind != "run" or "by_hand" not in s.experiment for s in steps[:k])


def test_the_dropped_out_unit_is_its_relu_output_divided_by_p():
    net, X, _ = lesson_network()
    h = np.maximum(X[0] @ net.layers[0].W + net.layers[0].b, 0)
    asked = experiment_prediction(ID, "dropout.out_h1_3")
    assert h[2] > 0  # a kept unit with something to rescale
    assert asked.value == pytest.approx(h[2] / 0.7, abs=1e-12)
    shown = dict(line.split("=", 1) for line in asked.given if line.strip().startswith("out_h1_3"))
    out = float(shown["  out_h1_3 "].split()[0])
    assert abs(out / 0.7 - asked.value) < TOLERANCE  # the shown digits are enough
    assert any("m3 = 1" in line for line in asked.given)


def test_the_decayed_weight_against_a_finite_difference_gradient():
    net, X, T = lesson_network()
    W1 = net.layers[0].W.copy()
    h = 1e-6
    plus, minus = W1.copy(), W1.copy()
    plus[0, 0] += h
    minus[0, 0] -= h
    g = (mean_bce(plus, net, X, T) - mean_bce(minus, net, X, T)) / (2 * h)
    w = W1[0, 0]
    asked = experiment_prediction(ID, "l2.w1")
    assert asked.value == pytest.approx(w - 0.1 * (g + 0.01 * w), abs=1e-8)
    given_w, given_g = (float(line.split("=")[1].split()[0]) for line in asked.given[:2])
    assert abs(given_w - 0.1 * (given_g + 0.01 * given_w) - asked.value) < TOLERANCE


def test_the_penalised_error_from_scratch():
    net, X, T = lesson_network()
    squares = sum(float(np.sum(layer.W**2)) for layer in net.layers)
    expected = mean_bce(net.layers[0].W, net, X, T) + 0.01 / 2 * squares
    assert experiment_prediction(ID, "penalty.E").value == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("key", KEYS)
def test_each_mistake_gets_its_own_hint_and_no_other(key):
    asked = experiment_prediction(ID, key)
    assert asked.mistakes
    for mistake in asked.mistakes:
        typed = f"{mistake.value:.6f}"
        verdict = judge_value(asked.value, float(typed), TOLERANCE, typed, asked.mistakes)
        assert not verdict.correct and verdict.message == mistake.hint
        others = [m.hint for m in asked.mistakes if m is not mistake]
        assert not any(hint in verdict.message for hint in others)
    rounded = f"{asked.value:.3f}"
    verdict = judge_value(asked.value, float(rounded), TOLERANCE, rounded, asked.mistakes)
    assert verdict.message == f"{rounded} agrees to 3 decimals; give 6."
    right = f"{asked.value:.6f}"
    assert judge_value(asked.value, float(right), TOLERANCE, right, asked.mistakes).correct


def test_the_lessons_mistakes_are_the_ones_the_issue_names():
    dropout = experiment_prediction(ID, "dropout.out_h1_3")
    l2 = experiment_prediction(ID, "l2.w1")
    net, X, _ = lesson_network()
    out = np.maximum(X[0] @ net.layers[0].W + net.layers[0].b, 0)[2]
    assert any(m.value == pytest.approx(out) and "divided" in m.hint for m in dropout.mistakes)
    w = net.layers[0].W[0, 0]
    # the L2 term with the wrong sign: w − η·(g − λw), i.e. the right value + 2ηλw
    assert any(
        m.value == pytest.approx(l2.value + 2 * 0.1 * 0.01 * w) and "sign of the L2" in m.hint
        for m in l2.mistakes
    )


def test_the_keep_probability_sweep_reuses_the_lessons_runs_and_says_what_the_text_says():
    from tutor.experiments.registry import get_experiment, run_experiment

    assert get_experiment("regularization_dropout_sweep").title
    sweep = run_experiment("regularization_dropout_sweep")
    rows = sweep["tables"]["sweep"]["rows"]
    assert [r[0] for r in rows] == ["0.3", "0.5", "0.7", "0.9", "1"]
    none = run_experiment("regularization_none")
    assert rows[-1][1:3] == [none["train_accuracy"], none["held_out_accuracy"]]
    assert rows[1][2] == run_experiment("regularization_dropout")["held_out_accuracy"]
    # the lesson's claim: every p below 1 does better on the held-out points than no dropout
    assert all(r[2] > rows[-1][2] for r in rows[:-1])
    assert len(data()[0]) == 40
