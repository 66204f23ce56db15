"""A lesson played in the TUI is exported by `backprop-tutor progress --format csv`."""

from __future__ import annotations

import csv
import io
import re

from tests.tui.snapshot_app import make_app
from tests.tui.test_pilot import open_first_lesson
from tutor.cli import main


async def test_played_lesson_is_exported_as_csv(private_data, capsys):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("right", "n", "space")
        assert screen.frame.name == "out_h1"
        await pilot.press(*"0.3775", "enter")  # wrong: the net input
        await pilot.press(*"5.9327e-1", "enter")  # right
        await pilot.pause()
    capsys.readouterr()
    lesson = screen.lesson
    folder = str(lesson.path.parent)
    assert main(["progress", "--format", "csv", "--lesson", lesson.id, "--lessons", folder]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(lesson.steps)
    by_step = {int(r["step"]): r for r in rows}
    predict = by_step[3]
    assert predict["kind"] == "predict" and predict["title"] == lesson.steps[2].title
    assert (predict["seen"], predict["tries"], predict["correct"]) == ("yes", "2", "yes")
    assert predict["answer"] == "5.9327e-1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", predict["when"])
    assert by_step[1]["seen"] == "yes" and by_step[1]["correct"] == ""
    last = by_step[len(lesson.steps)]
    assert last["seen"] == "no" and last["when"] == ""
