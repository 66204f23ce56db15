"""The classroom commands are headless: worksheet, grade, run --blanks and progress never
import Textual (serve imports it only in each session's own process)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import forked_probe

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "worksheet": "main(['worksheet', '--student', 'a', '--format', 'tex', '--answers'])",
    "grade": "main(['worksheet', '--student', 'a', '--answers', '--format', 'json', '-o', K])\n"
    "main(['grade', K, K])",
    "run-blanks": "main(['run', 'worked-example', '--blanks', '--format', 'tex'])",
    "progress": "main(['progress', '--format', 'json'])",
}


@pytest.mark.parametrize("case", CASES)
def test_no_textual(case, tmp_path):
    code = (
        "import json, sys\nfrom tutor.cli import main\n"
        f"K = {str(tmp_path / 'key.json')!r}\n" + CASES[case] + "\n"
        "print('MODULES=' + json.dumps(sorted(m for m in sys.modules if m.startswith('textual'))))"
    )
    env = dict(os.environ, BACKPROP_TUTOR_DATA=str(tmp_path / "data"))
    result = forked_probe.run(code, env=env, check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("MODULES=")][-1]
    assert json.loads(line.removeprefix("MODULES=")) == []
