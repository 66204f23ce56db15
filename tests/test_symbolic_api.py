"""The package's entry points as the lessons and the TUI call them."""

import sys

import pytest

import tutor.symbolic as symbolic
from tutor.experiments.builtin_examples import get_example
from tutor.symbolic.derivation import derivation


def test_derive_by_name_matches_derivation_of_the_example():
    by_name = symbolic.derive("mazur", "w5")
    assert by_name.values() == derivation(get_example("mazur"), "w5").values()
    assert [s.caption for s in by_name.steps][0] == "The chain rule for w5"


def test_derive_with_variants():
    # seed-001 changes only the backward pass: the symbolic derivation is the network's.
    assert (
        symbolic.derive("mazur@seed-001", "w1").values() == symbolic.derive("mazur", "w1").values()
    )
    assert symbolic.derive("mazur@updated-weights", "w5").steps
    with pytest.raises(KeyError, match="unknown variant"):
        symbolic.derive("mazur@nope", "w5")


def test_derive_an_activation_needs_no_source():
    d = symbolic.derive(None, "tanh")
    assert d.target == "tanh" and all(s.value is None for s in d.steps)


def test_unknown_parameter():
    with pytest.raises(KeyError, match="w1, w2, w3, w4, b1, w5"):
        symbolic.derive("mazur", "w9")


def test_step_as_dict_has_both_forms():
    step = symbolic.derive("mazur", "forward").steps[0]
    assert step.as_dict() == {
        "caption": "Net input net_h1",
        "unicode": "netₕ₁ = b₁ + i₁⋅w₁ + i₂⋅w₂",
        "latex": "\\mathrm{net}_{h1} = b_{1} + i_{1} \\cdot w_{1} + i_{2} \\cdot w_{2}",
        "value": 0.3775,
        "name": "net_h1",
    }


def test_pretty_printing_leaves_no_stand_in_module():
    assert "∂w₈" in symbolic.derive("mazur", "w8").steps[0].unicode
    units = sys.modules.get("sympy.physics.units")
    # Either never imported, or the real package (which has a file), never the stand-in.
    assert units is None or getattr(units, "__file__", None)
