"""The TUI's worked lines: the formula and its numbers list the terms in one order."""

from __future__ import annotations

import re

from tutor.lessons.references import get_trace


def test_a_formula_and_its_numbers_list_the_terms_in_one_order():
    import io

    from rich.console import Console

    from tutor.tui import data
    from tutor.tui.widgets.step_view import render_work

    trace = get_trace("mazur")
    forms = data.symbolic_formulas("mazur")
    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(render_work(trace, "net_h2", forms["net_h2"]))
    lines = console.export_text().splitlines()
    assert lines[0] == "net_h2 = w3·i1 + w4·i2 + b1·1"
    assert lines[1] == "  = 0.25·0.05 + 0.3·0.1 + 0.35·1"
    # each weight of the formula sits where its number sits
    weights = re.findall(r"w\d", lines[0])
    numbers = re.findall(r"(\d\.\d+)·", lines[1])
    assert [trace[w].value for w in weights] == [float(n) for n in numbers[:2]]
    assert lines[3] == "SymPy: b1 + i1·w3 + i2·w4"  # SymPy's own order, labelled, after
