"""Lessons 6 and 7 make the student compute (issue 12): predict steps on their own networks,
asked before any output shows their answer, and mistake hints named only on that mistake's
value, each value recomputed here by hand from the trace's inputs."""

from __future__ import annotations

import math

import pytest

from tests.lesson_cache import load_builtin_lessons
from tutor.lessons.grading import decimals_asked, judge
from tutor.lessons.mistakes import HINTS
from tutor.lessons.mistakes_outputs import OUTPUT_HINTS
from tutor.lessons.model import CompareStep, QuizStep, RevealStep
from tutor.lessons.references import get_trace

LESSONS = {lesson.id: lesson for lesson in load_builtin_lessons().lessons}
PRACTICE = ["two-hidden-layers", "deep-network"]
ALL_HINTS = {**HINTS, **OUTPUT_HINTS}


def predict_steps(lesson_id: str):
    return [s for s in LESSONS[lesson_id].steps if s.kind == "predict"]


@pytest.mark.parametrize("lesson_id", PRACTICE)
def test_each_lesson_asks_at_least_three_predictions_on_its_own_network(lesson_id):
    own = {"two-hidden-layers": "two-hidden", "deep-network": "deep-xor"}[lesson_id]
    steps = predict_steps(lesson_id)
    assert len(steps) >= 3
    assert all(s.trace == own for s in steps)


def _shown_text(step) -> str:
    """Everything a step prints besides traced values: text, title, options, explanations."""
    parts = [step.title, step.text]
    for option in step.options if isinstance(step, QuizStep) else ():
        parts += [option.text, option.explanation]
    return "\n".join(parts)


@pytest.mark.parametrize("lesson_id", PRACTICE)
def test_no_prediction_follows_output_that_contains_its_answer(lesson_id):
    steps = LESSONS[lesson_id].steps
    for k, step in enumerate(steps):
        if step.kind != "predict":
            continue
        trace = get_trace(step.trace)
        answer = trace.value(step.target)
        shown = f"{answer:.{min(4, decimals_asked(step.tolerance))}f}".lstrip("-")
        for before in steps[:k]:
            names = before.names if isinstance(before, RevealStep) else ()
            assert step.target not in names, (k, before.title)
            if isinstance(before, RevealStep) and before.phase:
                assert trace[step.target].phase != before.phase, (k, before.title)
            assert shown not in _shown_text(before), (k, before.title, shown)


def test_lesson_7_asks_which_learning_rate_ends_at_ln_2_before_running_them():
    steps = LESSONS["deep-network"].steps
    quiz = next(k for k, s in enumerate(steps) if s.kind == "quiz" and "ln 2" in s.text)
    runs = [s for s in steps if isinstance(s, CompareStep) and "deep_xor_lr_2" in s.experiments]
    run = steps.index(runs[0])
    assert quiz < run
    right = [o.text for o in steps[quiz].options if o.correct]
    assert right == ["2"]
    assert all("0.693147" not in _shown_text(s) for s in steps[:quiz])


def test_lesson_6_flags_the_update_typo_as_an_erratum():
    steps = LESSONS["two-hidden-layers"].steps
    erratum = [s for s in steps if s.title.startswith("Erratum") and "lr * grad_w_i" in s.text]
    assert len(erratum) == 1
    update = next(k for k, s in enumerate(steps) if s.kind == "predict" and s.target == "w16+")
    assert steps.index(erratum[0]) > update  # the erratum names w16's wrong value: after


