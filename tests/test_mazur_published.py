"""The 2-2-2 worked example against every figure the slides print, and an independent reckoning.

Published figures come from seed 003_bd86bf8af1f2b77a.txt, slides "Backpropagation:
Example". A figure matches when |computed − published| ≤ half a unit of its last
printed digit. The slides' errata are asserted as errata: the trace holds the
right value and the printed one differs from it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tutor.engine.variants import get_variant, trace_example_step
from tutor.experiments.builtin_examples import get_example
from tutor.experiments.registry import run_experiment

# (traced name, printed text), in the slides' order; a name printed twice is listed twice.
PUBLISHED = [
    ("net_h1", "0.3775"),
    ("out_h1", "0.593269992"),
    ("out_h2", "0.596884378"),
    ("net_o1", "1.105905967"),
    ("out_o1", "0.75136507"),
    ("out_o2", "0.772928465"),
    ("E_o1", "0.274811083"),
    ("E_o2", "0.023560026"),
    ("E_total", "0.298371109"),
    ("dE_total/dout_o1", "0.74136507"),
    ("dout_o1/dnet_o1", "0.186815602"),
    ("dnet_o1/dw5", "0.593269992"),
    ("dE_total/dw5", "0.082167041"),
    ("w5+", "0.35891648"),
    ("w6+", "0.408666186"),
    ("w7+", "0.511301270"),
    ("w8+", "0.561370121"),
    ("delta_o1", "0.138498562"),  # "dE_o1/dnet_o1" in the line for dE_o1/dout_h1
    ("dE_o1/dout_h1", "0.055399425"),
    ("dE_total/dout_h1", "0.036350306"),
    ("out_h1", "0.59326999"),  # the line for dout_h1/dnet_h1 prints 8 decimals
    ("dout_h1/dnet_h1", "0.241300709"),
    ("dnet_h1/dw1", "0.05"),
    ("dE_total/dw1", "0.000438568"),
    ("w1+", "0.149780716"),
]
# Printed figures that exact float64 arithmetic rounds differently (found by
# test_float64_rounding_errata_are_exactly_these): the slides rounded an
# intermediate value first.
ROUNDING_ERRATA = {"dE_o2/dout_h1": "-0.019049119"}


def half_unit(printed: str) -> float:
    """Half a unit of the last printed digit: 0.3775 → 5e-5."""
    return 0.5 * 10.0 ** Decimal(printed).as_tuple().exponent


def rounds_to(value: float, printed: str) -> bool:
    """Does the exact binary value of `value`, rounded to the printed digits, give `printed`?"""
    quantum = Decimal(1).scaleb(Decimal(printed).as_tuple().exponent)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP) == Decimal(printed)


@pytest.fixture(scope="module")
def trace():
    return trace_example_step(get_example("mazur"))[0]


@pytest.fixture(scope="module")
def variant_trace():
    return trace_example_step(get_example("mazur"), "updated-weights")


@pytest.mark.parametrize("name, printed", PUBLISHED, ids=[f"{n}={p}" for n, p in PUBLISHED])
def test_published_figure(trace, name, printed):
    assert abs(trace.value(name) - float(printed)) <= half_unit(printed)


def test_float64_rounding_errata_are_exactly_these(trace):
    every = PUBLISHED + list(ROUNDING_ERRATA.items())
    differing = {name: p for name, p in every if not rounds_to(trace.value(name), p)}
    assert differing == ROUNDING_ERRATA


def test_dE_o2_dout_h1_rounding_erratum_comes_from_a_rounded_delta(trace):
    printed = ROUNDING_ERRATA["dE_o2/dout_h1"]
    exact = trace.value("dE_o2/dout_h1")
    assert abs(exact - float(printed)) > half_unit(printed)  # the exact value is -0.0190491183
    # The slides multiplied delta_o2 rounded to 9 decimals (-0.038098237) by w7 = 0.5,
    # giving -0.0190491185, then rounded half up.
    delta_rounded = Decimal(trace.value("delta_o2")).quantize(Decimal("1e-9"), ROUND_HALF_UP)
    product = delta_rounded * Decimal("0.5")
    assert product.quantize(Decimal("1e-9"), ROUND_HALF_UP) == Decimal(printed)


def test_misprinted_out_o1_in_E_o1_line(trace):
    # The slides write E_o1 = ½(0.01 − 0.753136507)² = 0.274811083: the 0.753… is a typo.
    misprint = 0.753136507
    assert abs(trace.value("out_o1") - misprint) > 1e-3
    assert abs(trace.value("E_o1") - 0.274811083) <= 5e-10
    assert abs(0.5 * (0.01 - misprint) ** 2 - 0.274811083) > 1e-3  # the typo gives no such E_o1


def test_misprinted_sum_for_dE_total_dout_h1(trace):
    # The slides write 0.55399425 + -0.019049119 = 0.036350306: the first term lost a zero.
    misprint = 0.55399425
    assert abs(trace.value("dE_o1/dout_h1") - 0.055399425) <= 5e-10
    assert abs(trace.value("dE_o1/dout_h1") - misprint) > 0.4
    assert abs(misprint - 0.019049119 - 0.036350306) > 0.4
    assert abs(trace.value("dE_total/dout_h1") - 0.036350306) <= 5e-10


def independent_step(backprop_through_updated: bool = False) -> dict[str, float]:
    """The whole step again in plain Python floats, written from the slides, not the engine."""
    i1, i2, t1, t2, eta = 0.05, 0.10, 0.01, 0.99, 0.5
    w = {1: 0.15, 2: 0.20, 3: 0.25, 4: 0.30, 5: 0.40, 6: 0.45, 7: 0.50, 8: 0.55}
    b1, b2 = 0.35, 0.60

    def sig(z):
        return 1.0 / (1.0 + math.exp(-z))

    v: dict[str, float] = {}
    v["net_h1"] = w[1] * i1 + w[2] * i2 + b1
    v["net_h2"] = w[3] * i1 + w[4] * i2 + b1
    v["out_h1"], v["out_h2"] = sig(v["net_h1"]), sig(v["net_h2"])
    v["net_o1"] = w[5] * v["out_h1"] + w[6] * v["out_h2"] + b2
    v["net_o2"] = w[7] * v["out_h1"] + w[8] * v["out_h2"] + b2
    v["out_o1"], v["out_o2"] = sig(v["net_o1"]), sig(v["net_o2"])
    v["E_o1"], v["E_o2"] = 0.5 * (t1 - v["out_o1"]) ** 2, 0.5 * (t2 - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]
    v["delta_o1"] = (v["out_o1"] - t1) * v["out_o1"] * (1 - v["out_o1"])
    v["delta_o2"] = (v["out_o2"] - t2) * v["out_o2"] * (1 - v["out_o2"])
    grads = {
        5: v["delta_o1"] * v["out_h1"],
        6: v["delta_o1"] * v["out_h2"],
        7: v["delta_o2"] * v["out_h1"],
        8: v["delta_o2"] * v["out_h2"],
    }
    new = {k: w[k] - eta * grads[k] for k in (5, 6, 7, 8)}
    back = new if backprop_through_updated else w
    v["delta_h1"] = (v["delta_o1"] * back[5] + v["delta_o2"] * back[7]) * (
        v["out_h1"] * (1 - v["out_h1"])
    )
    v["delta_h2"] = (v["delta_o1"] * back[6] + v["delta_o2"] * back[8]) * (
        v["out_h2"] * (1 - v["out_h2"])
    )
    grads[1], grads[2] = v["delta_h1"] * i1, v["delta_h1"] * i2
    grads[3], grads[4] = v["delta_h2"] * i1, v["delta_h2"] * i2
    for k in (1, 2, 3, 4):
        new[k] = w[k] - eta * grads[k]
    for k in range(1, 9):
        v[f"dE_total/dw{k}"] = grads[k]
        v[f"w{k}+"] = new[k]
    # error after the step
    oh1 = sig(new[1] * i1 + new[2] * i2 + b1)
    oh2 = sig(new[3] * i1 + new[4] * i2 + b1)
    oo1 = sig(new[5] * oh1 + new[6] * oh2 + b2)
    oo2 = sig(new[7] * oh1 + new[8] * oh2 + b2)
    v["E_total_after"] = 0.5 * (t1 - oo1) ** 2 + 0.5 * (t2 - oo2) ** 2
    return v


LEFT_TO_THE_READER = [
    "net_h2",
    "net_o2",
    "out_o2",
    "delta_o1",
    "delta_o2",
    "delta_h1",
    "delta_h2",
    *[f"dE_total/dw{k}" for k in range(1, 9)],
    *[f"w{k}+" for k in range(1, 9)],
]


@pytest.mark.parametrize("name", LEFT_TO_THE_READER)
def test_values_left_to_the_reader_match_an_independent_reckoning(trace, name):
    assert trace.value(name) == pytest.approx(independent_step()[name], rel=1e-12, abs=1e-17)


def test_error_after_round_1_exact_and_the_slides_variant(variant_trace):
    results = run_experiment("mazur")
    exact = results["E_total_after_round_1"]
    variant = results["E_total_after_round_1_updated_weights"]
    assert exact == pytest.approx(independent_step()["E_total_after"], rel=1e-13)
    assert variant == pytest.approx(independent_step(True)["E_total_after"], rel=1e-13)
    # The slides' 0.291027924 is the variant's figure, to every printed digit ...
    assert abs(variant - 0.291027924) <= half_unit("0.291027924")
    # ... and not the exact one (0.2910277737).
    assert abs(exact - 0.291027924) > 100 * half_unit("0.291027924")
    # The variant's trace is the one that produced the updated network.
    trace, updated = variant_trace
    error = get_example("mazur").loss.value(updated.forward([0.05, 0.10]), [0.01, 0.99])
    assert error == variant
    assert trace.meta["variant"] == "updated-weights"


def test_variant_note_quotes_the_computed_figures():
    note = get_variant("updated-weights").note
    results = run_experiment("mazur")
    assert f"{results['E_total_after_round_1_updated_weights']:.9f}" in note
    assert f"{results['E_total_after_round_1']:.9f}" in note


def test_ten_thousand_rounds_against_an_independent_loop():
    results = run_experiment("mazur")
    i, t = (0.05, 0.10), (0.01, 0.99)
    w = [[0.15, 0.20], [0.25, 0.30]]  # rows: into h1, h2
    v = [[0.40, 0.45], [0.50, 0.55]]  # rows: into o1, o2

    def sig(z):
        return 1.0 / (1.0 + math.exp(-z))

    def forward():
        h = [sig(w[j][0] * i[0] + w[j][1] * i[1] + 0.35) for j in (0, 1)]
        o = [sig(v[k][0] * h[0] + v[k][1] * h[1] + 0.60) for k in (0, 1)]
        return h, o

    for _ in range(10_000):
        h, o = forward()
        d_o = [(o[k] - t[k]) * o[k] * (1 - o[k]) for k in (0, 1)]
        d_h = [(d_o[0] * v[0][j] + d_o[1] * v[1][j]) * h[j] * (1 - h[j]) for j in (0, 1)]
        v = [[v[k][j] - 0.5 * d_o[k] * h[j] for j in (0, 1)] for k in (0, 1)]
        w = [[w[j][m] - 0.5 * d_h[j] * i[m] for m in (0, 1)] for j in (0, 1)]
    _, o = forward()
    error = 0.5 * (t[0] - o[0]) ** 2 + 0.5 * (t[1] - o[1]) ** 2
    assert results["E_total_after_10000_rounds"] == pytest.approx(error, rel=1e-9)
    assert results["out_o1_after_10000_rounds"] == pytest.approx(o[0], rel=1e-12)
    assert results["out_o2_after_10000_rounds"] == pytest.approx(o[1], rel=1e-12)
    curve, epochs = results["loss_curve"], results["loss_epochs"]
    assert len(curve) == len(epochs) and epochs[0] == 0 and epochs[-1] == 10_000
    assert epochs == sorted(set(epochs)) and len(epochs) <= 300
    assert curve[-1] == results["E_total_after_10000_rounds"]
    assert all(a >= b for a, b in zip(curve, curve[1:]))  # the error only falls here


# The names issue 2 lists, with the phase each belongs to.
LISTED_PHASES = {
    "net_h1": "forward", "out_h1": "forward", "net_o1": "forward", "out_o1": "forward",
    "E_o1": "error", "E_total": "error", "dE_total/dout_o1": "backward",
    "dout_o1/dnet_o1": "backward", "dnet_o1/dw5": "backward", "delta_o1": "backward",
    "dE_total/dw5": "backward", "w5+": "update", "dE_o1/dout_h1": "backward",
}  # fmt: skip


def test_every_listed_name_has_phase_formula_inputs_and_value(trace):
    order = [v.name for v in trace]
    for name, phase in LISTED_PHASES.items():
        v = trace[name]
        assert v.phase == phase and v.formula and v.inputs and math.isfinite(v.value)
        # computed from values traced before it, each of which the formula names
        assert all(order.index(i) < order.index(name) and i in v.formula for i in v.inputs)
    assert trace["dE_total/dw5"].formula == "dE_total/dout_o1·dout_o1/dnet_o1·dnet_o1/dw5"
    assert trace["w5+"].formula == "w5 − eta·dE_total/dw5"
    assert trace["E_o1"].inputs == ("t_o1", "out_o1")
