"""Typed answers are parsed strictly; the usual mistakes are recognised from the trace's numbers."""

import pytest

from tutor.engine import traced_step
from tutor.experiments.builtin_examples import get_example
from tutor.lessons.answers import AnswerError, is_correct, parse_number
from tutor.lessons.mistakes import candidates, diagnose


@pytest.mark.parametrize(
    "text, value",
    [
        ("0.5933", 0.5933),
        ("5.933e-1", 0.5933),
        (".59327", 0.59327),
        (" -0.2 ", -0.2),
        ("−0.2", -0.2),
        ("1E3", 1000.0),
        ("+3", 3.0),
    ],
)
def test_numbers_are_accepted(text, value):
    assert parse_number(text) == pytest.approx(value, abs=0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "1+1",
        "2*3",
        "0x10",
        "1_000",
        "nan",
        "inf",
        "1e999",
        "e5",
        "1.2.3",
        "__import__('os')",
    ],
)
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(AnswerError) as error:
        parse_number(text)
    assert "number" in str(error.value) or "large" in str(error.value)


def test_grading_uses_the_absolute_tolerance():
    assert is_correct(0.59327, 0.593269992, 5e-5)
    assert not is_correct(0.5932, 0.593269992, 5e-5)


@pytest.fixture(scope="module")
def traces():
    ex = get_example("mazur")
    exact, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    slip, _ = traced_step(
        ex.network, ex.x, ex.target, ex.loss, ex.learning_rate, backprop_weights="updated"
    )
    return exact, slip


def test_each_mistake_is_recomputed_independently(traces):
    t, slip = traces
    v = t.as_dict()
    # the slides' numbers, written out by hand from the formulas
    out_o1, t_o1, out_h1 = v["out_o1"], v["t_o1"], v["out_h1"]
    sigma_o1 = out_o1 * (1 - out_o1)
    right = (out_o1 - t_o1) * sigma_o1 * out_h1
    assert v["dE_total/dw5"] == pytest.approx(right, rel=1e-12)
    found = {(m.kind, round(m.value, 12)) for m in candidates(t, "dE_total/dw5", slip)}
    assert ("sign", round(-right, 12)) in found
    assert ("missing_derivative", round((out_o1 - t_o1) * out_h1, 12)) in found
    assert ("half_dropped", round(2 * right, 12)) in found
    # hidden layer: one output's share instead of the sum; updated instead of original weights
    d_o1, d_o2 = v["delta_o1"], v["delta_o2"]
    share = d_o1 * v["w5"]
    found = {(m.kind, round(m.value, 12)) for m in candidates(t, "dE_total/dout_h1", slip)}
    assert ("missing_sum", round(share, 12)) in found
    assert ("updated_weights", round(d_o1 * v["w5+"] + d_o2 * v["w7+"], 12)) in found


def test_diagnose_names_the_mistake_and_nothing_for_a_random_answer(traces):
    t, slip = traces
    assert diagnose(t, "out_h1", 0.3775, 1e-6, slip).kind == "no_activation"
    assert diagnose(t, "dE_total/dw5", -0.082167, 1e-6, slip).kind == "sign"
    # the sign flipped but only to 4 digits: outside the step's tolerance, no diagnosis
    assert diagnose(t, "dE_total/dw5", -0.0822, 1e-6, slip) is None
    w5_plus_sign = t.value("w5") + t.value("eta") * t.value("dE_total/dw5")
    assert diagnose(t, "w5+", w5_plus_sign, 1e-6, slip).kind == "sign"
    assert diagnose(t, "dE_total/dw5", 0.123456, 1e-6, slip) is None


def test_a_long_refused_answer_is_echoed_short():
    with pytest.raises(AnswerError) as error:
        parse_number("x" * 5000)
    assert len(str(error.value)) < 120 and "…" in str(error.value)
