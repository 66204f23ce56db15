"""Text from files never reaches a terminal or an export raw (issue 9, security).

The payload sets the window title (OSC 0), clears the screen (CSI 2J) and writes the
clipboard (OSC 52). In any lesson field or a network file it is refused at load with an
error naming the file, the field and the character (`\\x1b`); echoed from the command line
it is printed escaped. No output of any command carries an ESC byte.
"""

from __future__ import annotations

import copy
import json

import pytest

from tests.lesson_toml import dumps
from tutor.cli import main
from tutor.text_safety import escape_controls, find_control_char, find_control_in

PAYLOAD = "A\u001b]0;pwned\u0007\u001b[2J\u001b]52;c;cHduZWQ=\u0007"

LESSON = {
    "id": "victim",
    "title": "Victim",
    "summary": "A lesson with every text field.",
    "order": 90,
    "sources": ["003_bd86bf8af1f2b77a.txt"],
    "figures": [
        {
            "id": "wrong",
            "published": "0.5",
            "source": "slide 1",
            "computed": "trace:mazur:out_h1",
            "erratum": "printed wrong",
        },
        {
            "id": "chaos",
            "published": "0.6",
            "source": "slide 2",
            "computed": "trace:mazur:out_h1",
            "unreproduced": "chaotic",
        },
    ],
    "steps": [
        {"kind": "prose", "title": "Intro", "text": "Some text."},
        {
            "kind": "predict",
            "trace": "mazur",
            "target": "out_h1",
            "text": "Compute it.",
            "hints": ["apply sigma"],
        },
        {
            "kind": "quiz",
            "text": "Which?",
            "options": [
                {"text": "yes", "correct": True, "explanation": "because"},
                {"text": "no", "correct": False, "explanation": "because not"},
            ],
        },
        {"kind": "errata", "figure": "wrong", "text": "Look.", "variant": "updated-weights"},
    ],
}

# (path into LESSON, the field the error names, the step it names or None)
FIELDS = [
    (("title",), "title", None),
    (("summary",), "summary", None),
    (("sources", 0), "sources[1]", None),
    (("figures", 0, "source"), "figures[1].source", None),
    (("figures", 0, "erratum"), "figures[1].erratum", None),
    (("figures", 1, "unreproduced"), "figures[2].unreproduced", None),
    (("steps", 0, "title"), "steps[1].title", 1),
    (("steps", 0, "text"), "steps[1].text", 1),
    (("steps", 1, "hints", 0), "steps[2].hints[1]", 2),
    (("steps", 2, "options", 1, "text"), "steps[3].options[2].text", 3),
    (("steps", 2, "options", 0, "explanation"), "steps[3].options[1].explanation", 3),
    (("steps", 3, "variant"), "steps[4].variant", 4),
]


def with_payload(path) -> dict:
    lesson = copy.deepcopy(LESSON)
    target = lesson
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = PAYLOAD
    return lesson


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean(*texts: str) -> None:
    for text in texts:
        assert "\x1b" not in text and "\x07" not in text


# -- the shared module ---------------------------------------------------------------------------


def test_control_characters_are_found_and_escaped():
    assert find_control_char("plain\ttext\nwith tab and newline") is None
    for char in ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x9b", "\u202e", "\u2066", "\u2069"]:
        assert find_control_char(f"ab{char}c") == (2, char)
        assert find_control_char(escape_controls(f"ab{char}c")) is None
    assert escape_controls(PAYLOAD) == ("A\\x1b]0;pwned\\x07\\x1b[2J\\x1b]52;c;cHduZWQ=\\x07")
    assert escape_controls("right-to-left \u202e here") == "right-to-left \\u202e here"
    assert find_control_in({"a": [{"b": "ok"}, {"c": "x\x1b"}]}, base=1) == ("a[2].c", "\\x1b")
    assert find_control_in({"k\x1b": 1}) == ("k\\x1b (the key)", "\\x1b")


def test_a_deep_document_is_walked_without_recursion():
    deep: list = ["\x1b"]
    for _ in range(5000):
        deep = [deep]
    assert find_control_in({"x": deep})[1] == "\\x1b"


