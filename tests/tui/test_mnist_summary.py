"""mnist-digit in the tutor: a lesson step naming it shows the network as layer summaries."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from rich.console import Console

from tutor.engine.matrix import matrix_step
from tutor.engine.trace import format_number
from tutor.experiments.builtin_examples import get_example
from tutor.tui.app import TutorApp
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.widgets.network_view import NetworkView

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def shown(widget) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def test_lesson_9_shows_its_traced_digit_as_layers_and_a_selected_neuron(private_data):
    app = TutorApp(
        lessons_dirs=[LESSONS],
        builtin_lessons=False,
        data_dir=private_data,
        start_lesson="mnist",
        cursor_blink=False,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, LessonScreen)
        assert not [p for p in screen.problems if "mnist-digit" in p]  # no "too large" problem
        await pilot.press("end")
        await pilot.pause()
        assert screen.frame.trace == "mnist-digit"
        view = screen.query_one(NetworkView)
        assert view.display and not screen.has_class("-no-trace")
        text = shown(view)
        # every number is the engine's matrix form of the step
        tr = matrix_step(get_example("mnist-digit"))
        target = int(tr.matrices["T"][:, 0].argmax())
        assert "784-128-10" in text and "W1 (128×784)" in text and "hidden 128 relu" in text
        net, out = tr.matrices["Z2"][target, 0], tr.matrices["A2"][target, 0]
        assert f"o{target + 1}  (the target class) net {format_number(net, 6)}" in text
        assert f"out {format_number(out, 6)}" in text
        assert f"δ {format_number(out - 1.0, 6)}" in text
        assert f"max {format_number(float(np.max(tr.matrices['A1'])), 4)}" in text
        for line in text.splitlines():
            assert len(line.rstrip()) <= 80
        await pilot.press("m")  # the selected output's matrix step, its entry marked
        await pilot.pause()
        matrix = shown(view)
        assert f"delta_o{target + 1} = δ2[{target}]" in matrix and "δ2 = A2 − T" in matrix
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("left")  # the step before names no network: none shown
        await pilot.pause()
        assert screen.frame.step_index == len(screen.lesson.steps) - 2, screen.frame
        assert screen.has_class("-no-trace") and not screen.has_class("-summary")
