"""Entry points: `derivation(source, target)` for a parameter or an activation, `symbolic_forms`."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from tutor.engine.examples import Example
from tutor.engine.losses import Loss
from tutor.engine.network import Network
from tutor.engine.trace import format_number
from tutor.errors import NotFound
from tutor.symbolic import ACTIVATION_TARGETS
from tutor.symbolic.activations import activation_derivation, kind_of
from tutor.symbolic.chain import chain_rule
from tutor.symbolic.model import symbolic_network
from tutor.symbolic.notation import equation, latex, one_line, partial, sym, unicode
from tutor.symbolic.steps import Derivation, Step
from tutor.symbolic.structure import Structure, parameter_values, structure_of

# Wider than this, a pretty form is shown as one line of text instead (it would wrap unreadably
# in an 80-column terminal once indented by four).
MAX_PRETTY_WIDTH = 76
FORWARD = "forward"


def _source(source, loss: Loss | None, x, t):
    """(network, loss, x, t) from an Example or a Network with its loss and sample."""
    if isinstance(source, Example):
        return source.network, source.loss, source.x, source.target
    if isinstance(source, Network):
        if loss is None:
            raise ValueError("a network needs its loss to be derived")
        return source, loss, x, t
    raise TypeError(f"expected an Example or a Network, not {type(source).__name__}")


def _key(values) -> tuple[float, ...] | None:
    return None if values is None else tuple(float(v) for v in np.asarray(values).reshape(-1))


# Up to this many parameters a gradient's derivation ends with its fully expanded form; above,
# the expanded derivative grows ~3× per layer (megabytes of text for 5 hidden layers of 2), so
# it is shown only on request (`expand=True`, `derive --expand`).
EXPAND_LIMIT = 12


def derivation(
    source,
    target: str,
    *,
    loss: Loss | None = None,
    x=None,
    t=None,
    expand: bool | None = None,
) -> Derivation:
    """The derivation of `target`: a parameter ('w5', 'b1'), 'forward', or an activation name.

    With a sample (an Example, or `x` and `t`), every step carries its value at the current
    numbers; without one, the values are None. A gradient ends with SymPy's derivative of
    the fully expanded E_total when `expand` is True, or (None) when the network has at most
    EXPAND_LIMIT parameters; otherwise with the factored chain rule.
    """
    if target in ACTIVATION_TARGETS or kind_of(target) in ACTIVATION_TARGETS:
        return activation_derivation(target)
    network, loss, x, t = _source(source, loss, x, t)
    structure = structure_of(network, loss)
    if expand is None:
        expand = structure.n_parameters <= EXPAND_LIMIT
    values = tuple(parameter_values(network, symbolic_network(structure).params))
    return _derivation(structure, target, _key(x), _key(t), values, expand)


@lru_cache(maxsize=256)
def _derivation(
    structure: Structure,
    target: str,
    x: tuple[float, ...] | None,
    t: tuple[float, ...] | None,
    values: tuple[float, ...],
    expand: bool = True,
) -> Derivation:
    snet = symbolic_network(structure)
    sample = x is not None and t is not None
    if target == FORWARD:
        return _forward(snet, _environment(structure, x, t, values) if sample else None)
    chain = chain_rule(structure)
    if target not in chain.gradient:
        known = ", ".join(p.name for p in snet.params)
        raise NotFound(f"no parameter {target!r} in this network; its parameters are {known}")
    numbers = _factor_values(structure, x, t, values) if sample else {}
    grad = chain.gradient[target]
    steps = []
    for factor in chain.walk(grad):
        eq = equation(factor, chain.forms[factor])
        steps.append(
            Step(
                chain.captions[factor],
                _lazy_unicode(eq, factor in chain.ordered),
                _lazy_latex(eq, factor in chain.ordered),
                numbers.get(factor),
                factor.name,
            )
        )
    if numbers:
        steps.append(_multiplied(chain.forms[grad], grad, numbers))
    title = f"∂E_total/∂{target} by the chain rule"
    if not expand:
        return Derivation(target, title, tuple(steps))
    index = [p.name for p in snet.params].index(target)
    expanded = snet.gradient_expr(index)
    value = None
    if sample:
        # Evaluated from the expanded expression alone (not from the chain-rule factors).
        env = _environment(structure, x, t, values)
        value = float(expanded.xreplace({s: env[s] for s in snet.primitives}))
    eq = equation(partial("E_total", target), expanded)
    steps.append(
        Step(
            "Fully expanded: SymPy differentiates E_total written in the inputs, targets and "
            "parameters alone, evaluated with the numbers substituted",
            _lazy_unicode(eq),
            _lazy_latex(eq),
            value,
            None,
        )
    )
    return Derivation(target, title, tuple(steps))


def _forward(snet, env) -> Derivation:
    steps = []
    for name, expr in snet.defs.items():
        eq = equation(name, expr)
        value = float(env[name]) if env is not None else None
        caption = {"net": "Net input", "out": "Output", "E": "Error"}.get(
            name.name.split("_")[0], "Quantity"
        )
        steps.append(
            Step(f"{caption} {name.name}", _lazy_unicode(eq), _lazy_latex(eq), value, name.name)
        )
    return Derivation(FORWARD, "The forward pass and the error, as SymPy expressions", tuple(steps))


@lru_cache(maxsize=64)
def _environment(structure: Structure, x, t, values) -> dict:
    return symbolic_network(structure).environment(x, t, list(values))


@lru_cache(maxsize=64)
def _factor_values(structure: Structure, x, t, values) -> dict[sp.Symbol, float]:
    """Each chain-rule factor evaluated from its form, factors before the products that use them."""
    chain = chain_rule(structure)
    known: dict[sp.Symbol, sp.Expr] = dict(_environment(structure, x, t, values))
    out: dict[sp.Symbol, float] = {}

    def value(s: sp.Symbol) -> sp.Expr:
        if s not in known:
            form = chain.forms[s]
            known[s] = sp.Float(float(form.xreplace({f: value(f) for f in form.free_symbols})))
            out[s] = float(known[s])
        return known[s]

    for grad in chain.gradient.values():
        value(grad)
    return out


def _multiplied(form: sp.Expr, grad: sp.Symbol, numbers: dict[sp.Symbol, float]) -> Step:
    """The chain rule with the numbers in: '0.741365069 · 0.186815602 · 0.593269992'."""

    def show(expr, tex: bool) -> str:
        if isinstance(expr, sp.Add):
            return " + ".join(show(a, tex) for a in expr.args)
        if isinstance(expr, sp.Mul):
            dot = r" \cdot " if tex else " · "
            return dot.join(show(a, tex) for a in expr.args)
        text = format_number(numbers[expr]) if expr in numbers else str(expr)
        return f"({text})" if text.startswith("-") else text

    result = format_number(numbers[grad])
    text = f"{grad.name} = {show(form, False)} = {result}"
    tex = rf"{latex(grad)} = {show(form, True)} = {result}"
    return Step("The numbers multiplied", text, tex, numbers[grad], grad.name)


# Above this many nodes an expression is not worth drawing in 2-D: it is shown as one line.
MAX_PRETTY_NODES = 120


@lru_cache(maxsize=4096)
def _unicode(expr, ordered: bool = False) -> str:
    """The 2-D Unicode picture of `lhs = rhs`, or one line of text when that would be too wide."""
    if sum(1 for _ in sp.preorder_traversal(expr)) <= MAX_PRETTY_NODES:
        text = unicode(expr, ordered)
        if max(len(line) for line in text.splitlines()) <= MAX_PRETTY_WIDTH:
            return text
    return f"{one_line(expr.lhs)} = {one_line(expr.rhs, ordered)}"


@lru_cache(maxsize=4096)
def _latex(expr, ordered: bool = False) -> str:
    return latex(expr, ordered)


def _lazy_unicode(expr, ordered: bool = False):
    return lambda: _unicode(expr, ordered)


def _lazy_latex(expr, ordered: bool = False):
    return lambda: _latex(expr, ordered)


def symbolic_forms(source, loss: Loss | None = None) -> dict[str, tuple[str, str]]:
    """Trace name → (one-line Unicode, LaTeX) of its symbolic form, for the trace exports.

    Covers the forward values (net_h1, out_h1, E_o1, E_total), every chain-rule factor
    (dE_total/dout_o1, dout_o1/dnet_o1, delta_o1, dnet_o1/dw5, dE_o1/dout_h1, dE_total/dw5)
    and each update (w5+ = w5 − η·∂E_total/∂w5).
    """
    network, loss, _x, _t = _source(source, loss, None, None)
    return dict(_forms(structure_of(network, loss)))


@lru_cache(maxsize=64)
def _forms(structure: Structure) -> tuple[tuple[str, tuple[str, str]], ...]:
    snet = symbolic_network(structure)
    chain = chain_rule(structure)
    forms = []
    for name, expr in snet.defs.items():
        forms.append((name.name, (one_line(expr), latex(expr))))
    for name, expr in chain.forms.items():
        ordered = name in chain.ordered
        forms.append((name.name, (one_line(expr, ordered), latex(expr, ordered))))
    eta = sym("eta")
    for p in snet.params:
        if p.frozen:
            continue
        update = sp.Add(
            snet.param_symbols[p.name],
            sp.Mul(-1, eta, partial("E_total", p.name), evaluate=False),
            evaluate=False,
        )
        forms.append((f"{p.name}+", (one_line(update, True), latex(update, True))))
    return tuple(forms)
