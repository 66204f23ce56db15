"""The chain rule for every parameter, factor by factor, as the lesson writes it.

Each factor is a named symbol (∂E_total/∂out_o1, named `dE_total/dout_o1` like
the trace) with a symbolic form in other factors and forward quantities:
  ∂E_total/∂w5 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5
  ∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1,  ∂E_o1/∂out_h1 = δ_o1 · w5
Local derivatives come from SymPy's `diff` of the definitions in `model`.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from tutor.engine.losses import get_loss
from tutor.symbolic.activations import SYMBOLIC_ACTIVATIONS, local_derivative, softmax_jacobian
from tutor.symbolic.model import SymbolicNetwork, symbolic_network
from tutor.symbolic.notation import partial, sym
from tutor.symbolic.structure import Structure


class ChainRule:
    """Every chain-rule factor of one network structure: its form and a caption."""

    def __init__(self, snet: SymbolicNetwork):
        self.snet = snet
        self.forms: dict[sp.Symbol, sp.Expr] = {}
        self.captions: dict[sp.Symbol, str] = {}
        # For each gradient factor, the factors it is a product/sum of (to walk in lesson order).
        self.gradient: dict[str, sp.Symbol] = {}
        self.ordered: set[sp.Symbol] = set()  # forms to print in the order they were built
        self._build()

    def _add(self, name: sp.Symbol, form: sp.Expr, caption: str, ordered: bool = False) -> None:
        self.forms[name] = form
        self.captions[name] = caption
        if ordered:
            self.ordered.add(name)

    def _build(self) -> None:
        snet = self.snet
        st = snet.structure
        neurons = snet.neurons
        n_layers = len(st.activations)
        e_in_outs = sp.Add(*(snet.defs[e] for e in snet.errors))
        fused = st.activations[-1] == get_loss(st.loss).fuses_with
        weight_of = {}  # (layer, i, j) → weight symbol
        for p in snet.params:
            if p.kind == "W":
                weight_of[(p.layer, *p.index)] = snet.param_symbols[p.name]
        for k in range(n_layers - 1, -1, -1):
            kind = st.activations[k]
            layer_neurons = neurons[k + 1]
            outs, nets = snet.outs[k], snet.nets[k]
            g = []  # ∂E_total/∂out_n per neuron
            for j, n in enumerate(layer_neurons):
                g_n = partial("E_total", f"out_{n}")
                g.append(g_n)
                if k == n_layers - 1:
                    if fused:
                        continue
                    errors = " + ".join(str(e) for e in snet.errors)
                    self._add(
                        g_n,
                        sp.diff(e_in_outs, outs[j]),
                        f"SymPy differentiates E_total = {errors} by out_{n}",
                    )
                    continue
                parts = []
                for m, upper in enumerate(neurons[k + 2]):
                    part = partial(f"E_{upper}", f"out_{n}")
                    w = weight_of[(k + 1, j, m)]
                    self._add(
                        part,
                        sp.Mul(sym(f"delta_{upper}"), w, evaluate=False),
                        f"The error reaching {n} through {upper}: "
                        f"δ_{upper} = ∂E_total/∂net_{upper} times ∂net_{upper}/∂out_{n} = {w}",
                        ordered=True,
                    )
                    parts.append(part)
                self._add(
                    g_n,
                    sp.Add(*parts, evaluate=False),
                    f"out_{n} feeds every neuron above it: add the error through each",
                    ordered=True,
                )
            for j, n in enumerate(layer_neurons):
                delta = sym(f"delta_{n}")
                if k == n_layers - 1 and fused:
                    self._add(delta, self._softmax_cross_entropy(j), self._fused_caption(j))
                elif SYMBOLIC_ACTIVATIONS[kind].slope is None:  # softmax: a Jacobian
                    # Σ_m ∂E/∂out_m · ∂out_m/∂net_n, SymPy's Jacobian out_m(δ_mn − out_n).
                    jac = softmax_jacobian(tuple(nets), tuple(outs))
                    self._add(
                        delta,
                        sp.Add(*(g[m] * jac[m, j] for m in range(len(outs)))),
                        f"δ_{n} = ∂E_total/∂net_{n} through the softmax Jacobian "
                        f"out_m(δ_mn − out_{n}) (see `derive softmax`)",
                    )
                else:
                    slope = partial(f"out_{n}", f"net_{n}")
                    self._add(
                        slope,
                        local_derivative(kind, st.alphas[k], nets[j], outs[j]),
                        f"SymPy's derivative of {kind} at net_{n}"
                        + (
                            ", in terms of out_" + n
                            if SYMBOLIC_ACTIVATIONS[kind].slope_in_outputs
                            else ""
                        )
                        + f" (see `derive {kind}`)",
                    )
                    self._add(
                        delta,
                        sp.Mul(g[j], slope, evaluate=False),
                        f"δ_{n} = ∂E_total/∂net_{n}",
                        ordered=True,
                    )
            self._parameters(k, g, fused and k == n_layers - 1)

    def _parameters(self, k: int, g: list[sp.Symbol], fused: bool) -> None:
        snet = self.snet
        kind = snet.structure.activations[k]
        nets = snet.nets[k]
        layer_neurons = snet.neurons[k + 1]
        for p in snet.params:
            if p.layer != k:
                continue
            theta = snet.param_symbols[p.name]
            note = ""
            if p.kind == "W":
                i, j = p.index
                n = layer_neurons[j]
                dnet = partial(f"net_{n}", p.name)
                self._add(
                    dnet,
                    sp.diff(snet.defs[nets[j]], theta),
                    f"SymPy differentiates net_{n} = {_text(snet.defs[nets[j]])} by {p.name}",
                )
                if fused or SYMBOLIC_ACTIVATIONS[kind].slope is None:
                    chain = sp.Mul(sym(f"delta_{n}"), dnet, evaluate=False)
                else:
                    chain = sp.Mul(g[j], partial(f"out_{n}", f"net_{n}"), dnet, evaluate=False)
            else:
                users = [j for j in range(len(nets)) if snet.defs[nets[j]].has(theta)]
                terms = []
                for j in users:
                    n = layer_neurons[j]
                    dnet = partial(f"net_{n}", p.name)
                    self._add(dnet, sp.diff(snet.defs[nets[j]], theta), f"net_{n} has {p.name}·1")
                    terms.append(sp.Mul(sym(f"delta_{n}"), dnet, evaluate=False))
                chain = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
                if len(terms) > 1:
                    note += " (one bias shared by the layer: a sum over its neurons)"
                if p.frozen:
                    note += " — this bias is frozen: its gradient is computed, never applied"
            grad = partial("E_total", p.name)
            self._add(grad, chain, f"The chain rule for {p.name}{note}", ordered=True)
            self.gradient[p.name] = grad

    def _softmax_cross_entropy(self, j: int) -> sp.Expr:
        """δ_n for softmax + cross-entropy, derived: Σ_m ∂E/∂out_m · ∂out_m/∂net_n with Σt = 1."""
        snet = self.snet
        outs, ts = snet.outs[-1], snet.targets
        jac = softmax_jacobian(tuple(snet.nets[-1]), tuple(outs))
        e_in_outs = sp.Add(*(snet.defs[e] for e in snet.errors))
        total = sp.Add(*(sp.diff(e_in_outs, outs[m]) * jac[m, j] for m in range(len(outs))))
        distribution = {ts[-1]: 1 - sp.Add(*ts[:-1])}
        form = sp.expand(sp.expand(total).subs(distribution))
        # SymPy would have to be wrong for this to fail.
        if sp.expand(form - (outs[j] - ts[j]).subs(distribution)) != 0:  # pragma: no cover
            raise AssertionError(f"softmax + cross-entropy gave {form}")
        return outs[j] - ts[j]

    def _fused_caption(self, j: int) -> str:
        n = self.snet.neurons[-1][j]
        return (
            f"δ_{n} = ∂E_total/∂net_{n}: SymPy sums −t/out · out(δ − out) over the outputs and, "
            f"with the targets summing to 1, gets out_{n} − t_{n} (see `derive softmax`)"
        )

    def walk(self, name: sp.Symbol) -> list[sp.Symbol]:
        """`name` and every factor it is built from, in the lesson's reading order."""
        seen: list[sp.Symbol] = []

        def visit(s: sp.Symbol) -> None:
            if s in seen or s not in self.forms:
                return
            seen.append(s)
            for f in _factors_in_order(self.forms[s]):
                visit(f)

        visit(name)
        return seen


def _factors_in_order(expr: sp.Expr) -> list[sp.Symbol]:
    """The symbols of `expr` in the order they appear in its (unevaluated) tree."""
    found: list[sp.Symbol] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Symbol) and node not in found:
            found.append(node)
    return found


def _text(expr: sp.Expr) -> str:
    """One-line text of a small expression, with · for products: b2 + out_h1·w5 + out_h2·w6."""
    return sp.sstr(expr).replace("**", "^").replace("*", "·")


@lru_cache(maxsize=64)
def chain_rule(structure: Structure) -> ChainRule:
    """The chain-rule factors of `structure`, built once per session."""
    return ChainRule(symbolic_network(structure))
