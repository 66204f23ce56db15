"""Activation functions as SymPy expressions, and their derivatives derived by SymPy, step by step.

Nothing here types a derivative in: SymPy differentiates the function, and a
rewriting in terms of the output (σ(1−σ), 1−tanh²) is derived by solving
out = f(z) for the exponential and substituting, then checked to equal SymPy's result.

SYMBOLIC_ACTIVATIONS holds one entry per activation family, keyed by the engine's names
(`tutor.symbolic.ACTIVATION_TARGETS`): the SymPy side of each `tutor.engine.activations`
definition, which the model, the chain rule and `derive ACTIVATION` read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

import sympy as sp

from tutor.symbolic import ACTIVATION_TARGETS
from tutor.symbolic.notation import equation, latex, sym, unicode
from tutor.symbolic.steps import Derivation, Step
from tutor.symbolic.structure import kind_of


def slope(alpha: float) -> sp.Rational:
    """Leaky ReLU's slope as an exact number (0.01 → 1/100), so no float noise is printed."""
    # The shortest decimal that round-trips (repr), as a fraction: no string reaches SymPy.
    exact = Fraction(repr(float(alpha)))
    return sp.Rational(exact.numerator, exact.denominator)


def output_expr(kind: str, alpha: float, nets: list[sp.Symbol], j: int) -> sp.Expr:
    """out_j = f(net) for the neuron j of a layer whose net inputs are `nets`."""
    return _entry(kind).output(alpha, nets, j)


@cache
def _sigmoid_in_terms_of_output() -> tuple[sp.Expr, ...]:
    """(z, σ, SymPy's dσ/dz, e^−z in σ, dσ/dz rewritten in σ): solving σ = 1/(1+e^−z)."""
    z, s, u = sym("z"), sym("sigma"), sp.Symbol("u", positive=True)
    derivative = sp.diff(1 / (1 + sp.exp(-z)), z)
    # e^−z in terms of σ: solve σ·(1 + u) = 1 (linear in u = e^−z); solve() is 5× slower.
    _u, u_of_s = sp.solve_linear(s * (1 + u) - 1, symbols=[u])
    u_of_s = sp.together(u_of_s)
    rewritten = absorb_sign(sp.factor(derivative.subs(sp.exp(-z), u_of_s)))
    lesson_form = s * (1 - s)  # only to check SymPy's result against: never shown as derived
    if sp.expand(rewritten - lesson_form) != 0:  # pragma: no cover - SymPy would be wrong
        raise AssertionError(f"σ' rewrote to {rewritten}, not σ(1−σ)")
    return z, s, derivative, u_of_s, rewritten


def absorb_sign(expr: sp.Expr) -> sp.Expr:
    """SymPy's factored −a·(b − 1) written as the lesson does, a·(1 − b): the sign moved inside."""
    coeff, rest = expr.as_coeff_Mul()
    factors = sp.Mul.make_args(rest)
    if coeff == -1 and sum(1 for f in factors if f.is_Add) == 1:
        return sp.Mul(*(-f if f.is_Add else f for f in factors))
    return expr


@lru_cache(maxsize=16)
def softmax_jacobian(nets: tuple[sp.Symbol, ...], outs: tuple[sp.Symbol, ...]) -> sp.Matrix:
    """∂out_m/∂net_k of a softmax layer: SymPy's diff of e^net_m / Σe^net, in the outputs."""
    n = len(nets)
    exps = [output_expr("softmax", 0.0, list(nets), m) for m in range(n)]
    return sp.Matrix(
        n,
        n,
        lambda m, k: absorb_sign(
            sp.factor(_in_softmax_outputs(sp.diff(exps[m], nets[k]), nets, outs))
        ),
    )


def local_derivative(kind: str, alpha: float, net: sp.Symbol, out: sp.Symbol) -> sp.Expr:
    """dout/dnet of an element-wise activation, in the lesson's form (in `out` where it can be)."""
    entry = _entry(kind)
    if entry.slope is None:
        raise ValueError(f"{kind!r} is not element-wise")
    return entry.slope(alpha, net, out)


def _sigmoid_slope(alpha: float, net: sp.Symbol, out: sp.Symbol) -> sp.Expr:
    _z, s, _derivative, _u, rewritten = _sigmoid_in_terms_of_output()
    return rewritten.subs(s, out)


def _tanh_slope(alpha: float, net: sp.Symbol, out: sp.Symbol) -> sp.Expr:
    return sp.diff(sp.tanh(net), net).subs(sp.tanh(net), out)


def _slope_by_diff(kind: str) -> Callable[[float, sp.Symbol, sp.Symbol], sp.Expr]:
    """SymPy's diff of the piecewise or linear output: no rewriting in `out` needed."""
    return lambda alpha, net, out: sp.diff(output_expr(kind, alpha, [net], 0), net)


def _step(caption: str, lhs, rhs, ordered: bool = False) -> Step:
    eq = equation(lhs, rhs)
    return Step(caption, unicode(eq, ordered), latex(eq, ordered))


