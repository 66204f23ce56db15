"""`backprop-tutor tui`: bad arguments are usage errors; Textual and SymPy load only when needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tutor.cli import main

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print('MODULES=' + json.dumps("
    "sorted({m.split('.')[0] for m in sys.modules}))))\n"
)


def loaded_after(code: str) -> set[str]:
    """Top-level modules loaded by running `code` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE + code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads([x for x in out.splitlines() if x.startswith("MODULES=")][-1][8:]))


def test_the_parser_offers_tui_without_importing_textual():
    modules = loaded_after("from tutor.cli import build_parser\nbuild_parser()\n")
    assert "tutor" in modules and "textual" not in modules


def test_the_picker_does_not_import_sympy():
    modules = loaded_after(
        "from tutor.tui.app import TutorApp\n"
        "TutorApp(data_dir='/tmp/unused-tutor-data').load_lessons_now()\n"
    )
    assert "textual" in modules and "sympy" not in modules


def test_bad_arguments_are_usage_errors(capsys, tmp_path):
    assert main(["tui", "--lessons", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["tui", "--lesson", "no-such-lesson"]) == 2
    err = capsys.readouterr().err
    assert "no such lesson" in err and "worked-example" in err


def test_without_a_terminal_the_tui_refuses_in_one_line(tmp_path):
    """Issue 9 item 21: no escape codes into a file, no hang: one line on stderr, exit 2."""
    out = tmp_path / "out"
    env = {k: v for k, v in __import__("os").environ.items() if k != "TEXTUAL_DRIVER"}
    env["BACKPROP_TUTOR_DATA"] = str(tmp_path / "data")
    with out.open("w") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "tutor"],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=env,
        )
    assert done.returncode == 2
    assert out.read_text() == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0]
    assert "stdin and stdout are not terminals" in lines[0]


def test_the_terminal_check_names_the_stream_and_lets_a_served_app_through():
    from tutor.cli.tui_cmd import terminal_problem

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    assert terminal_problem(Stream(True), Stream(True), {}) is None
    assert "stdout is not a terminal" in terminal_problem(Stream(True), Stream(False), {})
    assert "stdin is not a terminal" in terminal_problem(Stream(False), Stream(True), {})
    served = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
    assert terminal_problem(Stream(False), Stream(False), served) is None