# -- the mistakes, each value by hand --------------------------------------------------------


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def by_hand() -> dict[str, tuple[str, str, float]]:
    """kind → (trace, value name, the mistake's value from the lessons' formulas)."""
    two = get_trace("two-hidden").as_dict()
    deep = get_trace("deep-xor").as_dict()
    # two-hidden, point 1: ŷ from the last hidden layer (no bias), y = 1
    z3 = sum(two[f"w{16 + k}"] * two[f"out_h2_{k + 1}[1]"] for k in range(3))
    y_hat = sigmoid(z3)
    y = two["t_o1[1]"]
    grad_w16 = sum(
        (
            sigmoid(sum(two[f"w{16 + k}"] * two[f"out_h2_{k + 1}[{s}]"] for k in range(3)))
            - two[f"t_o1[{s}]"]
        )
        * two[f"out_h2_1[{s}]"]
        for s in range(21)
    )
    # deep-xor, row 2: softmax over the batch's rows instead of the row's outputs
    nets_o2 = [deep[f"net_o2[{s}]"] for s in range(4)]
    across = math.exp(nets_o2[2]) / sum(math.exp(z) for z in nets_o2)
    grad_w81 = sum(
        (
            math.exp(deep[f"net_o1[{s}]"])
            / (math.exp(deep[f"net_o1[{s}]"]) + math.exp(deep[f"net_o2[{s}]"]))
            - deep[f"t_o1[{s}]"]
        )
        * deep[f"out_h2_1[{s}]"]
        for s in range(4)
    )
    return {
        "slope_again": ("two-hidden", "delta_o1[1]", (y_hat - y) * y_hat * (1 - y_hat)),
        "softmax_axis": ("deep-xor", "out_o2[2]", across),
        "mean_for_sum": ("two-hidden", "dE_total/dw16", grad_w16 / 21),
        "sum_for_mean": ("deep-xor", "dE_total/dw81", grad_w81),
        "step_only": ("two-hidden", "w16+", two["eta"] * grad_w16),
    }


def test_every_new_mistake_kind_is_tested():
    assert set(by_hand()) == set(OUTPUT_HINTS)


@pytest.mark.parametrize("kind", sorted(OUTPUT_HINTS))
def test_typing_a_new_mistakes_value_gets_exactly_its_hint(kind):
    spec, name, wrong = by_hand()[kind]
    tolerance = 5e-7
    typed = f"{wrong:.6f}"
    verdict = judge(get_trace(spec), name, float(typed), tolerance, typed)
    assert not verdict.correct
    assert verdict.mistake == kind
    assert verdict.message == OUTPUT_HINTS[kind]
    assert all(hint not in verdict.message for k, hint in ALL_HINTS.items() if k != kind)


def test_the_sign_of_a_softmax_delta_is_named():
    deep = get_trace("deep-xor").as_dict()
    p = math.exp(deep["net_o2[2]"]) / (math.exp(deep["net_o1[2]"]) + math.exp(deep["net_o2[2]"]))
    typed = f"{deep['t_o2[2]'] - p:.6f}"  # y − ŷ instead of ŷ − y
    verdict = judge(get_trace("deep-xor"), "delta_o2[2]", float(typed), 5e-7, typed)
    assert verdict.mistake == "sign" and verdict.message == HINTS["sign"]


@pytest.mark.parametrize(
    ("spec", "name"), [("two-hidden", "delta_o1[1]"), ("deep-xor", "delta_o2[2]")]
)
def test_a_log_loss_has_no_half_to_drop(spec, name):
    trace = get_trace(spec)
    typed = f"{2 * trace.value(name):.6f}"
    verdict = judge(trace, name, float(typed), 5e-7, typed)
    assert verdict.mistake == ""
    assert not any(hint in verdict.message for hint in ALL_HINTS.values())


@pytest.mark.parametrize("lesson_id", PRACTICE)
def test_every_prediction_rounded_short_gets_the_precision_message(lesson_id):
    for step in predict_steps(lesson_id):
        trace = get_trace(step.trace)
        typed = f"{trace.value(step.target):.3f}"
        verdict = judge(trace, step.target, float(typed), step.tolerance, typed)
        asked = decimals_asked(step.tolerance)
        assert not verdict.correct and verdict.mistake == "", step.target
        assert verdict.message.endswith(f"give {asked}."), (step.target, verdict.message)
        typed = f"{trace.value(step.target):.{asked}f}"
        assert judge(trace, step.target, float(typed), step.tolerance, typed).correct


def test_lesson_6_asks_about_106_and_275_before_any_step_explains_them():
    steps = LESSONS["two-hidden-layers"].steps
    quiz = next(k for k, s in enumerate(steps) if s.kind == "quiz" and "275" in s.text)
    assert not any("previous call" in _shown_text(s) for s in steps[:quiz])
    assert any("previous call" in _shown_text(s) for s in steps[quiz + 1 :])