# -- lesson files --------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "field", "step"), FIELDS, ids=[f[1] for f in FIELDS])
def test_a_control_character_in_any_lesson_field_is_refused(tmp_path, capsys, path, field, step):
    from tutor.lessons.loader import LessonError, load_lesson

    file = tmp_path / "90-victim.toml"
    file.write_text(dumps(with_payload(path)), encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    assert caught.value.field == field and caught.value.step == step
    message = str(caught.value)
    assert "90-victim.toml" in message and field in message and "\\x1b" in message
    assert_clean(message)

    folder = str(tmp_path)
    code, out, err = run_cli(capsys, "run", "victim", "--lessons", folder)
    assert code == 2 and out == "" and field in err and "\\x1b" in err
    assert len(err.strip().splitlines()) == 1
    assert_clean(out, err)
    for argv in (
        ["lessons", "--lessons", folder],
        ["run", "victim", "--format", "md", "--lessons", folder],
        ["verify", "--lesson", "victim", "--lessons", folder],
    ):
        code, out, err = run_cli(capsys, *argv)
        assert code in (1, 2)
        assert_clean(out, err)
    code, out, _ = run_cli(capsys, "lessons", "--lessons", folder)
    assert code == 1 and "90-victim.toml" in out and field in out  # listed with the others


def test_the_unmodified_lesson_loads_and_plays(tmp_path, capsys):
    """The control: the same lesson without the payload is accepted (tab and newline too)."""
    lesson = copy.deepcopy(LESSON)
    lesson["steps"][0]["text"] = "Two lines,\n\tthe second indented."
    (tmp_path / "90-victim.toml").write_text(dumps(lesson), encoding="utf-8")
    code, out, err = run_cli(capsys, "run", "victim", "--step", "1", "--lessons", str(tmp_path))
    assert code == 0 and "\tthe second indented." in out


def test_a_bidi_override_in_a_title_is_refused(tmp_path):
    from tutor.lessons.loader import LessonError, load_lesson

    lesson = copy.deepcopy(LESSON)
    lesson["title"] = "abc\u202edef"
    file = tmp_path / "90-victim.toml"
    file.write_text(dumps(lesson), encoding="utf-8")
    with pytest.raises(LessonError, match=r"title: control character \\u202e"):
        load_lesson(file)


# -- network files and trace JSON ----------------------------------------------------------------

NETWORK = """\
title = {title}
inputs = 2
loss = "half_sse"
learning_rate = 0.5

[sample]
inputs = [0.05, 0.1]
targets = [0.01]

[[layers]]
size = 1
activation = "sigmoid"
weights = [[0.15, 0.2]]
"""


def network_file(tmp_path, title: str = PAYLOAD, name: str = "net.toml"):
    path = tmp_path / name
    path.write_text(NETWORK.format(title=json.dumps(title)), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["trace"],
        ["trace", "--format", "md"],
        ["trace", "--format", "tex"],
        ["trace", "--format", "json"],
        ["trace", "--format", "csv"],
        ["check"],
        ["derive"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_a_control_character_in_a_network_title_is_refused(tmp_path, capsys, argv):
    path = network_file(tmp_path)
    out_file = tmp_path / "export.out"
    code, out, err = (
        run_cli(capsys, *argv, "--network", str(path), "-o", str(out_file))
        if (argv[0] == "trace")
        else run_cli(capsys, *argv, "--network", str(path))
    )
    assert code == 2 and out == ""
    assert "net.toml: title: control character \\x1b" in err
    assert_clean(out, err)
    assert not out_file.exists()


def test_the_clean_network_traces_and_exports(tmp_path, capsys):
    """The control: the same file with a plain title is accepted."""
    path = network_file(tmp_path, title="A plain title")
    code, out, err = run_cli(capsys, "trace", "--network", str(path), "--format", "md")
    assert code == 0 and "A plain title" in out


def test_a_network_file_name_with_controls_is_echoed_escaped(tmp_path, capsys):
    path = tmp_path / "n\x1b[2Jet.toml"  # no title: the file's name stands for it
    path.write_text(NETWORK.split("\n", 1)[1], encoding="utf-8")
    for fmt in ("text", "md", "tex", "json", "csv"):
        code, out, err = run_cli(capsys, "trace", "--network", str(path), "--format", fmt)
        assert code == 0
        assert_clean(out, err)
        assert fmt == "csv" or "x1b" in out  # its name, escaped
    code, out, err = run_cli(capsys, "trace", "--network", str(tmp_path / "gone\x1b.toml"))
    assert code == 2 and "gone\\x1b.toml" in err
    assert_clean(out, err)


def test_trace_json_with_control_characters_is_refused():
    from tutor.engine.variants import trace_example_step
    from tutor.experiments.builtin_examples import get_example
    from tutor.export import TraceFormatError, export_json, load_trace_json

    trace, _ = trace_example_step(get_example("mazur"), None)
    document = json.loads(export_json(trace))
    assert load_trace_json(json.dumps(document)).title == trace.title  # the control
    for where in ("title", "values[0].description", "meta.source"):
        bad = copy.deepcopy(document)
        if where == "title":
            bad["title"] = PAYLOAD
        elif where == "meta.source":
            bad.setdefault("meta", {})["source"] = PAYLOAD
        else:
            bad["values"][0]["description"] = PAYLOAD
        with pytest.raises(TraceFormatError) as caught:
            load_trace_json(json.dumps(bad))
        assert where in str(caught.value) and "\\x1b" in str(caught.value)


# -- what the command line echoes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["run", PAYLOAD],
        ["verify", "--lesson", PAYLOAD],
        ["trace", PAYLOAD],
        ["derive", PAYLOAD],
        ["check", PAYLOAD],
        ["trace", "--variant", PAYLOAD],
        ["tui", "--lessons", f"/nonexistent/{PAYLOAD}"],
        ["trace", f"--{PAYLOAD}"],
        ["trace", "--format", PAYLOAD],
    ],
    ids=lambda argv: argv[0] + " " + escape_controls(" ".join(argv[1:])),
)
def test_user_input_echoed_in_an_error_is_escaped(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "A\\x1b]0;pwned" in err
    assert_clean(out, err)


# -- a bad --lessons folder (item 25) ------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["lessons"],
        ["run", "worked-example"],
        ["verify", "--lesson", "worked-example"],
        ["tui"],
    ],
    ids=lambda argv: argv[0],
)
@pytest.mark.parametrize("kind", ["missing", "fifo"])
def test_a_bad_lessons_folder_is_one_line_on_stderr_and_exit_2(tmp_path, capsys, argv, kind):
    import os

    bad = tmp_path / "nonexistent"
    if kind == "fifo":
        os.mkfifo(bad)
    code, out, err = run_cli(capsys, *argv, "--lessons", str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"--lessons {bad}: no such folder or lesson file" in err


def test_a_bad_lessons_path_is_echoed_escaped(capsys):
    code, out, err = run_cli(capsys, "lessons", "--lessons", f"/nonexistent/{PAYLOAD}")
    assert code == 2 and out == "" and "A\\x1b]0;pwned" in err
    assert_clean(out, err)


# -- the loader refuses what the players cannot show (item 11) ------------------------------------


def figure_lesson(published: str, erratum: str = "printed wrong") -> dict:
    lesson = copy.deepcopy(LESSON)
    lesson["figures"][0]["published"] = published
    lesson["figures"][0]["erratum"] = erratum
    return lesson


@pytest.mark.parametrize(
    ("published", "limit"),
    [
        ("1e1000000", "exponent"),
        ("1e-400", "exponent"),
        ("12345678901234567890123456789", "significant digits"),
        ("0.12345678901234567890123456789e-30", "significant digits"),
    ],
)
def test_a_figure_beyond_the_limits_is_refused_at_load(tmp_path, published, limit):
    from tutor.lessons.loader import LessonError, load_lesson

    file = tmp_path / "90-victim.toml"
    file.write_text(dumps(figure_lesson(published)), encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    assert caught.value.field == "figures[1].published" and limit in caught.value.message


@pytest.mark.parametrize(
    "published",
    ["1e-300", "1.234567890123456789012345678e-299", "9.999999999999999999999999999e300", "0.5"],
)
def test_extreme_figures_within_the_limits_are_judged_not_crashed(tmp_path, capsys, published):
    (tmp_path / "90-victim.toml").write_text(dumps(figure_lesson(published)), encoding="utf-8")
    folder = str(tmp_path)
    code, out, err = run_cli(capsys, "run", "victim", "--step", "4", "--lessons", folder)
    assert code == 0, err
    assert "erratum, explained" in out and published in out
    code, out, err = run_cli(capsys, "verify", "--lesson", "victim", "--lessons", folder)
    assert "Traceback" not in err and "erratum, explained" in out
    code, out, err = run_cli(
        capsys, "verify", "--lesson", "victim", "--lessons", folder, "--format", "json"
    )
    verdicts = {f["figure"]: f["verdict"] for f in json.loads(out)["figures"]}
    assert verdicts["wrong"] == "erratum, explained"


def test_agreeing_digits_of_a_long_printed_figure():
    from tutor.lessons.figures import agreeing_digits

    assert agreeing_digits("0.5932699921071871", 0.5932699921071872) == 15
    assert agreeing_digits("1e-300", 0.59) == 0
    assert agreeing_digits("5.9e-301", 5.9e-301) == 2


@pytest.mark.parametrize(("count", "ok"), [(26, True), (27, False)])
def test_a_quiz_has_at_most_26_options(tmp_path, count, ok):
    from tutor.lessons.loader import LessonError, load_lesson

    lesson = copy.deepcopy(LESSON)
    lesson["steps"][2]["options"] = [
        {"text": f"option {k}", "correct": k == 0, "explanation": "why"} for k in range(count)
    ]
    file = tmp_path / "90-victim.toml"
    file.write_text(dumps(lesson), encoding="utf-8")
    if ok:
        assert len(load_lesson(file).steps[2].options) == 26
        return
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    assert caught.value.field == "steps[3].options" and "at most 26" in caught.value.message
