"""The network view of wide layers (8-3-8, 2-8-8-2) stays compact enough for 80×24."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from tutor.engine.initializers import Init
from tutor.engine.losses import HALF_SSE
from tutor.engine.network import build
from tutor.engine.traced import traced_step
from tutor.tui.widgets.network_view import render_network, short


def trace_of(sizes):
    net = build(sizes, ["sigmoid"] * (len(sizes) - 1), Init("uniform", low=-0.5, high=0.5), seed=1)
    x = np.zeros(sizes[0])
    x[0] = 1.0
    return traced_step(net, x, np.full(sizes[-1], 0.5), HALF_SSE, 0.5)[0]


def lines_of(trace, current):
    names = [v.name for v in trace]
    visible = set(names[: names.index(current) + 1])
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(render_network(trace, visible, current, set(trace[current].inputs), set()))
    return console.export_text().rstrip("\n").splitlines()


@pytest.mark.parametrize("sizes", [[8, 3, 8], [2, 8, 8, 2]])
def test_wide_layers_fit_the_network_area_at_80_columns(sizes):
    trace = trace_of(sizes)
    for phase in ("forward", "error", "backward", "update"):
        current = [v.name for v in trace if v.phase == phase][-1]
        lines = lines_of(trace, current)
        assert len(lines) <= 12, (current, len(lines))  # the network area's max height
        assert all(len(line) <= 78 for line in lines)
    forward = lines_of(trace, "out_o1")
    assert any("o1 out" in line for line in forward)
    assert f"o1 out {short(trace.value('out_o1'))}" in "\n".join(forward)


def test_a_weight_gradient_shows_the_weight_in_use():
    trace = trace_of([8, 3, 8])
    weight = next(v.name for v in trace if v.name.startswith("dE_total/dw"))
    text = "\n".join(lines_of(trace, weight))
    w = weight.removeprefix("dE_total/d")
    assert f"in use  {w} " in text


def test_the_2_2_2_network_keeps_every_weight():
    trace = trace_of([2, 2, 2])
    text = "\n".join(lines_of(trace, "out_o2"))
    assert all(f"w{k} " in text for k in range(1, 9))


def test_wide_result_tables_keep_every_digit_at_80_columns():
    from tutor.tui.widgets.run_panel import render_results

    z = [-6, -4, -2, -1, 0, 1, 2, 4, 6]
    slopes = [0.0024726231566347743 * (1 + k) for k in range(9)]
    result = {
        "tables": {
            "slopes": {
                "columns": ["z"] + [str(v) for v in z],
                "rows": [["sigmoid'(z)"] + slopes, ["relu(z)"] + [float(max(v, 0)) for v in z]],
            },
            "outputs": {
                "columns": ["input"] + [f"o{j}" for j in range(1, 9)],
                "rows": [[f"e{i}"] + ["0.9364"] * 8 for i in range(1, 9)],
            },
        }
    }
    console = Console(width=76, record=True, file=io.StringIO())
    console.print(render_results(result))
    text = console.export_text()
    assert "…" not in text
    assert "0.00247" in text and "0.0222" in text  # turned on its side, 3 significant digits
    assert text.count("0.9364") == 64


def test_every_built_in_lessons_network_fits_80_by_24():
    from tutor.tui import data
    from tutor.tui.frames import build_frames

    lessons, errors = data.load_lessons()
    assert lessons and not errors
    drawn = 0
    for lesson in lessons:
        frames, _ = build_frames(lesson, data.trace_for)
        for f in frames:
            if not f.trace:
                continue
            console = Console(width=78, record=True, file=io.StringIO())
            summary = data.summary_for(f.trace)
            if summary is not None:  # mnist-digit: its layers, summarised
                from tutor.tui.widgets.layer_summary import render_layer_summary

                console.print(render_layer_summary(summary, f.name))
            else:
                trace = data.trace_for(f.trace)
                visible = {v.name for v in trace if v.phase == "given"} | set(f.shown)
                deps = set(trace[f.name].inputs) if f.name else set()
                console.print(render_network(trace, visible, f.name, deps, set()))
            lines = console.export_text().rstrip("\n").splitlines()
            assert len(lines) <= 12 and all(len(x) <= 78 for x in lines), (lesson.id, f.name)
            drawn += 1
    assert drawn > 50
