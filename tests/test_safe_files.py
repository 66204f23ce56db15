"""Issue 9, items 6, 7, 9: special files, size caps, deep nesting and long dotted keys.

Every reader goes through `tutor.safe_files`: a FIFO, a device, a folder or a symlink
to one is a named error (never a hang or MemoryError), a file over its kind's cap is
refused naming the limit, and a TOML file that would make `tomllib` recurse too deep or
run for seconds is refused; one bad teacher file never hides the good lessons.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tutor.engine.netfile import NetFileError, load_network_file
from tutor.lessons.loader import LessonError, default_dirs, load_lesson, load_lessons
from tutor.safe_files import (
    LIMITS,
    MAX_TOML_ASSIGNMENTS,
    MAX_TOML_KEY_PARTS,
    InputRefused,
    parse_toml,
    read_regular,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def no_hang():
    """A test that would block on a FIFO fails after 10 s instead of hanging the suite."""

    def timeout(signum, frame):
        raise TimeoutError("blocked: the reader waited on a special file")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


def test_fifo_is_refused_without_blocking(fifo):
    with pytest.raises(InputRefused, match="FIFO"):
        read_regular(fifo, "lesson")


def test_fifo_network_file_is_a_named_error(fifo):
    with pytest.raises(NetFileError, match=r"pipe\.toml: a FIFO"):
        load_network_file(fifo)


def test_fifo_lesson_file_is_a_named_error(fifo):
    with pytest.raises(LessonError, match="FIFO"):
        load_lesson(fifo)


def test_symlink_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "lesson.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(LessonError, match="a device"):
        load_lesson(link)
    with pytest.raises(NetFileError, match="a device"):
        load_network_file(link)


def test_dev_zero_as_network_is_refused():
    with pytest.raises(NetFileError, match="/dev/zero: a device"):
        load_network_file("/dev/zero")


def test_folder_is_refused(tmp_path):
    folder = tmp_path / "x.toml"
    folder.mkdir()
    with pytest.raises(NetFileError, match="a folder"):
        load_network_file(folder)


def test_oversized_network_file_names_the_limit(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * LIMITS["network"] + "\n")
    with pytest.raises(NetFileError, match="limited to 256 KiB"):
        load_network_file(path)


def test_oversized_lesson_file_names_the_limit(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * LIMITS["lesson"] + "\n")
    with pytest.raises(LessonError, match="limited to 1 MiB"):
        load_lesson(path)


def test_missing_file_is_still_cannot_read(tmp_path):
    with pytest.raises(NetFileError, match="cannot read the file"):
        load_network_file(tmp_path / "absent.toml")


def deep_toml(levels: int = 600) -> str:
    return "x = " + "[" * levels + "]" * levels + "\n"


def test_deep_nesting_is_a_named_error_not_recursion_error():
    with pytest.raises(InputRefused, match="nested too deeply"):
        parse_toml(deep_toml())


def test_deep_network_file_is_a_named_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(deep_toml())
    with pytest.raises(NetFileError, match="nested too deeply"):
        load_network_file(path)


def test_one_bad_teacher_file_never_hides_the_good_lessons(tmp_path, fifo):
    (tmp_path / "deep.toml").write_text(deep_toml())
    (tmp_path / "dir.toml").mkdir()
    (tmp_path / "keys.toml").write_text(".".join(["a"] * 20_000) + " = 1\n")
    result = load_lessons(default_dirs([tmp_path]))
    builtin = load_lessons(default_dirs())
    assert [x.id for x in result.lessons] == [x.id for x in builtin.lessons]
    assert len(result.lessons) >= 10
    messages = sorted(str(e) for e in result.errors)
    assert len(messages) == 4, messages
    assert any("deep.toml" in m and "nested too deeply" in m for m in messages)
    assert any("dir.toml" in m and "a folder" in m for m in messages)
    assert any("pipe.toml" in m and "FIFO" in m for m in messages)
    assert any("keys.toml" in m and "dotted key" in m for m in messages)


def test_tui_starts_with_the_built_in_lessons_beside_a_bad_teacher_file(tmp_path):
    from tutor.tui.app import TutorApp

    (tmp_path / "deep.toml").write_text(deep_toml())
    app = TutorApp(lessons_dirs=[tmp_path], data_dir=tmp_path / "data")
    assert len(app.lessons) >= 10
    assert any("nested too deeply" in e for e in app.load_errors)


def test_long_dotted_key_is_refused_before_parsing():
    # 20,000 parts in 40 KB took tomllib 26 s; the pre-scan refuses it at once.
    text = ".".join(["a"] * 20_000) + " = 1\n"
    with pytest.raises(InputRefused, match=f"limit of {MAX_TOML_KEY_PARTS} parts"):
        parse_toml(text)
    table = "[" + ".".join(['"a"'] * 5_000) + "]\n"
    with pytest.raises(InputRefused, match="dotted key"):
        parse_toml(table)


def test_a_long_dotted_key_among_prose_is_found_on_its_own_line():
    # Lines are cut at "\n" only: a quoted part may hold a "\r" and stay one line to the scan.
    prose = "".join(f'text{k} = "Dots. Many. Of. Them. In. Prose."\n' for k in range(50))
    key = ".".join(['"a\rb"'] * 40) + " = 1\n"
    with pytest.raises(InputRefused, match="dotted key"):
        parse_toml(prose + key)
    assert len(parse_toml(prose + "k = 1\n")) == 51  # the control: the prose alone parses


def test_the_dot_chain_pre_scan_finds_every_long_key_the_full_search_finds():
    # The pre-scan (from each dot, no backtracking) only spares the full search; near the limit,
    # with blanks, quoted parts holding dots and broken parts, both must give the same answer.
    import random
    import re

    from tutor.safe_files import _LONG_DOTTED_KEY, _has_long_dotted_key

    rng = random.Random(15)
    good = ["a", '"x.y"', "'z'", "b-c", "9", '"a b"', "'.'", '""']
    bad = ["", " ", "b c", '"', "\n", "'", "é", "="]
    found = 0
    for _ in range(300):
        parts = [
            rng.choice(bad) if rng.random() < 0.03 else rng.choice(good)
            for _ in range(rng.randint(MAX_TOML_KEY_PARTS - 3, MAX_TOML_KEY_PARTS + 3))
        ]
        dots = [
            rng.choice([",", "..", "\n"])
            if rng.random() < 0.02
            else rng.choice([".", " . ", "\t."])
            for _ in parts
        ]
        text = rng.choice(["", ".", "x = ", '"', "a."]) + "".join(map("".join, zip(parts, dots)))
        expected = any(re.search(_LONG_DOTTED_KEY, line) for line in text.split("\n"))
        assert _has_long_dotted_key(text) == expected, repr(text)
        found += expected
    assert 10 < found < 290  # both answers were asked for, many times


def test_too_many_keys_are_refused_before_parsing():
    text = "".join(f"k{i} = 1\n" for i in range(MAX_TOML_ASSIGNMENTS + 1))
    with pytest.raises(InputRefused, match="too many keys"):
        parse_toml(text)


def test_ordinary_dotted_keys_and_decimals_still_parse():
    text = 'a.b.c = 1\nx = 0.25\n[t.u]\nv = "1.2.3.4"\n'
    assert parse_toml(text) == {"a": {"b": {"c": 1}}, "x": 0.25, "t": {"u": {"v": "1.2.3.4"}}}


def test_shipped_lessons_are_within_every_limit():
    for path in sorted(default_dirs()[0].glob("*.toml")):
        load_lesson(path)  # raises if a limit were too tight for our own lessons


def test_integer_of_5000_digits_is_a_named_error(tmp_path):
    """tomllib raises a plain ValueError (Python's int() digit limit), not TOMLDecodeError."""
    with pytest.raises(InputRefused, match="more than 4,300 digits"):
        parse_toml("x = " + "1" * 5000)
    path = tmp_path / "lesson.toml"
    path.write_text('id = "x"\norder = ' + "9" * 5000 + "\n")
    with pytest.raises(LessonError, match="more than 4,300 digits"):
        load_lesson(path)


def test_lesson_order_and_tries_have_ranges(tmp_path):
    lesson = (
        'id = "x"\ntitle = "T"\nsummary = "S"\norder = {order}\n\n[[steps]]\nkind = "predict"\n'
        'trace = "mazur"\ntarget = "out_h1"\ntext = "t"\ntries = {tries}\n'
    )
    path = tmp_path / "lesson.toml"
    path.write_text(lesson.format(order=10**30, tries=3))
    with pytest.raises(LessonError, match="order: expected an integer -1,000,000 to 1,000,000"):
        load_lesson(path)
    path.write_text(lesson.format(order=5, tries=10**6))
    with pytest.raises(LessonError, match="tries: expected an integer 1 to 100, got 1,000,000"):
        load_lesson(path)
    path.write_text(lesson.format(order=5, tries=100))
    assert load_lesson(path).steps[0].tries == 100
