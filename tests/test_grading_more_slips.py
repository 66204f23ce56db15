"""The mistake kinds of lessons 3-5's predict steps (issue 12): each typed value that is one
mistake's value, recomputed here by hand from the trace's forward numbers, gets exactly that
mistake's hint and no other; a loss without a ½ never hears about a dropped ½."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tutor.lessons.grading import decimals_asked, judge
from tutor.lessons.mistakes import HINTS, candidates
from tutor.lessons.references import get_trace, network_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def tanh_net():
    return get_trace(network_spec(FIXTURES / "lesson.toml", "nets/tanh-sigmoid.toml"))


def leaky_net():
    return get_trace(network_spec(FIXTURES / "lesson.toml", "nets/leaky-relu.toml"))


def encoder_w25_update(v: dict, slope) -> float:
    """w25+ of the 8-3-8 encoder's online step on e1 with the given slope of out_o1."""
    delta_o1 = (v["out_o1"] - v["t_o1"]) * slope(v["out_o1"])
    return v["w25"] - v["eta"] * delta_o1 * v["out_h1"]


def xor_w5_gradient(v: dict, s: int) -> float:
    """Sample s's dE/dw5 in the XOR network: sigmoid + BCE give δ_o1 = out − t."""
    return (v[f"out_o1[{s}]"] - v[f"t_o1[{s}]"]) * v[f"out_h1[{s}]"]


def cases() -> dict[str, tuple[str, str, float, float]]:
    """kind → (trace spec, value name, the mistake's value by hand, step tolerance)."""
    xor = get_trace("xor-221").as_dict()
    enc = get_trace("encoder-838").as_dict()
    quirk = get_trace("encoder-838@seed-001").as_dict()
    tanh = tanh_net().as_dict()
    return {
        # the notebook's σ(a)(1 − σ(a)) where the step wants a(1 − a)
        "slope_of_output": (
            "encoder-838",
            "w25+",
            encoder_w25_update(enc, lambda a: sigmoid(a) * (1 - sigmoid(a))),
            5e-7,
        ),
        # the true a(1 − a) where the step asks for the notebook's number
        "true_slope": (
            "encoder-838@seed-001",
            "w25+",
            encoder_w25_update(quirk, lambda a: a * (1 - a)),
            5e-7,
        ),
        "one_sample": (
            "xor-221",
            "dE_total/dw5",
            xor_w5_gradient(xor, 3),
            5e-8,
        ),
        # tanh' = 1 − out², not 1 − net²
        "slope_of_net": ("tanh", "dout_h2/dnet_h2", 1 - tanh["net_h2"] ** 2, 5e-7),
        # the gradient itself subtracted, η = 0.2 left out of the step
        "no_learning_rate": (
            "encoder-838",
            "w25+",
            enc["w25"] - (enc["out_o1"] - enc["t_o1"]) * enc["out_o1"] * (1 - enc["out_o1"])
            * enc["out_h1"],
            5e-7,
        ),
        # h2's net input is negative: plain ReLU's slope 0 instead of leaky ReLU's α
        "dead_slope": ("leaky", "delta_h2", 0.0, 5e-9),
    }


def trace_of(spec: str):
    return {"tanh": tanh_net, "leaky": leaky_net}.get(spec, lambda: get_trace(spec))()


@pytest.mark.parametrize("kind", sorted(cases()))
def test_typing_a_mistakes_value_gets_exactly_its_hint(kind):
    spec, name, wrong, tolerance = cases()[kind]
    trace = trace_of(spec)
    typed = f"{wrong:.{decimals_asked(tolerance)}f}"
    verdict = judge(trace, name, float(typed), tolerance, typed)
    assert not verdict.correct
    assert verdict.mistake == kind
    assert verdict.message == HINTS[kind]
    assert all(other not in verdict.message for k, other in HINTS.items() if k != kind)


