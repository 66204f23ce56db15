"""Hints that are true (issue 12): a mistake is named only when the typed value is that mistake's
value, recomputed here by hand from the trace's numbers; any other wrong value gets a measured
message; placeholders ask for a format, never show a value."""

from __future__ import annotations

import math

import pytest

from tutor.engine import traced_step
from tutor.experiments.builtin_examples import get_example
from tutor.lessons.grading import decimals_agreeing, decimals_asked, judge, placeholder
from tutor.lessons.mistakes import HINTS


@pytest.fixture(scope="module")
def traces():
    ex = get_example("mazur")
    exact, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    slip, _ = traced_step(
        ex.network, ex.x, ex.target, ex.loss, ex.learning_rate, backprop_weights="updated"
    )
    return exact, slip


def by_hand(v: dict) -> dict[str, tuple[str, float, float]]:
    """kind → (value name, the mistake's value from the slides' formulas, step tolerance)."""
    sig = 1 / (1 + math.exp(v["net_h1"]))  # σ(+net): the exponent's minus sign dropped
    return {
        "no_bias": ("net_h1", v["w1"] * v["i1"] + v["w2"] * v["i2"], 5e-5),
        "no_activation": ("out_h1", v["net_h1"], 5e-7),
        "exp_sign": ("out_h1", sig, 5e-7),
        "half_dropped": ("E_o1", (v["t_o1"] - v["out_o1"]) ** 2, 5e-7),
        "sign": ("dE_total/dout_o1", v["t_o1"] - v["out_o1"], 5e-7),
        "slope_of_net": ("dout_o1/dnet_o1", v["net_o1"] * (1 - v["net_o1"]), 5e-7),
        "missing_derivative": ("dE_total/dw5", (v["out_o1"] - v["t_o1"]) * v["out_h1"], 5e-7),
        "missing_sum": ("dE_total/dout_h1", v["delta_o1"] * v["w5"], 5e-8),
        "updated_weights": (
            "dE_total/dout_h1",
            v["delta_o1"] * v["w5+"] + v["delta_o2"] * v["w7+"],
            5e-8,
        ),
    }


def test_every_mistake_kind_is_tested(traces):
    from tests.test_grading_more_slips import cases  # lessons 3-5's kinds, on their networks

    assert set(by_hand(traces[0].as_dict())) | set(cases()) == set(HINTS)


MAZUR_KINDS = (
    "no_bias no_activation exp_sign half_dropped sign slope_of_net missing_derivative"
    " missing_sum updated_weights"
).split()  # the kinds the worked example can show; the others: test_grading_more_slips.py


@pytest.mark.parametrize("kind", MAZUR_KINDS)
def test_typing_a_mistakes_value_gets_exactly_its_hint(traces, kind):
    exact, slip = traces
    name, wrong, tolerance = by_hand(exact.as_dict())[kind]
    typed = f"{wrong:.{decimals_asked(tolerance)}f}"  # typed to the decimals the step asks
    verdict = judge(exact, name, float(typed), tolerance, typed, slip)
    assert not verdict.correct
    assert verdict.mistake == kind
    assert verdict.message == HINTS[kind]
    assert all(other not in verdict.message for k, other in HINTS.items() if k != kind)


@pytest.mark.parametrize(
    "name, typed, tolerance, message",
    [
        ("out_h1", "0.5933", 5e-7, "0.5933 agrees to 4 decimals; give 6."),
        ("w1+", "0.1497807", 5e-10, "0.1497807 agrees to 7 decimals; give 9."),
        ("dE_total/dw5", "0.08", 5e-7, "0.08 agrees to 2 decimals; give 6."),
    ],
)
def test_the_right_value_to_fewer_decimals_gets_the_precision_message(
    traces, name, typed, tolerance, message
):
    exact, slip = traces
    verdict = judge(exact, name, float(typed), tolerance, typed, slip)
    assert not verdict.correct and verdict.mistake == "" and verdict.message == message
    assert not any(hint in verdict.message for hint in HINTS.values())


def test_the_right_value_to_the_decimals_asked_is_accepted(traces):
    exact, slip = traces
    for name, tolerance in (("out_h1", 5e-7), ("w1+", 5e-10), ("dE_total/dout_h1", 5e-8)):
        typed = f"{exact.value(name):.{decimals_asked(tolerance)}f}"
        assert judge(exact, name, float(typed), tolerance, typed, slip).correct


def test_a_value_near_a_mistake_but_outside_the_tolerance_names_no_mistake(traces):
    exact, slip = traces
    # 0.0302 is the updated-weights value to 4 decimals only: the step asks for 7
    verdict = judge(exact, "dE_total/dout_h1", 0.0302, 5e-8, "0.0302", slip)
    assert verdict.mistake == "" and "agrees to 1 decimal; give 7." in verdict.message


def test_decimals_asked_and_agreeing():
    assert [decimals_asked(t) for t in (5e-5, 5e-7, 5e-10, 1e-6, 0.5)] == [4, 6, 9, 6, 0]
    assert decimals_agreeing(0.5933, 0.593269992) == 4
    assert decimals_agreeing(12.0, 0.3) == -1


def test_placeholders_ask_for_a_format_never_a_value():
    assert placeholder(5e-7) == "a number to 6 decimals"
    assert placeholder(0.05) == "a number to 1 decimal"


def test_an_answer_wrong_in_the_first_decimal_is_told_so_not_agrees_to_0_decimals():
    """Seen in tmux: 0.377 for out_h1 (0.593…) read '0.377 agrees to 0 decimals; give 6'."""
    from tutor.lessons.grading import _verdict

    verdict = _verdict(0.593269992, 0.377, 5e-7, "0.377", None)
    assert verdict.message == "0.377 is off in the first decimal already; the step asks 6 decimals."
    assert _verdict(0.593269992, 0.59, 5e-7, "0.59", None).message.startswith("0.59 agrees to")
