"""`grade`: answers marked by the key, with the tutor's honest mistake diagnosis."""

from __future__ import annotations

import csv
import json

import pytest

from tutor.cli import main


def make_key(tmp_path, student="alice", seed="c1"):
    """Write the key and the JSON fill-in template of one student; return their paths."""
    key = tmp_path / "keys" / f"{student}.json"
    blank = tmp_path / "answers" / f"{student}.json"
    key.parent.mkdir(exist_ok=True)
    blank.parent.mkdir(exist_ok=True)
    common = ["worksheet", "--student", student, "--course-seed", seed, "--format", "json"]
    assert main([*common, "--answers", "-o", str(key)]) == 0
    assert main([*common, "-o", str(blank)]) == 0
    return key, blank


def key_values(key) -> dict[str, float]:
    return {v["name"]: v["value"] for v in json.loads(key.read_text())["values"]}


def fill(blank, answers: dict) -> None:
    document = json.loads(blank.read_text())
    document["answers"].update(answers)
    blank.write_text(json.dumps(document))


def marks_of(report: str) -> dict[str, str]:
    """value name → the verdict column of the report."""
    out = {}
    for line in report.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4 and parts[0] in VALUE_NAMES:
            out[parts[0]] = parts[3]
        elif len(parts) == 3 and parts[2] == "blank":
            out[parts[0]] = "blank"
    return out


VALUE_NAMES = {"net_h1", "out_h1", "dE_total/dout_o1", "delta_o1", "E_total", "w5+", "net_o2"}


def test_a_key_graded_against_itself_gets_full_marks(tmp_path, capsys):
    key, _ = make_key(tmp_path)
    assert main(["grade", str(key), str(key)]) == 0
    out = capsys.readouterr().out
    n = sum(1 for v in json.loads(key.read_text())["values"] if v["phase"] != "given")
    assert f"score: {n} of {n} right (100.0 %)" in out


def test_planted_wrong_values_get_the_right_diagnosis(tmp_path, capsys):
    key, blank = make_key(tmp_path)
    v = key_values(key)
    right = {name: f"{value:.6f}" for name, value in v.items() if name in VALUE_NAMES}
    planted = {
        "out_h1": f"{v['net_h1']:.6f}",  # the activation not applied
        "dE_total/dout_o1": f"{-v['dE_total/dout_o1']:.6f}",  # the sign flipped
        "delta_o1": f"{v['dE_total/dout_o1']:.6f}",  # σ' left out
        "E_total": f"{v['E_total'] + 0.3:.6f}",  # wrong, but no usual mistake gives it
    }
    fill(blank, {**right, **planted})
    assert main(["grade", str(key), str(blank)]) == 1
    marks = marks_of(capsys.readouterr().out)
    assert marks["net_h1"] == "right" and marks["w5+"] == "right"
    assert marks["out_h1"].startswith("wrong (no_activation): That is the net input")
    assert marks["dE_total/dout_o1"].startswith("wrong (sign): Check the sign")
    assert marks["delta_o1"].startswith("wrong (missing_derivative): You left out")
    assert marks["E_total"] == "wrong"  # no named mistake when none matches


def test_csv_answers_and_tolerance(tmp_path, capsys):
    key, _ = make_key(tmp_path)
    v = key_values(key)
    answers = tmp_path / "alice.csv"
    answers.write_text(
        "\ufeffstudent,name,answer\n"
        f"alice,net_h1,{v['net_h1'] + 0.0004:.6f}\n"
        f"alice,net_o2,{v['net_o2']:.3e}\n"
        "alice,E_total,\n"
    )
    assert main(["grade", str(key), str(answers)]) == 1
    marks = marks_of(capsys.readouterr().out)
    assert marks == {"net_h1": "right", "net_o2": "right", "E_total": "blank"}
    assert main(["grade", str(key), str(answers), "--tolerance", "1e-4"]) == 1
    assert marks_of(capsys.readouterr().out)["net_h1"] == "wrong"


