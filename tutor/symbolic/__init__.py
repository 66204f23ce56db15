"""The tutor's second voice: SymPy derivations of every traced gradient, and the three-way check.

Importing this package does not import SymPy; `derivation` and `symbolic_forms`
do, when first called (the numeric gradient check never needs it).
"""

from __future__ import annotations

from tutor.symbolic.steps import Derivation, Step, TooLargeForSymbolic
from tutor.symbolic.structure import SYMBOLIC_LIMIT

__all__ = [
    "Derivation",
    "Step",
    "TooLargeForSymbolic",
    "SYMBOLIC_LIMIT",
    "derivation",
    "symbolic_forms",
]


def derivation(source, target: str, **kwargs) -> Derivation:
    """The derivation of a parameter ('w5'), 'forward', or an activation ('sigmoid', …)."""
    from tutor.symbolic.derivations import derivation as derive

    return derive(source, target, **kwargs)


def symbolic_forms(source, loss=None) -> dict[str, tuple[str, str]]:
    """Trace name → (Unicode, LaTeX) symbolic form, for the trace exporters."""
    from tutor.symbolic.derivations import symbolic_forms as forms

    return forms(source, loss)
