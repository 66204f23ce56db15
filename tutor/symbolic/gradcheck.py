"""Every gradient three ways: symbolic (SymPy, lambdified), backprop (engine), finite difference.

NumPy only: SymPy is imported just for the symbolic column, and not at all when
the network is above the symbolic limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tutor.engine.losses import Loss
from tutor.engine.naming import layer_label
from tutor.engine.network import Network
from tutor.symbolic.steps import TooLargeForSymbolic
from tutor.symbolic.structure import Parameter, parameter_values, parameters, structure_of

TOLERANCE = 1e-6
# Relative errors are taken against max(|a|, |b|, FLOOR): a gradient smaller than this is
# compared on an absolute scale, where the finite difference's own rounding (~1e-12) lives.
FLOOR = 1e-4
STEP = 1e-4  # finite-difference step h; the 4th-order stencil's truncation is ~h⁴
PAIRS = (
    ("backprop", "symbolic"),
    ("backprop", "finite_difference"),
    ("symbolic", "finite_difference"),
)


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|, FLOOR)."""
    return abs(a - b) / max(abs(a), abs(b), FLOOR)


@dataclass(frozen=True)
class GradientRow:
    """One parameter's gradient three ways and their pairwise relative errors."""

    name: str
    layer: str
    frozen: bool
    symbolic: float | None
    backprop: float
    finite_difference: float
    errors: dict[tuple[str, str], float] = field(default_factory=dict)
    tolerance: float = TOLERANCE

    @property
    def worst(self) -> tuple[tuple[str, str], float]:
        """The pair that disagrees most, and by how much."""
        return max(self.errors.items(), key=lambda item: item[1])

    @property
    def flagged(self) -> bool:
        """True when any two ways disagree by more than the tolerance."""
        return any(e > self.tolerance for e in self.errors.values())


@dataclass(frozen=True)
class CheckResult:
    """The check of one network on one sample."""

    title: str
    loss_value: float
    rows: tuple[GradientRow, ...]
    tolerance: float
    symbolic_note: str | None  # why the symbolic column is absent, when it is

    @property
    def disagreements(self) -> list[GradientRow]:
        """The rows flagged."""
        return [r for r in self.rows if r.flagged]

    @property
    def ok(self) -> bool:
        """True when every parameter's three gradients agree."""
        return not self.disagreements


def _loss_at(net: Network, x, t, loss: Loss) -> float:
    return loss.value(net.forward(np.atleast_2d(x)), np.atleast_2d(t))


def finite_difference(net: Network, x, t, loss: Loss, p: Parameter, h: float = STEP) -> float:
    """∂E/∂θ by the 4th-order central difference (−E(θ+2h) + 8E(θ+h) − 8E(θ−h) + E(θ−2h))/12h."""
    probe = net.copy()
    array = getattr(probe.layers[p.layer], p.kind)
    theta = float(array[p.index])
    values = []
    for k in (2, 1, -1, -2):
        array[p.index] = theta + k * h
        values.append(_loss_at(probe, x, t, loss))
    e2, e1, em1, em2 = values
    return (-e2 + 8.0 * e1 - 8.0 * em1 + em2) / (12.0 * h)


def _backprop(net: Network, x, t, loss: Loss, params: list[Parameter]) -> tuple[float, list[float]]:
    value, grads = net.gradients(np.atleast_2d(x), np.atleast_2d(t), loss)
    out = []
    for p in params:
        arrays = grads.dW if p.kind == "W" else grads.db
        out.append(float(arrays[p.layer][p.index]))
    return value, out


def symbolic_gradients(net: Network, x, t, loss: Loss) -> list[float]:
    """The SymPy gradient of every parameter (raises TooLargeForSymbolic above the limit)."""
    structure = structure_of(net, loss)
    if structure.n_parameters > _limit():
        from tutor.symbolic.structure import SYMBOLIC_LIMIT

        raise TooLargeForSymbolic(
            f"{structure.n_parameters} parameters is above the symbolic limit of {SYMBOLIC_LIMIT}"
        )
    from tutor.symbolic.model import symbolic_network  # imports SymPy

    snet = symbolic_network(structure)
    values = parameter_values(net, snet.params)
    if np.ndim(x) < 2:
        return snet.gradients(np.ravel(x), np.ravel(t), values)
    # A batch: the loss is the sum (or mean) of the samples' losses, so is its gradient.
    per_sample = [snet.gradients(xs, ts, values) for xs, ts in zip(x, t)]
    scale = 1.0 / len(per_sample) if loss.reduction == "mean" else 1.0
    return [scale * sum(column) for column in zip(*per_sample)]


def _limit() -> int:
    from tutor.symbolic.structure import SYMBOLIC_LIMIT

    return SYMBOLIC_LIMIT


def check_gradients(
    net: Network,
    x,
    t,
    loss: Loss,
    title: str = "",
    tolerance: float = TOLERANCE,
    symbolic: bool = True,
) -> CheckResult:
    """Compare symbolic, backprop and finite-difference gradients for every parameter.

    The finite difference and the symbolic derivative see only the forward pass, so an
    engine whose backward pass is wrong (seed 001's σ′(out)) disagrees with both.
    """
    structure = structure_of(net, loss)
    params = parameters(structure)
    loss_value, backprop = _backprop(net, x, t, loss, params)
    fd = [finite_difference(net, x, t, loss, p) for p in params]
    sym: list[float | None] = [None] * len(params)
    note = None
    if symbolic:
        try:
            sym = list(symbolic_gradients(net, x, t, loss))
        except TooLargeForSymbolic as error:
            note = f"symbolic column absent: {error}; the numeric check runs without it"
        except (ArithmeticError, ValueError) as error:
            # lambdify's math.exp(z) raises beyond z ≈ 709, 1/(1 − out) at a saturated out = 1.0
            # divides by zero, math.log(0) is a domain error: the engine's stable, clipped forms
            # and the finite difference still have values there.
            if isinstance(error, ValueError) and str(error) != "math domain error":
                raise
            reasons: dict[type[Exception], str] = {
                OverflowError: "overflows (an exponential beyond 1e308)",
                ZeroDivisionError: "divides by zero (a saturated output)",
            }
            why = reasons.get(type(error), "takes the log of 0 (a saturated output)")
            note = (
                f"symbolic column absent: SymPy's gradient {why} in float arithmetic at these "
                "values; the numeric check runs without it"
            )
    else:
        note = "symbolic column not requested"
    n_layers = len(net.layers)
    rows = []
    for p, s, b, f in zip(params, sym, backprop, fd):
        ways = {"symbolic": s, "backprop": b, "finite_difference": f}
        errors = {}
        for a, c in PAIRS:
            one, other = ways[a], ways[c]
            if one is not None and other is not None:
                errors[(a, c)] = relative_error(one, other)
        label = layer_label(p.layer, n_layers)
        rows.append(GradientRow(p.name, label, p.frozen, s, b, f, errors, tolerance))
    return CheckResult(title, loss_value, tuple(rows), tolerance, note)
