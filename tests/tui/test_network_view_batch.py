"""The network view of every built-in example at 80×24, a batch drawn as one sample sees it."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import resolve
from tutor.tui.widgets.network_view import one_sample, render_network

EXAMPLES = ["mazur", "xor-221", "encoder-838", "two-hidden", "deep-xor"]


def _drawn(trace, visible, current) -> list[str]:
    heading = None
    if "samples" in trace.meta:
        trace, visible, current, hidden, heading = one_sample(trace, visible, current, set())
    deps = set(trace[current].inputs) if current in trace else set()
    console = Console(width=78, record=True, file=io.StringIO())
    if heading is not None:
        console.print(heading)
    console.print(render_network(trace, visible, current, deps, set()))
    return console.export_text().rstrip("\n").splitlines()


@pytest.mark.parametrize("reference", EXAMPLES)
def test_every_builtin_example_fits_the_network_area(reference):
    trace, _ = trace_example_step(*resolve(reference))
    given = {v.name for v in trace if v.phase == "given"}
    for v in trace.values[:: max(1, len(trace) // 40)]:
        lines = _drawn(trace, given | {v.name}, v.name)
        assert len(lines) <= 12 and all(len(x) <= 78 for x in lines), (reference, v.name)


def test_a_batch_is_drawn_with_the_current_samples_values():
    trace, _ = trace_example_step(*resolve("xor-221"))
    visible = {v.name for v in trace if v.phase == "given"} | {"net_h1[1]", "out_h1[3]"}
    lines = _drawn(trace, visible, "net_h1[1]")
    assert lines[0].startswith("sample 1 of 4 (inputs 0, 1)")
    text = "\n".join(lines)
    assert "net 0.0648" in text  # net_h1[1] = w2·1 = 0.0648, not sample 3's values
    assert "out" not in text.split("h1", 1)[1].split("\n")[0]  # out_h1[3] is another sample's
