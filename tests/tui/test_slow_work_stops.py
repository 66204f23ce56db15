"""A step's slow work (an experiment run for its numbers) stops when the lesson is closed."""

from __future__ import annotations

import threading
import time

from tests.tui.snapshot_app import folder_app, open_listed_lesson
from tutor.experiments.registry import (
    EXPERIMENTS,
    Cancelled,
    cached_result,
    check_progress,
    experiment,
)
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.picker import PickerScreen

ID = "test_stops_when_closed"
STEPS = 3000  # 30 s at 10 ms a step unless stopped
outcome: dict[str, object] = {}
finished = threading.Event()


def runs_until_stopped(progress=None) -> dict:
    """Reports progress every 10 ms; records how far it got and whether it was stopped."""
    started = time.monotonic()
    try:
        for k in range(STEPS):
            outcome["done"] = k
            check_progress(progress, k, STEPS)
            time.sleep(0.01)
    except Cancelled:
        outcome["stopped after"] = time.monotonic() - started
        raise
    finally:
        finished.set()
    return {"value": 1.0}


LESSON = f'''
id = "stops-when-closed"
title = "Slow numbers"
summary = "A prediction whose numbers take long to compute."
order = 1

[[steps]]
kind = "prose"
text = "Next comes a slow step."

[[steps]]
kind = "predict"
title = "Slow"
experiment = "{ID}"
target = "value"
tolerance = 0.5
text = "Predict the value."
'''


async def test_leaving_the_lesson_stops_the_experiment_its_step_started(private_data, tmp_path):
    if ID not in EXPERIMENTS:
        experiment(ID, "Slow numbers (test)", "tests")(runs_until_stopped)
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "50-slow.toml").write_text(LESSON, encoding="utf-8")
    app = folder_app(folder, private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_listed_lesson(pilot)
        assert isinstance(screen, LessonScreen) and screen.problems == []
        await pilot.press("right")  # the predict step: its numbers start computing
        for _ in range(3000):  # until the experiment is under way
            if outcome.get("done", 0) > 0:
                break
            await pilot.pause(0.01)
        assert screen.stop_when_closed(1, 2) is None  # on screen: goes on
        await pilot.press("q")
        assert isinstance(app.screen, PickerScreen)
        assert screen.stop_when_closed(1, 2) is False  # closed: stops
        assert finished.wait(timeout=60)
    assert "stopped after" in outcome, outcome  # cancelled, not run to its end
    assert outcome["done"] < STEPS - 1
    assert cached_result(ID) is None  # nothing half-done kept
