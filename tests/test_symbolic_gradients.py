"""Symbolic = backprop = finite difference, and the derivation's numbers are the trace's numbers."""

import math

import numpy as np
import pytest
from symbolic_cases import cases, random_case

from tutor.engine import traced_step
from tutor.experiments.builtin_examples import get_example
from tutor.symbolic import symbolic_forms
from tutor.symbolic.derivation import derivation
from tutor.symbolic.gradcheck import check_gradients, relative_error


def _assert_agree(result, sym_bp=1e-9, fd=1e-7):
    for row in result.rows:
        assert row.symbolic is not None, row.name
        assert relative_error(row.symbolic, row.backprop) <= sym_bp, row
        assert relative_error(row.finite_difference, row.backprop) <= fd, row
        # Well-conditioned (|∂E/∂θ| ≥ 1e-2): the difference's rounding, ~1e-12 absolute, is
        # small against the gradient, so all three agree to 1e-9 relative.
        if abs(row.backprop) >= 1e-2:
            assert relative_error(row.finite_difference, row.symbolic) <= 1e-9, row
    assert result.ok


def _assert_trace_matches(net, x, t, loss):
    trace, _ = traced_step(net, x, t, loss, 0.5)
    checked = 0
    params = [r.name for r in check_gradients(net, x, t, loss, symbolic=False).rows]
    for p in params:
        d = derivation(net, p, loss=loss, x=x, t=t)
        for step in d.steps:
            if step.name and step.value is not None and step.name in trace:
                expected = trace.value(step.name)
                assert math.isclose(step.value, expected, rel_tol=1e-9, abs_tol=1e-15), step
                checked += 1
        # The last step is SymPy's diff of the fully expanded E_total, lambdified.
        expanded = d.steps[-1].value
        assert relative_error(expanded, trace.value(f"dE_total/d{p}")) <= 1e-9
    assert checked > len(params)


def test_mazur_three_ways():
    ex = get_example("mazur")
    _assert_agree(check_gradients(ex.network, ex.x, ex.target, ex.loss))


def test_mazur_derivation_numbers_are_the_trace_numbers():
    ex = get_example("mazur")
    _assert_trace_matches(ex.network, ex.x, ex.target, ex.loss)


def test_mazur_w5_published_value():
    # The slides' ∂E_total/∂w5 = 0.74136507 · 0.186815602 · 0.593269992 = 0.082167041.
    d = derivation(get_example("mazur"), "w5")
    values = d.values()
    assert round(values["dE_total/dout_o1"], 8) == 0.74136507
    assert round(values["dout_o1/dnet_o1"], 9) == 0.186815602
    assert round(values["dnet_o1/dw5"], 9) == 0.593269992
    assert round(values["dE_total/dw5"], 9) == 0.082167041


def test_w1_sums_both_output_paths():
    d = derivation(get_example("mazur"), "w1")
    names = [s.name for s in d.steps]
    for name in ("dE_total/dout_h1", "dE_o1/dout_h1", "dE_o2/dout_h1", "dout_h1/dnet_h1"):
        assert name in names
    v = d.values()
    assert math.isclose(
        v["dE_total/dout_h1"], v["dE_o1/dout_h1"] + v["dE_o2/dout_h1"], rel_tol=1e-12
    )
    # The slides: ∂E_total/∂w1 = 0.036350306 · 0.241300709 · 0.05 = 0.000438568.
    assert round(v["dE_total/dout_h1"], 9) == 0.036350306
    assert round(v["dE_total/dw1"], 9) == 0.000438568


@pytest.mark.parametrize("hidden,output,loss", cases())
def test_random_networks_three_ways(hidden, output, loss):
    seed = sum(map(ord, hidden + output + loss)) % 1000
    net, x, t, loss_fn = random_case(seed, hidden, output, loss)
    _assert_agree(check_gradients(net, x, t, loss_fn))
    _assert_trace_matches(net, x, t, loss_fn)


def test_two_hidden_layers():
    net, x, t, loss = random_case(7, "tanh", "sigmoid", "half_sse", sizes=(2, 2, 2, 2))
    _assert_agree(check_gradients(net, x, t, loss))
    _assert_trace_matches(net, x, t, loss)


