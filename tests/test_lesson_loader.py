"""Lesson files: all of lessons/ loads, its references exist; bad files are named."""

from __future__ import annotations

import random
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.lesson_toml import dumps
from tutor.lessons.loader import LessonError, load_lesson, load_lessons
from tutor.lessons.references import check_references
from tutor.paths import lessons_dir

LESSON_FILES = sorted(lessons_dir().glob("*.toml"))


def test_the_lessons_folder_has_lessons():
    assert len(LESSON_FILES) >= 5


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_every_lesson_file_loads_and_its_references_exist(path):
    lesson = load_lesson(path)
    assert lesson.path == path
    assert path.name.startswith(f"{lesson.order:02d}-"), "file name NN-slug.toml, NN = order"
    assert check_references(lesson) == []


def test_all_lessons_load_together_without_errors():
    result = load_lessons()
    assert result.errors == []
    ids = [lesson.id for lesson in result.lessons]
    assert len(ids) == len(set(ids)) == len(LESSON_FILES)
    orders = [(lesson.order, lesson.id) for lesson in result.lessons]
    assert orders == sorted(orders)


def write(tmp_path: Path, text: str | bytes, name: str = "04-xor.toml") -> Path:
    path = tmp_path / name
    # A new file each time: ext4 flushes a file truncated and rewritten to disk when it is
    # closed (auto_da_alloc), ~3 ms of waiting per lesson written; a new file is not flushed.
    path.unlink(missing_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
id = "tiny"
title = "Tiny"
summary = "A lesson for the tests."
order = 4

[[figures]]
id = "out_h1"
published = "0.593269992"
source = "003, Forward Pass"
computed = "trace:mazur:out_h1"

[[steps]]
kind = "prose"
text = "Hello."

[[steps]]
kind = "quiz"
text = "Which?"
  [[steps.options]]
  text = "A"
  correct = true
  explanation = "Because."
  [[steps.options]]
  text = "B"
  correct = false
  explanation = "Not."

[[steps]]
kind = "predict"
trace = "mazur"
target = "out_h1"
tolerance = 1e-6
text = "Compute out_h1."
"""


def error_of(tmp_path, text) -> LessonError:
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, text))
    return info.value


def test_the_message_names_file_step_and_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lessons").mkdir()
    path = tmp_path / "lessons" / "04-xor.toml"
    path.write_text(MINIMAL.replace("tolerance = 1e-6", 'tolerance = "abc"'), encoding="utf-8")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    error = info.value
    assert str(error) == 'lessons/04-xor.toml: steps[3].tolerance: expected a number ≥ 0, got "abc"'
    assert (error.step, error.field) == (3, "steps[3].tolerance")
    assert error.file == path


@pytest.mark.parametrize(
    "old, new, field, step, words",
    [
        ('kind = "prose"', 'kind = "lecture"', "steps[1].kind", 1, "unknown step kind"),
        ('kind = "prose"', 'kind = "prose"\ncolour = "red"', "steps[1].colour", 1, "unknown key"),
        ("order = 4", "order = 4.5", "order", None, "integer"),
        ("order = 4", 'order = "4"', "order", None, "integer"),
        ("order = 4\n", "", "order", None, "missing"),
        ('id = "tiny"', 'id = "Tiny Lesson"', "id", None, "lowercase"),
        ("correct = true", 'correct = "yes"', "steps[2].options[1].correct", 2, "true or false"),
        ("correct = true", "correct = false", "steps[2].options", 2, "correct = true"),
        (
            'computed = "trace:mazur:out_h1"',
            'computed = "mazur:out_h1"',
            "figures[1].computed",
            None,
            "trace:EXAMPLE",
        ),
        (
            'computed = "trace:mazur:out_h1"',
            'computed = "trace:mazur:out h1"',
            "figures[1].computed",
            None,
            "name",
        ),
        (
            'published = "0.593269992"',
            "published = 0.593269992",
            "figures[1].published",
            None,
            "string",
        ),
        (
            'published = "0.593269992"',
            'published = "about 0.59"',
            "figures[1].published",
            None,
            "printed number",
        ),
        ('trace = "mazur"', 'trace = "mazur@"', "steps[3].trace", 3, "EXAMPLE@VARIANT"),
        ("tolerance = 1e-6", "tolerance = -1e-6", "steps[3].tolerance", 3, "≥ 0"),
        ("tolerance = 1e-6", "tolerance = 1e-6\ntries = 0", "steps[3].tries", 3, "≥ 1"),
        ("tolerance = 1e-6", "tolerance = 1e-6\ntries = 1.5", "steps[3].tries", 3, "integer"),
        ("tolerance = 1e-6", 'tolerance = 1e-6\nhints = "one"', "steps[3].hints", 3, "array"),
        ('target = "out_h1"', "target = 3", "steps[3].target", 3, "string"),
        ('text = "Hello."', 'text = ""', "steps[1].text", 1, "non-empty"),
    ],
)
def test_a_bad_field_is_named(tmp_path, old, new, field, step, words):
    assert old in MINIMAL
    error = error_of(tmp_path, MINIMAL.replace(old, new, 1))
    assert error.field == field, str(error)
    assert error.step == step
    assert words in error.message
    assert str(error).startswith(str(error.file.name)) or error.file.name in str(error)


def test_duplicate_figures_and_errata_of_unknown_figures(tmp_path):
    figure = MINIMAL[MINIMAL.index("[[figures]]") : MINIMAL.index("[[steps]]")]
    error = error_of(tmp_path, MINIMAL.replace(figure, figure + figure))
    assert error.field == "figures[2].id" and "duplicate" in error.message
    errata = '\n[[steps]]\nkind = "errata"\nfigure = "nope"\ntext = "x"\n'
    error = error_of(tmp_path, MINIMAL + errata)
    assert error.field == "steps[4].figure" and error.step == 4 and "out_h1" in error.message


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b'id = "x"\ntitle = "caf\xe9"\n', "not UTF-8"),
        (b'id = "x"\ntitle = \n', "invalid TOML"),
        (b"[[steps]\nkind = 1", "invalid TOML"),
        (b'id = "x"', "missing"),
        (b"steps = 3\n", "missing"),
    ],
)
def test_broken_files_are_named(tmp_path, content, words):
    error = error_of(tmp_path, content)
    assert words in str(error)
    assert error.file.name == "04-xor.toml"


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    write(good, MINIMAL, "04-tiny.toml")
    write(good, "kind = ", "05-broken.toml")
    other = tmp_path / "other"
    other.mkdir()
    write(other, MINIMAL, "06-tiny-again.toml")
    result = load_lessons([good, other, tmp_path / "missing"])
    assert [lesson.id for lesson in result.lessons] == ["tiny"]
    messages = [str(e) for e in result.errors]
    assert any("05-broken.toml" in m and "invalid TOML" in m for m in messages)
    assert any("06-tiny-again.toml: id: duplicate lesson id 'tiny'" in m for m in messages)
    assert any("missing" in m and "no such lesson folder" in m for m in messages)


def test_references_that_do_not_exist_are_reported(tmp_path):
    text = (
        MINIMAL.replace('target = "out_h1"', 'target = "out_h9"').replace(
            "trace:mazur:out_h1", "experiment:no_such_experiment:final_loss"
        )
        + '\n[[steps]]\nkind = "reveal"\ntrace = "mazur@no-such-variant"\nphase = "forward"\n'
    )
    lesson = load_lesson(write(tmp_path, text))
    problems = {e.field: e.message for e in check_references(lesson)}
    assert "no_such_experiment" in problems["figures[1].computed"]
    assert "out_h9" in problems["steps[3].target"]
    assert "no-such-variant" in problems["steps[4].names"]


# -- fuzzing: mutate every real lesson file and check the loader names the problem -------------

REQUIRED_TOP = ("id", "title", "summary", "order", "steps")
REQUIRED_FIGURE = ("id", "published", "source", "computed")
REQUIRED_STEP = {
    "prose": ("kind", "text"),
    "reveal": ("kind", "trace"),
    "derive": ("kind", "target"),
    "predict": ("kind", "trace", "target", "text"),
    "quiz": ("kind", "text", "options"),
    "run": ("kind", "experiment"),
    "compare": ("kind", "experiments"),
    "errata": ("kind", "figure", "text"),
}
REQUIRED_OPTION = ("text", "correct", "explanation")


def wrong_type(v):
    """A value of another type that no field of that type accepts."""
    if isinstance(v, bool):
        return "yes"
    if isinstance(v, int):
        return "4"
    if isinstance(v, float):
        return "abc"
    if isinstance(v, str):
        return 42
    if isinstance(v, list):
        return "x"
    return 7


def locations(data: dict):
    """(path, table, key, step number) for every field of a parsed lesson."""
    for key in data:
        yield key, data, key, None
    for k, figure in enumerate(data.get("figures", []), start=1):
        for key in figure:
            yield f"figures[{k}].{key}", figure, key, None
    for k, step in enumerate(data.get("steps", []), start=1):
        for key in step:
            yield f"steps[{k}].{key}", step, key, k
        for m, option in enumerate(step.get("options", []), start=1):
            for key in option:
                yield f"steps[{k}].options[{m}].{key}", option, key, k


def required(path: str, table: dict, key: str) -> bool:
    if path.startswith("figures["):
        return key in REQUIRED_FIGURE
    if ".options[" in path:
        return key in REQUIRED_OPTION
    if path.startswith("steps["):
        return key in REQUIRED_STEP.get(table.get("kind"), ())
    return key in REQUIRED_TOP


def copied(value):
    """A parsed TOML document copied for mutating: its tables and arrays new, the scalars (all
    immutable) shared. `copy.deepcopy` gives the same, 2-3x slower (its memo and dispatch)."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value


def mutations(rng: random.Random, data: dict):
    """Yield (description, mutated data, expected field, expected step) for one lesson."""
    fields = list(locations(data))
    for _ in range(40):
        mutated = copied(data)
        path, _, key, step = rng.choice(fields)
        target = next(t for p, t, k, s in locations(mutated) if p == path)
        choice = rng.randrange(4)
        if choice == 0 and required(path, target, key):
            del target[key]
            yield f"delete {path}", mutated, path, step
        elif choice == 1:
            target[key] = wrong_type(target[key])
            yield f"wrong type at {path}", mutated, path, step
        elif choice == 2:
            target["colour"] = "red"
            where = path.rsplit(".", 1)[0] + "." if "." in path else ""
            yield f"unknown key next to {path}", mutated, where + "colour", step
        elif choice == 3 and re.fullmatch(r"steps\[\d+\]\.kind", path):
            target["kind"] = rng.choice(["lecture", "Prose", "", "video"])
            yield f"unknown kind at {path}", mutated, path, step
    figures = data.get("figures", [])
    if figures:
        mutated = copied(data)
        k = rng.randrange(len(figures))
        mutated["figures"][k]["computed"] = rng.choice(
            ["trace:mazur", "experiments:x:y", "trace::out_h1", "trace:mazur:out h1", "x"]
        )
        yield "bad figure reference", mutated, f"figures[{k + 1}].computed", None
        mutated = copied(data)
        mutated["figures"][k]["tolerance"] = rng.choice(["abc", -1.0, True])
        yield "bad tolerance", mutated, f"figures[{k + 1}].tolerance", None


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_fuzzed_lessons_give_named_errors(tmp_path, path):
    if (path.parent / "nets").is_dir():  # the network files the lessons' steps name
        shutil.copytree(path.parent / "nets", tmp_path / "nets")
    rng = random.Random(f"lessons-fuzz-{path.name}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    count = 0
    for description, mutated, field, step in mutations(rng, data):
        target = write(tmp_path, dumps(mutated), path.name)
        with pytest.raises(LessonError) as info:
            load_lesson(target)
        error = info.value
        assert error.file == target, description
        assert error.field == field, f"{description}: {error}"
        assert error.step == step, f"{description}: {error}"
        count += 1
    assert count >= 20


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_byte_level_damage_never_raises_anything_but_lesson_error(tmp_path, path):
    rng = random.Random(f"lessons-bytes-{path.name}")
    raw = path.read_bytes()
    for _ in range(25):
        kind = rng.randrange(4)
        at = rng.randrange(len(raw))
        if kind == 0:
            damaged = raw[:at]  # truncated
        elif kind == 1:
            damaged = raw[:at] + bytes([rng.randrange(256)]) + raw[at:]
        elif kind == 2:
            damaged = raw[:at] + rng.choice([b"=", b"[", b'"', b"]]", b"\n[[steps]]\n"]) + raw[at:]
        else:
            damaged = raw[:at] + b"\xff\xfe" + raw[at + 1 :]
        target = write(tmp_path, damaged, path.name)
        try:
            load_lesson(target)
        except LessonError as error:
            assert str(error).startswith(error.file.name) or path.name in str(error)


def test_experiment_keys_index_into_lists_and_tables():
    from tutor.lessons.references import experiment_value

    result = {"w": [1.5, 2.5], "tables": {"loss": {"rows": [[500, 0.6265]]}}, "lr_0.1_n": 7}
    assert experiment_value(result, "w[1]") == 2.5
    assert experiment_value(result, "lr_0.1_n") == 7  # a name with a dot in it
    assert experiment_value(result, "tables.loss.rows[0][1]") == 0.6265
    with pytest.raises(KeyError, match="no result 'w\\[2\\]'"):
        experiment_value(result, "w[2]")
    with pytest.raises(KeyError, match="results: lr_0.1_n, tables, w"):
        experiment_value(result, "loss")


def test_a_reveal_of_an_empty_phase_is_reported(tmp_path, monkeypatch):
    from tutor.lessons import references

    text = MINIMAL + '\n[[steps]]\nkind = "reveal"\ntrace = "mazur"\nphase = "update"\n'
    lesson = load_lesson(write(tmp_path, text))
    assert check_references(lesson) == []  # mazur's update phase has w1+ .. w8+

    class NoUpdates:
        """A trace with every name but no values in any phase."""

        def __contains__(self, name):
            return True

        def phase(self, name):
            return []

    monkeypatch.setattr(references, "get_trace", lambda spec: NoUpdates())
    problems = {e.field: e.message for e in check_references(lesson)}
    assert "has no 'update' values" in problems["steps[4].phase"]


def test_the_knowledge_check_spans_the_course_with_at_least_eight_questions():
    lesson = load_lessons().get("knowledge-check")
    quizzes = [step for step in lesson.steps if step.kind == "quiz"]
    assert len(quizzes) >= 8
    for quiz in quizzes:
        options = quiz.options
        assert sum(option.correct for option in options) == 1, quiz.title
        assert all(option.explanation.strip() for option in options), quiz.title
