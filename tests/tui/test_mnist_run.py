"""The lesson's MNIST run as the TUI's run step shows it: summary, per-class table, confusion."""

from __future__ import annotations

import io

from rich.console import Console

from tutor.experiments.registry import run_experiment
from tutor.tui.widgets.run_panel import render_results


def test_mnist_results_render_in_the_run_panel():
    result = run_experiment("mnist")  # cached per process: free after tests/test_mnist_train.py
    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(render_results(result))
    text = console.export_text()
    assert f"Held-out accuracy {result['accuracy']:.1%} on 1000 digits" in text
    for title in ("per class", "confusion", "worst"):  # table names in words
        assert title in text
    accuracy_of_digit_0 = result["tables"]["per_class"]["rows"][0][3]
    assert accuracy_of_digit_0.strip().endswith("%") and accuracy_of_digit_0 in text
