"""The tutor's second voice: SymPy derivations of every traced gradient, and the three-way check.

Importing this package does not import SymPy; `derive` and `symbolic_forms` do,
when first called (the numeric gradient check never needs it). The full entry
point is `tutor.symbolic.derivation.derivation(example_or_network, target)`
(imported from its module: the package attribute `derivation` is that module).
"""

from __future__ import annotations

from tutor.symbolic.steps import Derivation, Step, TooLargeForSymbolic

__all__ = [
    "Derivation",
    "Step",
    "TooLargeForSymbolic",
    "SYMBOLIC_LIMIT",
    "ACTIVATION_TARGETS",
    "derive",
    "symbolic_forms",
]

# The activations `derive` explains, by the engine's family names (Activation.family). The one
# list: tutor.symbolic.activations keys its SymPy registry by it, the CLI and the lesson loader
# read it from here, which imports neither SymPy nor NumPy.
ACTIVATION_TARGETS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")


def __getattr__(name: str):
    """SYMBOLIC_LIMIT on first use: its module imports the engine (NumPy)."""
    if name == "SYMBOLIC_LIMIT":
        from tutor.symbolic.structure import SYMBOLIC_LIMIT

        return SYMBOLIC_LIMIT
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def derive(source, target: str) -> Derivation:
    """The derivation of `target` ('w5', 'b1', 'forward', 'sigmoid', …) for `source`.

    `source` is an Example, a Network (with `loss=`, `x=`, `t=` to `derivation`), or a
    name: 'mazur', 'encoder-838', 'mazur@seed-001'. An activation target needs no source.
    KeyError names an unknown example, variant or parameter; TooLargeForSymbolic (a
    ValueError) says a network is above the symbolic limit.
    """
    from tutor.symbolic.derivation import derivation

    if target in ACTIVATION_TARGETS:
        return derivation(None, target)
    if isinstance(source, str):
        from tutor.symbolic.variants import example

        source = example(source)
    return derivation(source, target)


def symbolic_forms(source, loss=None) -> dict[str, tuple[str, str]]:
    """Trace name → (one-line Unicode, LaTeX) symbolic form, for the trace exporters."""
    from tutor.symbolic.derivation import symbolic_forms as forms

    if isinstance(source, str):
        from tutor.symbolic.variants import example

        source = example(source)
    return forms(source, loss)
