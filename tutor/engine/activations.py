"""Activation functions, each with its derivative next to it (the micrograd habit).

Every function is numerically stable for |z| up to 1000 and beyond: no overflow
warnings, no NaN. Derivatives are given as a vector-Jacobian product
`backward(z, out, grad_out)` so that softmax (whose Jacobian is not diagonal)
fits the same interface as the element-wise functions.

Adding an activation: one `Activation` here (forward, derivative, traced templates, validity
rules) registered in ACTIVATIONS, its name in `tutor.symbolic.ACTIVATION_TARGETS` and its
SymPy entry in `tutor.symbolic.activations.SYMBOLIC_ACTIVATIONS`, a row in
docs/network-file.md; tests/test_activation_registry.py then runs it through trace, derive and
check with every loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tutor.engine.rows import row_max, row_sum


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1+e^−z), computed without overflow for large |z|."""
    z = np.asarray(z)
    # e^-|z| never overflows; pick the algebraically equal form for each sign.
    e = np.exp(-np.abs(z))
    # 1/(1+e) where z ≥ 0, e/(1+e) elsewhere: one division of the chosen numerator, same bits.
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softmax(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so exp never overflows; into `out` if given."""
    z = np.asarray(z)
    # In place on one array: the same numbers as exp(z − max) / Σ, fewer temporaries.
    e = np.subtract(z, row_max(z), out=out)
    if not np.issubdtype(e.dtype, np.inexact):
        e = e.astype(np.float64)  # integer input: exp must not write back into integers
    np.exp(e, out=e)
    e /= row_sum(e, keepdims=True)
    return e


@dataclass(frozen=True)
class Activation:
    """One activation: f, f', how the traced step writes both, and where it may be used.

    The one definition the engine, the traced step (`traced_output`, `traced_slope`) and the
    network-file validator read; its SymPy form is `tutor.symbolic.activations`' entry of
    the same `family` name (the engine never imports SymPy).
    """

    name: str  # as shown in traces and exports: sigmoid, leaky_relu(0.2), …
    forward: Callable[[np.ndarray], np.ndarray]
    # f'(z) given z and out = f(z); None for softmax, whose Jacobian is a matrix.
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    # out = f(net) as the traced step writes it, {0} standing for net (softmax: see traced_output).
    out_template: str
    # f'(net) as the traced step writes it, {0} standing for the name in `slope_reads`.
    slope_template: str = ""
    slope_reads: str = ""  # "out", "net", or "" when the slope is a constant
    # The function family: leaky_relu for every slope α; sigmoid for seed 001's quirk, whose
    # forward pass is a sigmoid. The symbolic layer and `derive` know activations by family.
    family: str = ""
    alpha: float = 0.0
    # For a 0/1 derivative (ReLU): the mask z ↦ f'(z) ≠ 0, so backward multiplies by a boolean.
    gate: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    # f(z) written into a given array (the same numbers as `forward`), to reuse training buffers.
    forward_into: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    # Validity rules, read by the network-file validator:
    # outputs always in (0, 1), so a probability loss (bce, cross_entropy) may follow it;
    probabilities: bool = False
    # the fewest neurons a layer of it may have, and why;
    min_size: int = 1
    min_size_reason: str = ""
    # why a network file may not name it (None: it may).
    not_in_files: str | None = None

    def __post_init__(self):
        if not self.family:
            object.__setattr__(self, "family", self.name)

    def traced_output(self, nets: list[str], j: int) -> tuple[str, list[str]]:
        """(template, inputs) of out_j = f(net) for neuron j of a layer with net inputs `nets`."""
        if self.elementwise:
            return self.out_template, [nets[j]]
        denominator = " + ".join(f"e^{{{k}}}" for k in range(len(nets)))
        return f"e^{{{j}}} / ({denominator})", list(nets)

    def traced_slope(self, net: str, out: str) -> tuple[str, list[str]]:
        """(template, inputs) of dout/dnet, for an element-wise activation."""
        if not self.elementwise:
            raise ValueError(f"{self.name} is not element-wise: its slope is a Jacobian")
        reads = {"out": [out], "net": [net], "": []}[self.slope_reads]
        return self.slope_template, reads

    def apply(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """f(z), written into `out` when given and this function can; otherwise a new array."""
        if out is not None and self.forward_into is not None:
            return self.forward_into(z, out)
        return self.forward(z)

    @property
    def elementwise(self) -> bool:
        """True when f'(z) is diagonal, so δ = dE/dout ⊙ f'(z)."""
        return self.derivative is not None

    def slope(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """f'(z) of an element-wise activation; ValueError for softmax (its f' is a Jacobian)."""
        if self.derivative is None:
            raise ValueError(f"{self.name} is not element-wise: its derivative is a Jacobian")
        return self.derivative(z, out)

    def backward(
        self, z: np.ndarray, out: np.ndarray, grad_out: np.ndarray, overwrite: bool = False
    ) -> np.ndarray:
        """dE/dz from dE/dout: element-wise product, or the softmax Jacobian-vector product.

        `overwrite=True` lets a gated activation write into `grad_out` (the caller owns it).
        """
        if self.gate is not None:
            # g·1 and g·0 exactly as g·f'(z), without building the float derivative array.
            return np.multiply(grad_out, self.gate(z, out), out=grad_out if overwrite else None)
        if self.derivative is not None:
            return grad_out * self.derivative(z, out)
        # softmax: J = diag(s) − s sᵀ, so Jᵀg = s ⊙ (g − Σ g s).
        return out * (grad_out - np.sum(grad_out * out, axis=-1, keepdims=True))


def _identity(z: np.ndarray) -> np.ndarray:
    return np.asarray(z).copy()


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


# Leaky ReLU's slope α lies in [0, 1): then where(z > 0, z, αz) is max(z, αz), as displayed.
LEAKY_SLOPES = "0 ≤ α < 1"


def leaky_relu(alpha: float = 0.01) -> Activation:
    """Leaky ReLU with slope `alpha` for z < 0 (the subgradient at 0 is taken as alpha).

    ValueError unless 0 ≤ alpha < 1 (so NaN and infinities too): outside it max(z, αz) is
    not the function computed. The name keeps every digit of alpha (repr, never rounded).
    """
    alpha = float(alpha)
    if not 0.0 <= alpha < 1.0:
        raise ValueError(f"leaky_relu slope α = {alpha!r}: expected a number with {LEAKY_SLOPES}")
    return Activation(
        name="leaky_relu" if alpha == 0.01 else f"leaky_relu({alpha!r})",
        forward=lambda z: np.where(z > 0, z, alpha * z),
        derivative=lambda z, out: np.where(z > 0, 1.0, alpha),
        out_template=f"max({{0}}, {alpha!r}·{{0}})",
        slope_template=f"1 if {{0}} > 0 else {alpha!r}",
        slope_reads="net",
        family="leaky_relu",
        alpha=alpha,
    )


IDENTITY = Activation(
    "identity", _identity, lambda z, out: np.ones_like(z), out_template="{0}", slope_template="1"
)
SIGMOID = Activation(
    "sigmoid",
    sigmoid,
    lambda z, out: out * (1.0 - out),
    out_template="1/(1 + e^−{0})",
    slope_template="{0}·(1 − {0})",
    slope_reads="out",
    probabilities=True,
)
TANH = Activation(
    "tanh",
    _tanh,
    lambda z, out: 1.0 - out * out,
    out_template="tanh({0})",
    slope_template="1 − {0}²",
    slope_reads="out",
)
# ReLU's derivative at exactly 0 is taken as 0, as every course notebook does ((z > 0)).
RELU = Activation(
    "relu",
    _relu,
    lambda z, out: (z > 0).astype(z.dtype),
    out_template="max(0, {0})",
    slope_template="1 if {0} > 0 else 0",
    slope_reads="net",
    gate=lambda z, out: z > 0,
    forward_into=lambda z, out: np.maximum(z, 0.0, out=out),
)
LEAKY_RELU = leaky_relu(0.01)
# Seed 001's notebook applies the sigmoid derivative to the layer's *output*:
# σ'(out) = σ(out)(1 − σ(out)) instead of out(1 − out). Kept, labelled, so the
# tutor can reproduce that notebook's numbers and show that a gradient check catches it.
SIGMOID_QUIRK_001 = Activation(
    "sigmoid_quirk_001",
    sigmoid,
    lambda z, out: sigmoid(out) * (1.0 - sigmoid(out)),
    out_template="1/(1 + e^−{0})",
    slope_template="σ({0})·(1 − σ({0}))",  # seed 001's slip: σ′ applied to out, not to net
    slope_reads="out",
    family="sigmoid",
    probabilities=True,
    not_in_files=(
        "seed 001's notebook variant (σ′ applied to the output), reproduced by the encoder-838 "
        "lesson, not an activation for a network file; use sigmoid"
    ),
)
# Softmax's traced output and its Jacobian are written out by `traced_output` and the traced
# step's softmax branch: each output reads every net input of the layer.
SOFTMAX = Activation(
    "softmax",
    softmax,
    None,
    out_template="",
    forward_into=softmax,
    probabilities=True,
    min_size=2,
    min_size_reason="a softmax over one neuron is the constant 1",
)

ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, SOFTMAX, SIGMOID_QUIRK_001)
}


def get_activation(name: str) -> Activation:
    """The activation called `name`; `leaky_relu(0.2)` gives another slope."""
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    if name.startswith("leaky_relu(") and name.endswith(")"):
        try:
            alpha = float(name[len("leaky_relu(") : -1])
        except ValueError:
            pass
        else:
            return leaky_relu(alpha)  # ValueError naming the range for nan, inf, 1.5, …
    known = ", ".join(sorted(ACTIVATIONS))
    raise ValueError(f"unknown activation {name!r}; expected one of {known} or leaky_relu(α)")
