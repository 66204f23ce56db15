"""One notation: the card agrees with the trace, SymPy writes e^−x as the trace does."""

from __future__ import annotations

from tutor.cli import main
from tutor.lessons.notation_card import NOTATION
from tutor.lessons.references import get_trace


def test_the_card_prints_with_lessons_notation(capsys):
    assert main(["lessons", "--notation"]) == 0
    out = capsys.readouterr().out
    for symbol in ("net_h1", "out_h1", "δ_o1", "η", "∂E/∂w5", "t_o1"):
        assert symbol in out


def test_the_cards_examples_are_the_traces():
    trace = get_trace("mazur")
    examples = {symbol: example for symbol, _, example in NOTATION}
    assert examples["net_h1"] == f"net_h1 = {trace['net_h1'].formula}"
    assert examples["out_h1"] == f"out_h1 = {trace['out_h1'].formula}"
    assert examples["E_o1, E_total"] == f"E_o1 = {trace['E_o1'].formula}"
    number = float(examples["∂E/∂w5"].split("= ")[1])
    assert abs(number - trace["dE_total/dw5"].value) < 5e-10
    assert float(examples["η"].split("= ")[1]) == trace["eta"].value
    assert float(examples["i1, i2"].split("= ")[1]) == trace["i1"].value


def test_sympy_writes_the_exponent_as_the_trace_does():
    from tutor.tui import data

    forms = data.symbolic_formulas("mazur")
    trace = get_trace("mazur")
    for name in ("out_h1", "out_h2", "out_o1", "out_o2"):
        assert forms[name] == trace[name].formula  # 1/(1 + e^−net_h1), no e^(−net_h1)
    assert not any("e^(−" + n in f for f in forms.values() for n in ("net", "z"))
