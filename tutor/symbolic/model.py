"""A network as SymPy expressions in the lesson's names, built in code from its structure.

Every quantity of the forward pass has a definition in terms of the quantities
before it (net_h1 = w1·i1 + w2·i2 + b1, out_h1 = 1/(1 + e^−net_h1), …,
E_total = E_o1 + E_o2) and an expanded form in the inputs, targets and
parameters alone, which SymPy differentiates for the "fully expanded" gradient.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import sympy as sp

from tutor.engine.losses import get_loss
from tutor.engine.naming import neuron_names, target_names
from tutor.symbolic.activations import output_expr
from tutor.symbolic.notation import one_line, sym
from tutor.symbolic.structure import Parameter, Structure, check_symbolic_limit, parameters

# E_o of one output as the trace writes it (one sample, so 'mean' over samples is 1), by the
# engine's loss names: the SymPy side of each tutor.engine.losses definition.
SYMBOLIC_LOSSES = {
    "half_sse": lambda t, out, n_out: sp.Rational(1, 2) * (t - out) ** 2,
    "mse": lambda t, out, n_out: (t - out) ** 2 / n_out,
    "bce": lambda t, out, n_out: -(t * sp.log(out) + (1 - t) * sp.log(1 - out)),
    "cross_entropy": lambda t, out, n_out: -t * sp.log(out),
}


def error_expr(loss: str, t: sp.Symbol, out: sp.Symbol, n_out: int) -> sp.Expr:
    """E_o for one output, as the trace writes it (one sample, so 'mean' over samples is 1)."""
    if loss not in SYMBOLIC_LOSSES:
        raise ValueError(f"no symbolic form for loss {loss!r}")
    return SYMBOLIC_LOSSES[loss](t, out, n_out)


class SymbolicNetwork:
    """The forward pass and loss of one network structure as SymPy expressions."""

    def __init__(self, structure: Structure):
        check_symbolic_limit(structure)
        self.structure = structure
        sizes = list(structure.sizes)
        self.neurons = neuron_names(sizes)
        self.params: list[Parameter] = parameters(structure)
        self.param_symbols = {p.name: sym(p.name) for p in self.params}
        self.inputs = [sym(n) for n in self.neurons[0]]
        self.targets = [sym(n) for n in target_names(sizes)]
        # The symbols each layer reads (inputs, then out_* of the layer below) and writes.
        self.sources: list[list[sp.Symbol]] = [self.inputs]
        self.nets: list[list[sp.Symbol]] = []
        self.outs: list[list[sp.Symbol]] = []
        self.defs: dict[sp.Symbol, sp.Expr] = {}
        by_layer: dict[int, list[Parameter]] = {}
        for p in self.params:
            by_layer.setdefault(p.layer, []).append(p)
        for k, kind in enumerate(structure.activations):
            nets = [sym(f"net_{n}") for n in self.neurons[k + 1]]
            outs = [sym(f"out_{n}") for n in self.neurons[k + 1]]
            weights = {p.index: self.param_symbols[p.name] for p in by_layer[k] if p.kind == "W"}
            biases = [self.param_symbols[p.name] for p in by_layer[k] if p.kind == "b"]
            for j, net in enumerate(nets):
                terms = [weights[(i, j)] * s for i, s in enumerate(self.sources[k])]
                if biases:
                    terms.append(biases[0] if len(biases) == 1 else biases[j])
                self.defs[net] = sp.Add(*terms)
            for j, out in enumerate(outs):
                self.defs[out] = output_expr(kind, structure.alphas[k], nets, j)
            self.nets.append(nets)
            self.outs.append(outs)
            self.sources.append(outs)
        n_out = sizes[-1]
        self.errors = [sym(f"E_{n}") for n in self.neurons[-1]]
        for e, t, out in zip(self.errors, self.targets, self.outs[-1]):
            self.defs[e] = error_expr(structure.loss, t, out, n_out)
        self.E_total = sym("E_total")
        self.defs[self.E_total] = sp.Add(*self.errors)
        self._gradients: dict[int, sp.Expr] = {}

    @property
    def primitives(self) -> list[sp.Symbol]:
        """Inputs, targets and parameters: what everything is finally a function of."""
        return self.inputs + self.targets + [self.param_symbols[p.name] for p in self.params]

    @cached_property
    def expanded(self) -> dict[sp.Symbol, sp.Expr]:
        """Each defined quantity in the primitives alone (definitions substituted in order)."""
        done: dict[sp.Symbol, sp.Expr] = {}
        for name, expr in self.defs.items():
            done[name] = expr.xreplace(done)
        return done

    def gradient_expr(self, index: int) -> sp.Expr:
        """∂E_total/∂θ for parameter number `index`, SymPy's diff of the fully expanded E_total."""
        if index not in self._gradients:
            theta = self.param_symbols[self.params[index].name]
            self._gradients[index] = sp.diff(self.expanded[self.E_total], theta)
        return self._gradients[index]

    @cached_property
    def gradient_exprs(self) -> list[sp.Expr]:
        """∂E_total/∂θ for every parameter θ."""
        return [self.gradient_expr(k) for k in range(len(self.params))]

    @cached_property
    def gradient_function(self):
        """A float function of (inputs…, targets…, parameters…) → [∂E_total/∂θ …].

        SymPy's derivative of E_total composed by the chain rule over the definitions (see
        `chain_rule_program`), not of the fully expanded E_total: the same derivative, and on
        5 hidden layers of 2 in a fraction of a second instead of ~5 s of `diff`.
        lambdify runs `exec` on code printed from expressions built here, never on outside text.
        """
        steps, gradients = self.chain_rule_program()
        program = lambda _exprs: (steps, gradients)  # noqa: E731  (lambdify's cse hook)
        return sp.lambdify(self.primitives, gradients, modules="math", cse=program)

    def chain_rule_program(self) -> tuple[list[tuple[sp.Symbol, sp.Expr]], list[sp.Expr]]:
        """Assignments computing ∂E_total/∂θ for every θ, and the gradients in their terms.

        The forward definitions in order (net = Σ w·out + b, out = activation(net), E_o, E_total),
        then in reverse order each quantity's adjoint ∂E_total/∂q = Σ over the quantities u whose
        definition uses q of ∂E_total/∂u · ∂u/∂q, where every local ∂u/∂q is SymPy's `diff` of
        u's definition; finally ∂E_total/∂θ = Σ over the u using θ of ∂E_total/∂u · ∂u/∂θ.
        This is the multivariate chain rule over the definitions, the derivative SymPy's `diff`
        of the expanded E_total gives (tests compare the two on every small structure).
        """
        defs = list(self.defs.items())
        value = {name: sp.Symbol(f"_v{k}") for k, (name, _) in enumerate(defs)}
        primitives = set(self.primitives)
        steps: list[tuple[sp.Symbol, sp.Expr]] = []
        for name, expr in defs:
            steps.append((value[name], expr.xreplace(value)))
        users: dict[sp.Symbol, list[tuple[sp.Symbol, sp.Expr]]] = {}
        for name, expr in defs:  # every u, and ∂u/∂s for each quantity or primitive s it reads
            for s in sorted(expr.free_symbols, key=str):
                local = sp.diff(expr, s)
                if local != 0:
                    users.setdefault(s, []).append((name, local.xreplace(value)))
        adjoint = {self.E_total: sp.Integer(1)}
        for k, (name, _) in enumerate(reversed(defs[:-1])):  # E_total is the last definition
            terms = [adjoint[u] * local for u, local in users.get(name, []) if u in adjoint]
            if terms:
                symbol = sp.Symbol(f"_a{k}")
                steps.append((symbol, sp.Add(*terms)))
                adjoint[name] = symbol
        gradients = []
        for p in self.params:
            theta = self.param_symbols[p.name]
            assert theta in primitives
            terms = [adjoint[u] * local for u, local in users.get(theta, []) if u in adjoint]
            gradients.append(sp.Add(*terms))
        return steps, gradients

    def gradients(self, x, target, values: list[float]) -> list[float]:
        """The symbolic gradient of every parameter at these numbers."""
        args = [float(v) for v in x] + [float(v) for v in target] + [float(v) for v in values]
        return [float(g) for g in self.gradient_function(*args)]

    def environment(self, x, target, values: list[float]) -> dict[sp.Symbol, sp.Float]:
        """Every defined quantity's value at these numbers, computed from the definitions."""
        env: dict[sp.Symbol, sp.Expr] = {}
        for s, v in zip(self.primitives, [*x, *target, *values]):
            env[s] = sp.Float(float(v))
        for name, expr in self.defs.items():
            value = expr.xreplace(env)
            if not value.is_real:
                # e.g. bce's log(out) with out outside (0, 1): the loss has no real value.
                raise ValueError(
                    f"{name} = {one_line(self.defs[name])} is not a real number at these values "
                    f"({value.evalf(6)}); {self.structure.loss} needs outputs in (0, 1)"
                    if get_loss(self.structure.loss).takes_probabilities
                    else f"{name} is not a real number at these values ({value.evalf(6)})"
                )
            env[name] = sp.Float(float(value))
        return env


@lru_cache(maxsize=64)
def symbolic_network(structure: Structure) -> SymbolicNetwork:
    """The symbolic network of `structure`, built once per session."""
    return SymbolicNetwork(structure)