def _sigmoid() -> list[Step]:
    z, s, derivative, u_of_s, rewritten = _sigmoid_in_terms_of_output()
    f = 1 / (1 + sp.exp(-z))
    d_sigma = sp.Derivative(sp.Function("sigma")(z), z)
    substituted = derivative.subs(sp.exp(-z), u_of_s)
    residual = sp.cancel(derivative - f * (1 - f))  # a rational function of e^−z
    return [
        _step("The logistic sigmoid", sp.Function("sigma")(z), f),
        _step("SymPy differentiates it", d_sigma, derivative),
        _step("Solve σ = 1/(1 + e^−z) for e^−z", sp.exp(-z), u_of_s),
        _step("Substitute into the derivative", d_sigma, substituted),
        _step("SymPy factors it", d_sigma, sp.factor(substituted)),
        _step("The sign taken into the bracket, as the lesson writes it", d_sigma, rewritten),
        _step("Check: SymPy's derivative minus σ(1−σ) cancels to", sym("residual"), residual),
    ]


def _tanh() -> list[Step]:
    z, out = sym("z"), sym("out")
    exp_form = (sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z))
    d_exp = sp.diff(exp_form, z)
    d_tanh = sp.diff(sp.tanh(z), z)
    residual = sp.cancel(d_exp - (1 - exp_form**2))
    d = sp.Derivative(sp.tanh(z), z)
    return [
        _step("The hyperbolic tangent", sp.tanh(z), exp_form),
        _step("SymPy differentiates the exponential form", d, d_exp),
        _step("SymPy differentiates tanh directly", d, d_tanh),
        _step("With out = tanh(z)", d, d_tanh.subs(sp.tanh(z), out)),
        _step("Check: the two derivatives differ by", sym("residual"), residual),
    ]


def _relu(kind: str) -> list[Step]:
    z = sym("z")
    alpha = sp.Symbol("alpha", positive=True)
    if kind == "relu":
        f = sp.Piecewise((z, z > 0), (0, True))
        name = "ReLU"
    else:
        f = sp.Piecewise((z, z > 0), (alpha * z, True))
        name = "Leaky ReLU (slope α for z ≤ 0; the engine's default α = 0.01)"
    d = sp.Derivative(sp.Function("f")(z), z)
    steps = [
        _step(f"{name}, piecewise", sp.Function("f")(z), f),
        _step("SymPy differentiates each piece", d, sp.diff(f, z)),
    ]
    if kind == "relu":
        steps.append(
            _step(
                "As max(0, z) SymPy gives the step function (its value at 0 is a convention)",
                d,
                sp.diff(sp.Max(0, z), z),
            )
        )
    steps.append(
        Step(
            "At z = 0 there is no derivative; the engine takes the z ≤ 0 piece, "
            "as the course notebooks' (z > 0) does",
            "",
            "",
        )
    )
    return steps


def _identity() -> list[Step]:
    z = sym("z")
    d = sp.Derivative(sp.Function("f")(z), z)
    f = sp.Function("f")(z)
    return [_step("The identity", f, z), _step("Its derivative", d, sp.diff(z, z))]


def _softmax(n: int = 3) -> list[Step]:
    zs = [sym(f"z{k + 1}") for k in range(n)]
    ss = [sym(f"s{k + 1}") for k in range(n)]
    ts = [sym(f"t{k + 1}") for k in range(n)]
    exps = [output_expr("softmax", 0.0, zs, j) for j in range(n)]
    # The Jacobian, differentiated by SymPy, then written in s by recognising e^zj/Σe^z = s_j.
    jac = sp.Matrix(n, n, lambda j, k: sp.diff(exps[j], zs[k]))
    jac_s = softmax_jacobian(tuple(zs), tuple(ss))
    expected = sp.diag(*ss) - sp.Matrix(ss) * sp.Matrix(ss).T
    if sp.expand(jac_s - expected) != sp.zeros(n, n):  # pragma: no cover
        raise AssertionError("softmax Jacobian did not rewrite to diag(s) − s·sᵀ")
    # Cross-entropy through softmax: chain rule over every output, then Σ t = 1.
    grads_s = [-t / s for t, s in zip(ts, ss)]  # ∂E/∂s_k of E = −Σ t_k ln s_k
    de_dz1 = sp.expand(sum(grads_s[k] * jac_s[k, 0] for k in range(n)))
    collected = sp.collect(de_dz1, ss[0])
    normalised = sp.expand(de_dz1.subs(ts[-1], 1 - sum(ts[:-1])))
    E = sym("E")
    cross_entropy = -sp.Add(*(t * sp.log(s) for t, s in zip(ts, ss)))
    d = sp.Derivative(sp.Function("s1")(*zs), zs[0])
    return [
        _step("Softmax of three net inputs (the first output)", ss[0], exps[0]),
        _step("SymPy differentiates s1 by z1", d, jac[0, 0]),
        _step("…which is, in the outputs", d, jac_s[0, 0]),
        _step(
            "The whole Jacobian ∂s_j/∂z_k = s_j(δ_jk − s_k), i.e. diag(s) − s·sᵀ",
            sym("J"),
            jac_s,
        ),
        _step("Cross-entropy on the softmax outputs", E, cross_entropy),
        _step(
            "Chain rule through every output: ∂E/∂z1 = Σ_k ∂E/∂s_k · ∂s_k/∂z1",
            sp.Derivative(sp.Function("E")(*zs), zs[0]),
            collected,
        ),
        _step(
            "The targets sum to 1 (one-hot or a distribution): t3 = 1 − t1 − t2",
            sp.Derivative(sp.Function("E")(*zs), zs[0]),
            normalised,
        ),
        Step(
            "So softmax + cross-entropy gives δ = ŷ − y: the Jacobian's s_j cancels the 1/s_j",
            "δ = ŷ − y",
            r"\delta = \hat{y} - y",
        ),
    ]


