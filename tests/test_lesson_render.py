"""Text rendering of traces and experiment results for the headless `run`."""

from __future__ import annotations

from tutor.lessons.references import get_trace
from tutor.lessons.render import (
    boundary_lines,
    loss_curve_lines,
    result_lines,
    table_lines,
    trace_lines,
)


def test_trace_lines_write_formula_numbers_and_result():
    trace = get_trace("mazur")
    lines = trace_lines(trace, [trace["net_h1"], trace["dE_o2/dout_h1"], trace["w1"]])
    assert (
        lines[0] == "net_h1        = w1·i1 + w2·i2 + b1·1 = 0.15·0.05 + 0.2·0.1 + 0.35·1 = 0.3775"
    )
    assert lines[1] == "dE_o2/dout_h1 = delta_o2·w7 = -0.038098237·0.5 = -0.019049118"
    assert lines[2].startswith("w1            = 0.15   (weight i1 → h1)")


def test_loss_curve_spans_first_to_last_epoch_on_a_log_scale():
    losses = [10.0 ** (-k / 10) for k in range(50)]
    lines = loss_curve_lines(losses, list(range(0, 500, 10)), width=40, height=8)
    assert len(lines) == 10
    assert lines[0].strip().startswith("1 ┤•") and lines[7].endswith("•")
    assert lines[7].lstrip().startswith("1.259e-05 ┤")
    assert "epoch (log-scale loss)" in lines[-1] and "490" in lines[-1]
    assert loss_curve_lines([float("nan")]) == ["(no finite loss values)"]


def test_tables_align_numbers_right():
    lines = table_lines(["name", "value"], [["a", 1.5], ["bb", 22.25]])
    assert lines == ["name  value", "----  -----", "a       1.5", "bb    22.25"]


def test_boundary_marks_classes_and_points():
    boundary = {"x": [0, 1], "y": [0, 1], "grid": [[0.9, 0.1], [0.2, 0.8]], "points": [[0, 0, 1]]}
    assert boundary_lines(boundary) == ["#·", "1#"]


def test_result_lines_show_the_named_scalars_and_tables_only():
    result = {
        "summary": "It learned.",
        "accuracy": 0.75,
        "tables": {
            "a": {"columns": ["x"], "rows": [[1]], "caption": "Table A"},
            "b": {"columns": ["y"], "rows": [[2]], "caption": "Table B"},
        },
    }
    text = "\n".join(result_lines(result, show=["accuracy", "b"]))
    assert "It learned." in text and "accuracy = 0.75" in text
    assert "Table B" in text and "Table A" not in text
