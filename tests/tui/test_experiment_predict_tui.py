"""A predict step on an experiment's value in the TUI: numbers given, wrong tries, the answer."""

from __future__ import annotations

from textual.widgets import Input

from tests import predict_experiment as px
from tests.tui.snapshot_app import folder_app, open_listed_lesson
from tests.tui.test_pilot import text_of
from tutor.tui.screens.lesson import LessonScreen


async def test_an_experiment_value_is_asked_graded_and_worked(private_data, tmp_path):
    px.register()
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "50-predict.toml").write_text(px.LESSON, encoding="utf-8")
    app = folder_app(folder, private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_listed_lesson(pilot)
        assert isinstance(screen, LessonScreen) and screen.problems == []
        await pilot.press("right")
        await app.workers.wait_for_complete()  # the experiment's numbers, in a thread
        await pilot.pause()
        assert screen.frame.step.experiment == px.ID
        work = text_of(app, "#work")
        assert "out_h1 = 0.4" in work and "3 of 3 tries left" in work
        assert "0.571429" not in work  # the answer stays hidden
        assert isinstance(app.focused, Input)
        assert app.focused.placeholder == "a number to 6 decimals"
        # without the 1/p rescale: the experiment's named mistake
        await pilot.press(*"0.4", "enter")
        feedback = text_of(app, "#feedback")
        assert "not right" in feedback and px.NO_RESCALE in feedback
        assert "2 of 3 tries left" in text_of(app, "#work")
        # rounded to fewer decimals than asked: measured, no mistake named
        await pilot.press(*"0.5714", "enter")
        feedback = text_of(app, "#feedback")
        assert "agrees to 4 decimals; give 6" in feedback and px.NO_RESCALE not in feedback
        await pilot.press(*"0.571429", "enter")
        await pilot.pause()
        assert "is right" in text_of(app, "#feedback")
        work = text_of(app, "#work")
        assert "Correct" in work and "out_h1·m1/p = 0.4·1/0.7 = 0.571429" in work
        assert screen.progress.answers["1"]["correct"] is True
        assert app.focused is None  # solved: the step keys work again
