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
        "from tutor.tui.app import TutorApp\nTutorApp(data_dir='/tmp/unused-tutor-data')\n"
    )
    assert "textual" in modules and "sympy" not in modules


def test_bad_arguments_are_usage_errors(capsys, tmp_path):
    assert main(["tui", "--lessons", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["tui", "--lesson", "no-such-lesson"]) == 2
    err = capsys.readouterr().err
    assert "no such lesson" in err and "worked-example" in err
