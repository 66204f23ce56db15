"""`progress`: the progress files read per lesson and step (text, csv, json), and `--reset`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests import forked_probe
from tutor.cli import main
from tutor.lessons.loader import load_lessons
from tutor.lessons.progress_store import LessonProgress, ProgressStore

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("BACKPROP_TUTOR_DATA", str(folder))
    store = ProgressStore(folder)
    progress = LessonProgress("worked-example", [2, 0], {0, 1, 2})
    progress.answers = {"2": {"tries": 3, "answer": "0.3775", "revealed": True}}
    progress.times = {"2": {"seen": "2026-12-01T10:00:00Z", "answered": "2026-12-01T10:01:00Z"}}
    store.save(progress)
    quiz = LessonProgress("knowledge-check", [1, 0], {1})
    quiz.answers = {"1": {"choice": 0, "correct": True}}
    store.save(quiz)
    return folder


def rows_of(text: str) -> dict[tuple[str, int], dict]:
    return {(r["lesson"], int(r["step"])): r for r in csv.DictReader(io.StringIO(text))}


def test_csv_has_a_row_per_step_of_started_lessons(data, capsys):
    assert main(["progress", "--format", "csv"]) == 0
    rows = rows_of(capsys.readouterr().out)
    assert {lesson for lesson, _ in rows} == {"worked-example", "knowledge-check"}
    predict = rows[("worked-example", 3)]
    assert (predict["seen"], predict["tries"], predict["correct"]) == ("yes", "3", "revealed")
    assert predict["when"] == "2026-12-01T10:01:00Z"
    assert rows[("worked-example", 4)]["seen"] == "no"
    quiz = rows[("knowledge-check", 2)]
    assert (quiz["kind"], quiz["correct"], quiz["answer"]) == ("quiz", "yes", "a")


def test_json_and_text(data, capsys):
    assert main(["progress", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["kind"] == "backprop-tutor/progress" and document["schema_version"] == 1
    lessons = {entry["lesson"]: entry for entry in document["lessons"]}
    assert lessons["worked-example"]["started"] and not lessons["mnist"]["started"]
    assert main(["progress"]) == 0
    text = capsys.readouterr().out
    lesson = load_lessons().get("worked-example")
    questions = sum(step.kind in ("predict", "quiz") for step in lesson.steps)
    assert f"seen 3 of {len(lesson.steps)} steps; 0 of {questions} questions right" in text
    assert "tries 3, correct: revealed" in text and "not started" in text


def test_export_to_a_file(data, tmp_path, capsys):
    target = tmp_path / "progress.csv"
    assert main(["progress", "--format", "csv", "-o", str(target)]) == 0
    assert rows_of(target.read_text())[("worked-example", 3)]["correct"] == "revealed"


def test_unreadable_file_is_reported_not_moved(data, capsys):
    bad = ProgressStore(data).lesson_path("activations")
    bad.write_text("{not json")
    assert main(["progress"]) == 0
    assert "unreadable" in capsys.readouterr().out
    assert bad.read_text() == "{not json"  # the export never renames or changes a file


def test_a_file_without_times_still_loads(data, capsys):
    path = ProgressStore(data).lesson_path("worked-example")
    document = json.loads(path.read_text())
    del document["times"]
    path.write_text(json.dumps(document))
    assert main(["progress", "--format", "csv", "--lesson", "worked-example"]) == 0
    assert rows_of(capsys.readouterr().out)[("worked-example", 3)]["when"] == ""


def test_reset_needs_a_confirmation(data, capsys, monkeypatch):
    path = ProgressStore(data).lesson_path("worked-example")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    assert main(["progress", "--reset", "worked-example"]) == 2
    assert "add --yes to confirm" in capsys.readouterr().err and path.exists()
    assert main(["progress", "--reset", "worked-example", "--yes"]) == 0
    assert not path.exists()
    assert ProgressStore(data).lesson_path("knowledge-check").exists()  # only that lesson
    assert main(["progress", "--reset", "nope", "--yes"]) == 2
    assert "--reset 'nope': no such lesson" in capsys.readouterr().err


def test_progress_does_not_import_textual(data):
    code = (
        "import sys\nfrom tutor.cli import main\nmain(['progress', '--format', 'csv'])\n"
        "print('TEXTUAL', any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    result = forked_probe.run(code, check=True)
    assert "TEXTUAL False" in result.stdout
