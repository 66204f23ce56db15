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


# One fresh process runs several commands (each was a `python -m tutor ...` of its own): each
# command's stdout follows a separator, the exit statuses come last. One interpreter start-up
# serves a fixture's commands: every command still runs in a process that is not the tests'.
SEPARATOR = "\0--- next command ---\0\n"
CHILD = (
    "import json, sys\n"
    "from tutor.cli import main\n"
    f"separator = {SEPARATOR!r}\n"
    "codes = []\n"
    "for argv in json.loads(sys.argv[1]):\n"
    "    sys.stdout.write(separator)\n"
    "    sys.stdout.flush()\n"
    "    codes.append(main(argv))\n"
    "    sys.stdout.flush()\n"
    "sys.stdout.write(separator + json.dumps(codes))\n"
)


def cli(argvs: list[list[str]], hash_seed: str = "0") -> tuple[list[tuple[int, bytes]], str]:
    """Each of `argvs` run by the CLI, in order, in one fresh process (its own PYTHONHASHSEED).

    ([(exit status, stdout bytes) of each command], the process's stderr).
    """
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(argvs)],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    parts = done.stdout.split(SEPARATOR.encode())
    assert parts[0] == b"" and len(parts) == len(argvs) + 2, done.stdout[-2000:]
    codes = json.loads(parts[-1])
    return list(zip(codes, parts[1:-1])), done.stderr.decode(errors="replace")


FORMATS = ["md", "tex", "json", "csv"]


@pytest.fixture(scope="module")
def sheets_in_two_processes() -> dict[str, tuple]:
    """Each format's worksheet from two processes of other hash seeds: fmt → (first, second, …)."""
    argvs = [
        ["worksheet", "--student", "s1234", "--course-seed", "ml-2026", "--format", fmt]
        for fmt in FORMATS
    ]
    (first, first_err), (second, _) = cli(argvs, hash_seed="1"), cli(argvs, hash_seed="2")
    return {fmt: (first[k], second[k], first_err) for k, fmt in enumerate(FORMATS)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_inputs_give_the_same_bytes_in_another_process(fmt, sheets_in_two_processes):
    (code, first), (_, second), stderr = sheets_in_two_processes[fmt]
    assert code == 0, stderr
    assert first == second and first


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


STUDENTS = ["alice", "bob.smith", "s-0042"]


@pytest.fixture(scope="module")
def keys_and_traces(tmp_path_factory) -> dict[str, tuple]:
    """Each student's key and network file (`worksheet`, here), then each file traced (`trace`)
    in one fresh process: student → (worksheet status, key file, (trace status, stdout), stderr).
    """
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    for student in STUDENTS:
        network = folder / f"{student}.toml"
        key = folder / f"{student}-key.json"
        code = main(
            ["worksheet", "--student", student, "--course-seed", "c9", "--answers"]
            + ["--format", "json", "-o", str(key), "--save-network", str(network)]
        )
        made[student] = (code, key, network)
    traced, stderr = cli(
        [
            ["trace", "--network", str(network), "--format", "json"]
            for _, _, network in made.values()
        ]
    )
    return {
        student: (code, key, trace, stderr)
        for (student, (code, key, _)), trace in zip(made.items(), traced)
    }


@pytest.mark.parametrize("student", STUDENTS)
def test_each_key_is_the_trace_of_that_students_network_file(student, keys_and_traces):
    code, key, (traced_code, traced_stdout), stderr = keys_and_traces[student]
    assert code == 0
    assert traced_code == 0, stderr
    assert key.read_bytes() == traced_stdout
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
