"""`worksheet`: a network per student from (course seed, student ID), blanks, and its key."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest

from tutor.classroom.draw import student_network_toml
from tutor.cli import main
from tutor.experiments.builtin_examples import get_example

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*argv: str, hash_seed: str = "0") -> subprocess.CompletedProcess:
    """`python -m tutor ...` in a fresh process (its own PYTHONHASHSEED)."""
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    return subprocess.run(
        [sys.executable, "-m", "tutor", *argv], cwd=ROOT, env=env, capture_output=True
    )


@pytest.mark.parametrize("fmt", ["md", "tex", "json", "csv"])
def test_same_inputs_give_the_same_bytes_in_another_process(fmt):
    argv = ("worksheet", "--student", "s1234", "--course-seed", "ml-2026", "--format", fmt)
    first, second = cli(*argv, hash_seed="1"), cli(*argv, hash_seed="2")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and first.stdout


def test_two_students_get_different_numbers():
    template = get_example("mazur")
    alice = tomllib.loads(student_network_toml(template, "alice", "c1"))
    bob = tomllib.loads(student_network_toml(template, "bob", "c1"))
    other_course = tomllib.loads(student_network_toml(template, "alice", "c2"))
    assert alice["layers"][0]["weights"] != bob["layers"][0]["weights"]
    assert alice["layers"][0]["weights"] != other_course["layers"][0]["weights"]
    assert alice["sample"] != bob["sample"]
    # The structure is the template's: sizes, activations, loss, η, frozen shared biases.
    assert [layer["activation"] for layer in alice["layers"]] == ["sigmoid", "sigmoid"]
    assert alice["loss"] == "half_sse" and alice["learning_rate"] == 0.5
    assert all(layer["train_bias"] is False for layer in alice["layers"])


def test_every_drawn_number_has_two_decimals():
    text = student_network_toml(get_example("mazur"), "alice", "c1", [3, 4, 2])
    drawn = re.findall(r"-?\d+\.\d+", text.split("learning_rate", 1)[1].split("\n", 1)[1])
    assert drawn and all(re.fullmatch(r"-?\d\.\d\d", x) for x in drawn)
    document = tomllib.loads(text)
    assert [layer["size"] for layer in document["layers"]] == [4, 2]
    assert len(document["layers"][0]["weights"][0]) == 3


@pytest.mark.parametrize("student", ["alice", "bob.smith", "s-0042"])
def test_each_key_is_the_trace_of_that_students_network_file(tmp_path, student):
    network = tmp_path / f"{student}.toml"
    key = tmp_path / f"{student}-key.json"
    assert (
        main(
            ["worksheet", "--student", student, "--course-seed", "c9", "--answers"]
            + ["--format", "json", "-o", str(key), "--save-network", str(network)]
        )
        == 0
    )
    traced = cli("trace", "--network", str(network), "--format", "json")
    assert traced.returncode == 0, traced.stderr
    assert key.read_bytes() == traced.stdout
    values = {v["name"]: v["value"] for v in json.loads(key.read_text())["values"]}
    assert {"net_h1", "E_total", "dE_total/dw1", "w8+"} <= set(values)


def test_key_in_markdown_is_the_trace_export(tmp_path, capsys):
    network = tmp_path / "n.toml"
    main(
        ["worksheet", "--student", "x1", "--answers", "--format", "md"]
        + ["--save-network", str(network)]
    )
    key = capsys.readouterr().out
    assert main(["trace", "--network", str(network), "--format", "md"]) == 0
    assert capsys.readouterr().out == key


def test_blanks_cover_every_phase_and_values_picks_a_subset(capsys):
    assert main(["worksheet", "--student", "a", "--format", "json"]) == 0
    names = list(json.loads(capsys.readouterr().out)["answers"])
    for name in ("net_h1", "out_o2", "E_total", "delta_o1", "dE_total/dw1", "w1+"):
        assert name in names
    assert "w1" not in names and "i1" not in names  # given values are not blanks
    assert main(["worksheet", "--student", "a", "--format", "json", "--values", "error,w5+"]) == 0
    assert list(json.loads(capsys.readouterr().out)["answers"]) == [
        "E_o1",
        "E_o2",
        "E_total",
        "w5+",
    ]


def test_markdown_sheet_shows_numbers_and_blanks_not_answers(capsys):
    main(["worksheet", "--student", "a", "--course-seed", "c9", "--answers", "--format", "json"])
    key = {v["name"]: v["value"] for v in json.loads(capsys.readouterr().out)["values"]}
    main(["worksheet", "--student", "a", "--course-seed", "c9"])
    sheet = capsys.readouterr().out
    assert f"`w1 = {key['w1']:g}`" in sheet
    assert "`net_h1 = w1·i1 + w2·i2 + b1·1 =` ______" in sheet
    assert f"{key['net_h1']:.4f}" not in sheet


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--student", "a b"], "--student: expected 1 to 64 letters"),
        (["--student", "a", "--course-seed", "x" * 65], "--course-seed: expected 1 to 64"),
        (["--student", "a", "--shape", "2-9-2"], "--shape: each size must be 1 to 6"),
        (["--student", "a", "--shape", "2"], "--shape: expected sizes joined by '-'"),
        (["--student", "a", "--values", "nope"], "--values: 'nope' is neither a phase"),
        (["--student", "a", "--answers", "--format", "csv"], "the key is md, tex or json"),
        (["mazur", "--network", "x.toml", "--student", "a"], "not both"),
    ],
)
def test_bad_input_is_one_line(argv, message, capsys):
    assert main(["worksheet", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and captured.err.count("\n") == 1


HIDDEN_WEIGHTS = "[" + ", ".join(["[0.1, 0.2]"] * 7) + "]"
OUTPUT_WEIGHTS = "[" + ", ".join(["[" + ", ".join(["0.1"] * 7) + "]"] * 3) + "]"
SOFTMAX_TEMPLATE = f"""
inputs = 2
loss = "cross_entropy"
learning_rate = 0.1
[[layers]]
size = 7
activation = "relu"
weights = {HIDDEN_WEIGHTS}
bias = "zeros"
[[layers]]
size = 3
activation = "softmax"
weights = {OUTPUT_WEIGHTS}
bias = [0.1, 0.2, 0.3]
[sample]
inputs = [1.0, 0.0]
targets = [0.0, 1.0, 0.0]
"""


def test_network_file_template_keeps_its_structure(tmp_path, capsys):
    template = tmp_path / "t.toml"
    template.write_text(SOFTMAX_TEMPLATE)
    assert main(["worksheet", "--network", str(template), "--student", "a"]) == 2
    assert "too big for a worksheet" in capsys.readouterr().err
    network = tmp_path / "a.toml"
    assert (
        main(
            [
                "worksheet",
                "--network",
                str(template),
                "--student",
                "a",
                "--shape",
                "2-3-3",
                "--save-network",
                str(network),
                "--format",
                "json",
            ]
        )
        == 0
    )
    document = tomllib.loads(network.read_text())
    assert [layer["activation"] for layer in document["layers"]] == ["relu", "softmax"]
    assert document["loss"] == "cross_entropy"
    assert len(document["layers"][0]["bias"]) == 3  # one bias per neuron, as in the template
    assert sorted(document["sample"]["targets"]) == [0.0, 0.0, 1.0]  # one-hot after softmax