def test_the_two_slopes_give_the_two_traces_updates():
    """The by-hand slips are exactly the other trace's right answers (the notebook vs σ')."""
    enc, quirk = get_trace("encoder-838"), get_trace("encoder-838@seed-001")
    assert cases()["slope_of_output"][2] == pytest.approx(quirk.value("w25+"), abs=1e-15)
    assert cases()["true_slope"][2] == pytest.approx(enc.value("w25+"), abs=1e-15)


def test_a_bce_network_never_hears_about_a_dropped_half():
    xor = get_trace("xor-221")
    doubled = 2 * xor.value("delta_h1[1]")
    verdict = judge(xor, "delta_h1[1]", doubled, 5e-7, f"{doubled:.6f}")
    assert verdict.mistake == "" and "agrees to" in verdict.message


def test_a_hidden_delta_with_its_sign_flipped_is_named():
    xor = get_trace("xor-221")
    flipped = -xor.value("delta_h1[1]")
    verdict = judge(xor, "delta_h1[1]", flipped, 5e-7, f"{flipped:.6f}")
    assert verdict.mistake == "sign"


def test_a_sample_whose_gradient_is_zero_is_not_called_one_sample():
    """Sample 0's dE/dw5 is 0 (its hidden outputs are 0): typing w5 unchanged names no slip."""
    xor = get_trace("xor-221")
    w5 = xor.value("w5")
    verdict = judge(xor, "w5+", w5, 5e-9, f"{w5:.9f}")
    assert verdict.mistake != "one_sample"


def test_a_variants_step_is_not_told_about_another_networks_updated_weights():
    """The updated-weights trace of encoder-838 is not the notebook variant's network."""
    quirk = get_trace("encoder-838@seed-001")
    other = get_trace("encoder-838@updated-weights")
    right_slope = get_trace("encoder-838").value("dout_o1/dnet_o1")
    verdict = judge(quirk, "dout_o1/dnet_o1", right_slope, 5e-7, f"{right_slope:.6f}", other)
    assert verdict.mistake == "true_slope"
    kinds = {m.kind for m in candidates(quirk, "w25+", other)}
    assert "updated_weights" not in kinds and "true_slope" in kinds
    mazur = get_trace("mazur")
    assert "updated_weights" in {
        m.kind for m in candidates(mazur, "dE_total/dout_h1", get_trace("mazur@updated-weights"))
    }


def test_the_leaky_slip_is_named_only_on_the_leaky_side():
    leaky = leaky_net()
    assert leaky.value("net_h2") < 0 < leaky.value("net_h1")
    assert "dead_slope" not in {m.kind for m in candidates(leaky, "delta_h1")}
    relu = get_trace("xor-221")  # plain ReLU: 0 is its slope, not a slip
    assert "dead_slope" not in {m.kind for m in candidates(relu, "delta_h2[2]")}


def test_two_slips_giving_one_number_are_both_named_and_neither_claimed():
    """With η = 0.5, w1 − ∂E/∂w1 is both "η left out" and "the ½ dropped" (twice the gradient
    times η): the typed number cannot say which, so the hint names both."""
    mazur = get_trace("mazur").as_dict()
    assert mazur["eta"] == 0.5
    wrong = mazur["w1"] - mazur["dE_total/dw1"]
    typed = f"{wrong:.9f}"
    verdict = judge(get_trace("mazur"), "w1+", float(typed), 5e-10, typed)
    assert not verdict.correct
    assert set(verdict.mistake.split(" or ")) == {"no_learning_rate", "half_dropped"}
    assert HINTS["no_learning_rate"] in verdict.message
    assert HINTS["half_dropped"] in verdict.message
    assert verdict.message.startswith("2 slips give this number.")
    # one slip alone still gets its own hint only (η = 0.2 in the encoder: no coincidence)
    enc = get_trace("encoder-838")
    spec, name, alone, tolerance = cases()["no_learning_rate"]
    typed = f"{alone:.6f}"
    assert judge(enc, name, float(typed), tolerance, typed).message == HINTS["no_learning_rate"]
