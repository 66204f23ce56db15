"""The teacher's example lesson (its own network file, a batch) opens and plays in the TUI."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.tui.snapshot_app import folder_app, open_listed_lesson
from tests.tui.test_pilot import text_of
from tutor.tui.screens.lesson import LessonScreen

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "teacher-lesson"


async def test_the_teachers_lesson_opens_and_takes_a_sample_answer(private_data):
    app = folder_app(FOLDER, private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_listed_lesson(pilot)
        assert isinstance(screen, LessonScreen)
        while screen.frame.name != "E_o1[2]":
            await pilot.press("right")
        assert isinstance(app.focused, Input)
        await pilot.press(*"0.149390", "enter")
        await pilot.pause()
        assert screen.frame.name == "E_o1[2]"
        assert "0.149389758" in text_of(app, "#values")  # the answer, accepted


async def test_m_toggles_the_matrix_view_of_the_current_value(private_data):
    app = folder_app(FOLDER, private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_listed_lesson(pilot)
        while screen.frame.name != "out_h1[2]":
            await pilot.press("right")
        assert "sample 2 of 4 (inputs 1, 0)" in text_of(app, "#network")
        await pilot.press("m")
        await pilot.pause()
        shown = text_of(app, "#network")
        assert "out_h1[2] = A1[0,2]" in shown and "(2×4) = sigmoid((2×4))" in shown
        await pilot.press("right")  # net_o1[2], still in matrix view
        assert "net_o1[2] = Z2[0,2] = 0.187   Z2 = W2·A1 + b2" in text_of(app, "#network")
        while screen.frame.name != "E_o1[2]":
            await pilot.press("right")
        shown = text_of(app, "#network")
        assert "E_o1[2] = E[0,2]" in shown and "0.1494" not in shown  # the answer stays hidden
        await pilot.press("escape", "m")
        await pilot.pause()
        assert "sample 2 of 4" in text_of(app, "#network")  # back to the neurons
