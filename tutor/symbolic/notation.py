"""SymPy symbols in the lesson's notation: i1, w5, b_h1, net_h1, out_o1, E_total, ∂E_total/∂w5."""

from __future__ import annotations

import re
import sys
import threading
import types
from contextlib import contextmanager

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.stringpict import prettyForm

_UNITS = "sympy.physics.units"
_units_lock = threading.Lock()


def sym(name: str) -> sp.Symbol:
    """A real symbol called `name` (the same object for the same name)."""
    return sp.Symbol(name, real=True)


class Partial(sp.Symbol):
    """A named partial derivative, e.g. `dE_total/dout_o1`: its name is the trace's name."""

    @property
    def parts(self) -> tuple[str, str]:
        """(numerator, denominator): ('E_total', 'out_o1')."""
        num, den = self.name[1:].split("/d", 1)
        return num, den

    def _latex(self, printer) -> str:
        num, den = (printer._print(sym(p)) for p in self.parts)
        return rf"\frac{{\partial {num}}}{{\partial {den}}}"

    def _pretty(self, printer) -> prettyForm:
        num, den = (prettyForm(*printer._print(sp.Symbol(p)).left("∂")) for p in self.parts)
        return num / den


def partial(numerator: str, denominator: str) -> Partial:
    """∂numerator/∂denominator as a real symbol named like the trace: `dE_total/dw5`."""
    return Partial(f"d{numerator}/d{denominator}", real=True)


@contextmanager
def _without_units_import():
    """Let the pretty printer skip importing sympy.physics.units while it prints.

    Its _print_Mul imports that package (about 0.4 s, more than SymPy itself) only to
    test isinstance(factor, Quantity); our expressions never hold a Quantity, so a
    stand-in class answers the test. The stand-in is removed afterwards, and never
    installed when the real package is already imported.
    """
    with _units_lock:
        if _UNITS in sys.modules:
            yield
            return
        stub = types.ModuleType(_UNITS)
        stub.Quantity = type("Quantity", (), {})
        sys.modules[_UNITS] = stub
        try:
            yield
        finally:
            if sys.modules.get(_UNITS) is stub:
                del sys.modules[_UNITS]


def unicode(expr, ordered: bool = False) -> str:
    """The terminal's form of `expr` (`ordered` keeps the factors in the order they were built)."""
    with _without_units_import():
        text = sp.pretty(expr, use_unicode=True, order="none" if ordered else None, wrap_line=False)
    return "\n".join(line.rstrip() for line in text.splitlines())


# e^(-net_o1) → e^-net_o1: a lone name's power written as the trace writes it (e^−net_o1).
_EXP_OF_NAME = re.compile(r"e\^\((-?[A-Za-z_][A-Za-z0-9_]*)\)")


def one_line(expr, ordered: bool = False) -> str:
    """`expr` as one line of text with · and ^: b2 + out_h1·w5, e^-net_o1, dE_total/dw5."""
    text = sp.sstr(expr, order="none" if ordered else None)
    text = text.replace("**", "^").replace("*", "·").replace("exp(", "e^(")
    return _EXP_OF_NAME.sub(r"e^\1", text)


GREEK = {"alpha", "delta", "eta", "sigma", "theta"}


def _tex_word(word: str) -> str:
    if word in GREEK:
        return "\\" + word
    return rf"\mathrm{{{word}}}" if len(word) > 1 and word.isalpha() else word


def tex_name(name: str) -> str:
    """A lesson name in LaTeX: net_h1 → \\mathrm{net}_{h1}, E_total → E_{\\mathrm{total}}."""
    base, _, sub = name.partition("_")
    if not sub:
        numbered = re.fullmatch(r"([A-Za-z]+)(\d+)", base)
        if numbered:
            return f"{_tex_word(numbered.group(1))}_{{{numbered.group(2)}}}"
        return _tex_word(base)
    sub = _tex_word(sub) if sub.isalpha() else sub.replace("_", ",")
    return f"{_tex_word(base)}_{{{sub}}}"


class LessonLatexPrinter(LatexPrinter):
    """SymPy's LaTeX with the lesson's names set upright: \\mathrm{out}_{o1}, not out_{o1}."""

    def _print_Symbol(self, expr, style="plain"):
        return tex_name(expr.name)


def latex(expr, ordered: bool = False) -> str:
    """The LaTeX form of `expr`."""
    settings = {"order": "none" if ordered else None, "mul_symbol": "dot"}
    return LessonLatexPrinter(settings).doprint(expr)


def equation(lhs, rhs) -> sp.Eq:
    """lhs = rhs, kept exactly as built (no evaluation, no reordering of a product)."""
    return sp.Eq(lhs, rhs, evaluate=False)
