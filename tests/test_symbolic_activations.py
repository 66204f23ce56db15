"""Activation derivatives derived by SymPy: the lesson's forms, equal to the engine's numbers."""

import numpy as np
import pytest
import sympy as sp

from tutor.engine import get_activation
from tutor.symbolic.activations import local_derivative
from tutor.symbolic.derivation import derivation
from tutor.symbolic.notation import sym

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]


def _lines(name: str) -> list[str]:
    return [s.unicode for s in derivation(None, name).steps]


def test_sigmoid_derivative_is_sigma_one_minus_sigma():
    steps = derivation(None, "sigmoid").steps
    assert any("σ⋅(1 - σ)" in s.unicode for s in steps)
    # SymPy's own derivative appears before the rewriting, and the residual is 0.
    assert any(r"\frac{e^{- z}}{\left(1 + e^{- z}\right)^{2}}" in s.latex for s in steps)
    assert steps[-1].unicode == "residual = 0"


def test_tanh_derivative_is_one_minus_tanh_squared():
    lines = _lines("tanh")
    assert any("1 - tanh (z)" in line for line in lines)  # 2-D: the ² sits on the line above
    assert any("1 - out" in line for line in lines)
    assert derivation(None, "tanh").steps[-1].unicode == "residual = 0"


def test_relu_and_leaky_relu_are_piecewise():
    relu = "\n".join(_lines("relu"))
    leaky = "\n".join(_lines("leaky_relu"))
    assert "for z > 0" in relu and "otherwise" in relu and "θ(z)" in relu
    assert "α" in leaky and "for z > 0" in leaky


def test_softmax_jacobian_and_cross_entropy():
    d = derivation(None, "softmax")
    text = "\n".join(s.unicode for s in d.steps)
    assert "-s₁⋅s₂" in text  # an off-diagonal entry of diag(s) − s·sᵀ
    assert "s₁⋅(t₁ + t₂ + t₃) - t₁" in text  # before Σt = 1
    assert "= s₁ - t₁" in text  # after: ŷ − y


@pytest.mark.parametrize("name", ELEMENTWISE + ["leaky_relu(0.2)"])
def test_derived_slope_equals_the_engine(name):
    act = get_activation(name)
    net, out = sym("net"), sym("out")
    slope = local_derivative({"leaky_relu(0.2)": "leaky_relu"}.get(name, name), act.alpha, net, out)
    f = sp.lambdify([net, out], slope, modules="numpy")
    z = np.array([-2.3, -0.4, 0.3, 1.7])
    o = act.forward(z)
    assert np.allclose(np.broadcast_to(f(z, o), z.shape), act.derivative(z, o), rtol=1e-14)


def test_unknown_activation_is_refused():
    from tutor.symbolic.activations import activation_derivation

    with pytest.raises(ValueError, match="no derivation"):
        activation_derivation("swish")