def _in_softmax_outputs(
    expr: sp.Expr, zs: Sequence[sp.Symbol], ss: Sequence[sp.Symbol]
) -> sp.Expr:
    """Rewrite an expression in e^z_k as one in s_k = e^z_k / Σ e^z (e^z_k → s_k·Σ)."""
    total = sp.Symbol("S", positive=True)
    replaced = expr.subs(sp.Add(*(sp.exp(z) for z in zs)), total)
    replaced = replaced.subs({sp.exp(z): s * total for z, s in zip(zs, ss)})
    return sp.cancel(replaced) if replaced.has(total) else replaced


@dataclass(frozen=True)
class SymbolicActivation:
    """One activation family's SymPy side: f as an expression, f' as the lesson writes it,
    and the step-by-step derivation `derive NAME` shows. Keyed by the engine's family name."""

    name: str
    title: str  # the derivation's title
    output: Callable[[float, list[sp.Symbol], int], sp.Expr]  # (α, nets of the layer, j)
    derivation_steps: Callable[[], list[Step]]
    # dout/dnet of an element-wise activation (α, net, out); None for softmax (a Jacobian).
    slope: Callable[[float, sp.Symbol, sp.Symbol], sp.Expr] | None
    slope_in_outputs: bool = False  # the slope is written in out (σ(1−σ), 1−tanh²)


SYMBOLIC_ACTIVATIONS: dict[str, SymbolicActivation] = {
    a.name: a
    for a in (
        SymbolicActivation(
            "identity",
            "identity′(z) = 1",
            lambda alpha, nets, j: nets[j],
            _identity,
            _slope_by_diff("identity"),
        ),
        SymbolicActivation(
            "sigmoid",
            "σ′(z) = σ(z)(1 − σ(z))",
            lambda alpha, nets, j: 1 / (1 + sp.exp(-nets[j])),
            _sigmoid,
            _sigmoid_slope,
            slope_in_outputs=True,
        ),
        SymbolicActivation(
            "tanh",
            "tanh′(z) = 1 − tanh²(z)",
            lambda alpha, nets, j: sp.tanh(nets[j]),
            _tanh,
            _tanh_slope,
            slope_in_outputs=True,
        ),
        SymbolicActivation(
            "relu",
            "ReLU′(z): 1 for z > 0, else 0",
            lambda alpha, nets, j: sp.Piecewise((nets[j], nets[j] > 0), (0, True)),
            lambda: _relu("relu"),
            _slope_by_diff("relu"),
        ),
        SymbolicActivation(
            "leaky_relu",
            "Leaky ReLU′(z): 1 for z > 0, else α",
            lambda alpha, nets, j: sp.Piecewise(
                (nets[j], nets[j] > 0), (slope(alpha) * nets[j], True)
            ),
            lambda: _relu("leaky_relu"),
            _slope_by_diff("leaky_relu"),
        ),
        SymbolicActivation(
            "softmax",
            "The softmax Jacobian, and why softmax + cross-entropy gives ŷ − y",
            lambda alpha, nets, j: sp.exp(nets[j]) / sp.Add(*(sp.exp(n) for n in nets)),
            _softmax,
            None,
        ),
    )
}
if tuple(SYMBOLIC_ACTIVATIONS) != ACTIVATION_TARGETS:  # pragma: no cover - a developer's slip
    raise ImportError("tutor.symbolic.ACTIVATION_TARGETS and SYMBOLIC_ACTIVATIONS differ")


def _entry(kind: str) -> SymbolicActivation:
    if kind not in SYMBOLIC_ACTIVATIONS:
        raise ValueError(
            f"no symbolic form for activation {kind!r}; expected one of "
            f"{', '.join(ACTIVATION_TARGETS)}"
        )
    return SYMBOLIC_ACTIVATIONS[kind]


def symbolic_activation(name: str) -> SymbolicActivation:
    """The SymPy side of the engine activation `name` ('leaky_relu(0.2)' → leaky_relu's)."""
    return _entry(kind_of(name))


@cache
def activation_derivation(name: str) -> Derivation:
    """The derivation of an activation's derivative: sigmoid, tanh, relu, leaky_relu, softmax."""
    try:
        entry = symbolic_activation(name)
    except ValueError:
        raise ValueError(
            f"no derivation for activation {name!r}; expected one of "
            f"{', '.join(ACTIVATION_TARGETS)}"
        ) from None
    return Derivation(entry.name, entry.title, tuple(entry.derivation_steps()))
