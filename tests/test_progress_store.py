"""Issue 9, item 10: a wrong-shaped progress or settings file is set aside with a notice.

Each of these valid-JSON files crashed the TUI on every launch; now the store renames
it `*.corrupt-<time>`, starts afresh and leaves a notice, as the README promises.
"""

from __future__ import annotations

import json
import os

import pytest

from tutor.lessons.progress_store import LessonProgress, ProgressStore

GOOD = {"version": 1, "lesson": "x", "position": [2, 0], "completed": [0, 1], "answers": {}}

BAD_PROGRESS = {
    "answers value not an object": {**GOOD, "answers": {"2": "x"}},
    "answers key not a step": {**GOOD, "answers": {"two": {"tries": 1}}},
    "tries a string": {**GOOD, "answers": {"2": {"tries": "abc"}}},
    "tries negative": {**GOOD, "answers": {"2": {"tries": -1}}},
    "tries true": {**GOOD, "answers": {"2": {"tries": True}}},
    "choice a string": {**GOOD, "answers": {"3": {"choice": "x"}}},
    "choice a float": {**GOOD, "answers": {"3": {"choice": 1.5}}},
    "correct a string": {**GOOD, "answers": {"2": {"correct": "yes"}}},
    "answer a list": {**GOOD, "answers": {"2": {"answer": [1]}}},
    "unknown field nested": {**GOOD, "answers": {"2": {"extra": {"a": 1}}}},
    "position a string": {**GOOD, "position": "0,0"},
    "position of three": {**GOOD, "position": [0, 0, 0]},
    "position of booleans": {**GOOD, "position": [True, False]},
    "position huge": {**GOOD, "position": [10**30, 0]},
    "completed a dict": {**GOOD, "completed": {"1": 1}},
    "completed negative": {**GOOD, "completed": [-1]},
    "completed a string": {**GOOD, "completed": ["1"]},
    "a list at the top": [GOOD],
    "wrong version": {**GOOD, "version": 2},
}

BAD_TEXT = {
    "tries NaN": json.dumps(GOOD)[:-1] + ', "answers": {"2": {"tries": NaN}}}',
    "tries 1e400": json.dumps(GOOD)[:-1] + ', "answers": {"2": {"tries": 1e400}}}',
    "an unknown field Infinity": json.dumps(GOOD)[:-1] + ', "x": Infinity}',
    "200,000 nested [": "[" * 200_000 + "]" * 200_000,
    "not JSON": "{",
    "a 5000-digit integer": '{"version": ' + "1" * 5000 + "}",
    "not UTF-8": b"\xff\xfe".decode("latin-1"),
}


def write(folder, name: str, content) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, str):
        path.write_bytes(content.encode("latin-1" if content.startswith("\xff") else "utf-8"))
    else:
        path.write_text(json.dumps(content))


def assert_set_aside(folder, name: str, store: ProgressStore) -> None:
    assert not (folder / name).exists()
    assert [p.name.split(".corrupt-")[0] for p in folder.glob("*.corrupt-*")] == [name]
    notices = store.take_notices()
    assert len(notices) == 1 and name in notices[0] and "set aside" in notices[0]


@pytest.mark.parametrize("case", sorted(BAD_PROGRESS) + sorted(BAD_TEXT))
def test_bad_progress_file_is_set_aside_with_a_notice(tmp_path, case):
    content = BAD_PROGRESS.get(case, BAD_TEXT.get(case))
    write(tmp_path, "lesson-x.json", content)
    store = ProgressStore(tmp_path)
    progress = store.load("x")
    assert progress == LessonProgress("x")
    assert_set_aside(tmp_path, "lesson-x.json", store)


def test_good_progress_file_loads(tmp_path):
    record = {"tries": 2, "answer": "0.5", "correct": True, "revealed": False, "choice": 1}
    write(tmp_path, "lesson-x.json", {**GOOD, "answers": {"2": record}})
    store = ProgressStore(tmp_path)
    progress = store.load("x")
    assert progress.position == [2, 0] and progress.completed == {0, 1}
    assert progress.answers == {"2": record}
    assert store.take_notices() == []


BAD_SETTINGS = {
    "last_lesson a list": {"last_lesson": ["x"]},
    "theme a number": {"theme": 3},
    "a list": ["x"],
    "nested unknown": {"other": {"a": [1]}},
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_bad_settings_file_is_set_aside(tmp_path, case):
    write(tmp_path, "settings.json", BAD_SETTINGS[case])
    store = ProgressStore(tmp_path)
    assert store.settings() == {}
    assert_set_aside(tmp_path, "settings.json", store)


def test_deeply_nested_settings_is_set_aside(tmp_path):
    write(tmp_path, "settings.json", '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}")
    store = ProgressStore(tmp_path)
    assert store.settings() == {}
    assert_set_aside(tmp_path, "settings.json", store)


def test_good_settings_load(tmp_path):
    write(tmp_path, "settings.json", {"last_lesson": "mazur", "theme": "textual-light"})
    store = ProgressStore(tmp_path)
    assert store.settings() == {"last_lesson": "mazur", "theme": "textual-light"}


def test_settings_fifo_is_set_aside_without_blocking(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    os.mkfifo(tmp_path / "settings.json")
    store = ProgressStore(tmp_path)
    assert store.settings() == {}
    assert_set_aside(tmp_path, "settings.json", store)


def test_progress_symlink_to_dev_zero_is_set_aside(tmp_path):
    (tmp_path / "lesson-x.json").symlink_to("/dev/zero")
    store = ProgressStore(tmp_path)
    assert store.load("x") == LessonProgress("x")
    assert_set_aside(tmp_path, "lesson-x.json", store)


def test_the_settings_notice_says_settings(tmp_path):
    write(tmp_path, "settings.json", ["x"])
    store = ProgressStore(tmp_path)
    store.settings()
    assert store.take_notices()[0].startswith("Settings file settings.json was unreadable")


def test_two_files_set_aside_in_the_same_second_keep_both(tmp_path, monkeypatch):
    """Regression: both were renamed `NAME.corrupt-<second>`, the second over the first."""
    monkeypatch.setattr("time.strftime", lambda fmt, *args: "20260101-120000")
    store = ProgressStore(tmp_path)
    for content in ("{ first", "{ second", "{ third"):
        (tmp_path / "settings.json").write_text(content)
        assert store.settings() == {}
    kept = sorted(tmp_path.glob("settings.json.corrupt-*"))
    assert [p.name for p in kept] == [
        "settings.json.corrupt-20260101-120000",
        "settings.json.corrupt-20260101-120000-2",
        "settings.json.corrupt-20260101-120000-3",
    ]
    assert [p.read_text() for p in kept] == ["{ first", "{ second", "{ third"]
    notices = store.take_notices()
    assert len(notices) == 3 and all(str(p) in n for p, n in zip(kept, notices, strict=True))
