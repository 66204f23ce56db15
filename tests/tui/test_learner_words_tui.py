"""The TUI names results, runs and sources in words, never by their internal ids."""

from __future__ import annotations

import io
import re

from rich.console import Console

from tests.test_learner_words import FORBIDDEN
from tutor.tui.screens.lesson import run_label, titled
from tutor.tui.widgets.run_panel import render_results

RESULT = {
    "summary": "As printed in 004_bf1db25ddaceea2c.txt.",
    "final_loss": 0.25,
    "tables": {
        "loss_table": {"columns": ["epoch", "loss"], "rows": [[0, 0.7]]},
        "per_class": {"columns": ["digit"], "rows": [[1]], "caption": "003_bd86bf8af1f2b77a.txt"},
    },
}


def shown(renderable) -> str:
    console = Console(width=120, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def test_results_are_shown_in_words():
    text = shown(render_results(RESULT))
    assert "loss table" in text and "per class" in text and "final loss" in text
    assert "Lab record 004" in text and "Slides (003)" in text
    assert [m.group(0) for p in FORBIDDEN for m in re.finditer(p, text)] == []


def test_a_run_is_labelled_by_its_title():
    assert run_label("xor_relu").startswith("XOR 2-2-1, ReLU hidden")
    assert titled([("encoder_838_seed001", {})])[0][0].startswith("8-3-8 encoder as seed 001")
    assert len(run_label("encoder_838_seed001")) <= 40