def test_folder_gradebook_with_a_malformed_file(tmp_path, capsys):
    make_key(tmp_path, "alice")
    bob_key, bob = make_key(tmp_path, "bob")
    fill(
        bob,
        {
            name: repr(value)
            for name, value in key_values(bob_key).items()
            if name in json.loads(bob.read_text())["answers"]
        },
    )
    answers = tmp_path / "answers"
    (answers / "carol.json").write_text('{"kind": ')
    (answers / "dave.csv").write_text("name;answer\n")
    (answers / "=evil.json").write_text(json.dumps({"kind": "other"}))
    book = tmp_path / "book.csv"
    capsys.readouterr()
    assert main(["grade", str(tmp_path / "keys"), str(answers), "--gradebook", str(book)]) == 2
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len([e for e in errors if "error:" in e]) == 3
    assert any("carol.json: not JSON" in e for e in errors)
    assert any("dave.csv: row 1: expected the header" in e for e in errors)
    rows = {Path_name(r["answers_file"]): r for r in csv.DictReader(book.open())}
    assert rows["bob.json"]["right"] == rows["bob.json"]["total"] != "0"
    assert rows["alice.json"]["right"] == "0" and rows["alice.json"]["blank"] != "0"
    assert rows["carol.json"]["error"].endswith(
        "not JSON (Expecting value: line 1 column 10 (char 9))"
    )
    assert all(not r["error"].startswith(("=", "+", "-", "@")) for r in rows.values())


def Path_name(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def test_answers_for_another_student_are_refused(tmp_path, capsys):
    alice_key, _ = make_key(tmp_path, "alice")
    _, bob = make_key(tmp_path, "bob")
    capsys.readouterr()
    assert main(["grade", str(alice_key), str(bob)]) == 2
    err = capsys.readouterr().err
    assert "title: the answers are for 'Worksheet of student bob" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--tolerance", "0"], "--tolerance: expected a number in (0, 1]"),
        (["--tolerance", "nan"], "--tolerance: expected a number in (0, 1]"),
    ],
)
def test_bad_options(tmp_path, capsys, extra, message):
    key, blank = make_key(tmp_path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:  # the parser refuses it: one line, status 2
        main(["grade", str(key), str(blank), *extra])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and message in err and err.count("\n") == 1


def test_a_key_that_is_not_a_trace_is_one_line(tmp_path, capsys):
    _, blank = make_key(tmp_path)
    capsys.readouterr()
    assert main(["grade", str(blank), str(blank)]) == 2
    captured = capsys.readouterr()
    assert "not an answer key" in captured.err and captured.out == ""


def test_gradebook_cells_never_start_a_formula():
    from tutor.cli.grade_cmd import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("-0.5") == "'-0.5"
    assert _cell("alice") == "alice" and _cell(3) == "3"


def test_the_updated_weights_slip_is_named_when_the_typed_value_is_its_value(tmp_path, capsys):
    key, blank = make_key(tmp_path)
    v = key_values(key)
    # the slides' slip, computed here by hand from the key: h1's error through w5+ and w7+
    slip = v["delta_o1"] * v["w5+"] + v["delta_o2"] * v["w7+"]
    assert abs(slip - v["dE_total/dout_h1"]) > 1e-3  # a different value, so a fair test
    fill(blank, {"dE_total/dout_h1": f"{slip:.9f}", "delta_o1": f"{v['delta_o1'] + 0.2:.6f}"})
    assert main(["grade", str(key), str(blank)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.split()[:1] == ["dE_total/dout_h1"])
    assert "wrong (updated_weights): Use the original weights" in line
    assert "updated_weights ×1" in out
    delta = next(x for x in out.splitlines() if x.split()[:1] == ["delta_o1"])
    assert delta.rstrip().endswith("wrong")  # off by 0.2: no mistake gives that


def test_the_variant_of_a_key_is_the_engines_variant_of_its_network(tmp_path):
    from tutor.classroom.key_variant import updated_weights_variant
    from tutor.engine.variants import trace_example_step
    from tutor.experiments.builtin_examples import get_example
    from tutor.export.jsonfmt import export_json, load_trace_json

    exact, _ = trace_example_step(get_example("mazur"))
    key = load_trace_json(export_json(exact))
    expected, _ = trace_example_step(get_example("mazur"), "updated-weights")
    assert updated_weights_variant(key).as_dict() == expected.as_dict()
    # a key that is not its network's trace (an edited value) gets no variant, not a guess
    edited = load_trace_json(export_json(exact).replace('"value": 0.4,', '"value": 0.41,', 1))
    assert updated_weights_variant(edited) is None