def test_symbolic_forms_cover_every_traced_value():
    ex = get_example("mazur")
    trace, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    forms = symbolic_forms(ex)
    missing = [v.name for v in trace if v.phase != "given" and v.name not in forms]
    assert missing == []
    assert forms["dout_o1/dnet_o1"][0] == "out_o1·(1 - out_o1)"
    assert forms["dE_total/dw5"][0] == "dE_total/dout_o1·dout_o1/dnet_o1·dnet_o1/dw5"
    first_factor = r"\frac{\partial E_{\mathrm{total}}}{\partial \mathrm{out}_{o1}}"
    assert first_factor in forms["dE_total/dw5"][1]


@pytest.mark.parametrize("hidden,output,loss", cases()[:6])
def test_symbolic_forms_cover_random_traces(hidden, output, loss):
    net, x, t, loss_fn = random_case(3, hidden, output, loss)
    trace, _ = traced_step(net, x, t, loss_fn, 0.1)
    forms = symbolic_forms(net, loss_fn)
    assert [v.name for v in trace if v.phase != "given" and v.name not in forms] == []


def test_symbolic_forms_in_the_trace_export():
    from tutor.export import export

    ex = get_example("mazur")
    trace, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    text = export(trace, "text", symbolic=symbolic_forms(ex))
    assert "out_o1·(1 - out_o1)" in text


def test_derivations_are_cached():
    ex = get_example("mazur")
    assert derivation(ex, "w7") is derivation(get_example("mazur"), "w7")


def test_softmax_cross_entropy_needs_targets_summing_to_one():
    # The engine's fused δ = ŷ − y assumes Σt = 1; SymPy's expanded derivative does not,
    # so the check flags the engine when the targets are not a distribution.
    net, x, _t, loss = random_case(5, "tanh", "softmax", "cross_entropy")
    result = check_gradients(net, x, np.array([0.7, 0.7]), loss)
    assert not result.ok
    for row in result.rows:
        assert relative_error(row.symbolic, row.finite_difference) <= 1e-7


def test_mazur_factorisations_are_the_lessons_in_trace_names():
    ex = get_example("mazur")
    trace, _ = traced_step(ex.network, ex.x, ex.target, ex.loss, ex.learning_rate)
    forms = {name: pair[0] for name, pair in symbolic_forms(ex).items()}
    # w5: three factors; w1: the same three-factor shape, its first factor the sum of both paths.
    assert forms["dE_total/dw1"] == "dE_total/dout_h1·dout_h1/dnet_h1·dnet_h1/dw1"
    assert forms["dE_total/dout_h1"] == "dE_o1/dout_h1 + dE_o2/dout_h1"
    assert forms["dE_o2/dout_h1"] == "delta_o2·w7"
    assert forms["delta_o1"] == "dE_total/dout_o1·dout_o1/dnet_o1"
    for p in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"):
        names = [s.name for s in derivation(ex, p).steps if s.name]
        assert names and all(name in trace for name in names), p


# Every loss and every activation: half the cases, and those with ReLU.
HALF_THE_CASES = [c for k, c in enumerate(cases()) if k % 2 == 0 or "relu" in c]


@pytest.mark.parametrize("hidden,output,loss", HALF_THE_CASES)
def test_chain_rule_function_is_the_expanded_derivative(hidden, output, loss):
    """check's symbolic column (SymPy's local derivatives composed by the chain rule) equals
    SymPy's diff of the fully expanded E_total, lambdified, on every activation and loss."""
    import sympy as sp

    from tutor.engine import get_loss
    from tutor.symbolic.model import symbolic_network
    from tutor.symbolic.structure import parameter_values, structure_of

    net, x, t, _ = random_case(11, hidden, output, loss, sizes=(2, 2, 2))
    snet = symbolic_network(structure_of(net, get_loss(loss)))
    args = [*map(float, x), *map(float, t), *parameter_values(net, snet.params)]
    # cse: each repeated subexpression of the expanded derivatives printed and computed once
    # (the printing was two thirds of lambdify's time); the same expressions, the same floats
    # to ~1e-15.
    expanded = sp.lambdify(snet.primitives, snet.gradient_exprs, modules="math", cse=True)(*args)
    chained = snet.gradient_function(*args)
    assert len(chained) == len(snet.params)
    for name, a, b in zip([p.name for p in snet.params], chained, expanded):
        assert relative_error(float(a), float(b)) <= 1e-12, (name, a, b)
