"""The matrix view (key m) highlights the current value's entry inside the matrix too."""

from __future__ import annotations

import pytest

from tutor.engine.matrix import matrix_step as matrix_trace
from tutor.engine.trace import format_number
from tutor.experiments.builtin_examples import get_example
from tutor.export.matrix import MARK_END, MARK_START, export_matrix
from tutor.tui.widgets.network_view import CURRENT, render_matrix


def marked(tr, current: str, hide_result: bool = False) -> list[str]:
    """The texts of the matrix view's spans in the CURRENT style (the heading's left out)."""
    group = render_matrix(tr, current, hide_result=hide_result)
    spans = []
    for line in list(group.renderables)[1:]:
        spans += [line.plain[s.start : s.end] for s in line.spans if s.style == CURRENT]
        assert MARK_START not in line.plain and MARK_END not in line.plain
    return spans


@pytest.mark.parametrize(
    "name, expected",
    [
        ("w5", 0.4),  # an operand: W2[0,0]
        ("net_h2", 0.3925),  # a result: Z1[1]
        ("out_o2", None),
        ("w6+", None),
    ],
)
def test_the_current_entry_is_marked_inside_the_matrix(name, expected):
    tr = matrix_trace(get_example("mazur"))
    spans = marked(tr, name)
    assert len(spans) == 1
    value = tr.entry(name) if expected is None else expected
    assert spans[0].strip() == format_number(value, 4)


def test_a_value_to_predict_is_not_shown_but_a_given_operand_is_marked():
    tr = matrix_trace(get_example("mazur"))
    assert marked(tr, "net_h1", hide_result=True) == []  # the result is the student's
    assert [s.strip() for s in marked(tr, "w1")] == ["0.15"]


def test_a_batch_entry_and_a_wide_matrix_are_marked():
    tr = matrix_trace(get_example("xor-221"))
    spans = marked(tr, "net_h1[3]")  # Z1[0,3]: sample 4 of the batch
    assert [s.strip() for s in spans] == [format_number(tr.entry("net_h1[3]"), 4)]
    deep = matrix_trace(get_example("deep-xor"))
    spans = marked(deep, "w30")
    assert [s.strip() for s in spans] == [format_number(deep.entry("w30"), 4)]


@pytest.mark.parametrize("fmt", ["text", "md", "tex", "json", "csv"])
def test_exports_never_hold_the_marks(fmt):
    text = export_matrix(matrix_trace(get_example("mazur")), fmt)
    assert MARK_START not in text and MARK_END not in text


def test_a_given_weight_of_a_wide_step_shows_its_matrix_with_the_weight_marked():
    deep = matrix_trace(get_example("deep-xor"))
    lines = [line.plain for line in list(render_matrix(deep, "w30").renderables)[1:]]
    assert not any(line.startswith("Z2") for line in lines)  # the weights, not the result Z2
    assert any(line.startswith("W2[:, ") for line in lines)  # in blocks of columns, scrolled
    assert len(lines) <= 10  # to the marked row, within the network area
