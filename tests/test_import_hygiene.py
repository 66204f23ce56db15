"""The engine and the headless trace path load neither Textual nor SymPy (each costs ~0.5 s)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import forked_probe

ROOT = Path(__file__).resolve().parent.parent

REPORT = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print('MODULES=' + json.dumps("
    "sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'sympy', 'tutor')))))\n"
)

CASES = {
    "engine": "import tutor.engine\n",
    "export": "import tutor.export\n",
    "netfile": "import tutor.engine.netfile, tutor.engine.variants, tutor.engine.rounds\n",
    "trace": "from tutor.cli import main\nmain(['trace', 'mazur'])\n",
    "trace-rounds": "from tutor.cli import main\n"
    "main(['trace', '--rounds', '20', '--format', 'tex'])\n",
    "experiment": "from tutor.experiments.registry import get_experiment as g\ng('mazur')\n",
}


@pytest.mark.parametrize("case", CASES)
def test_no_textual_no_sympy(case):
    result = forked_probe.run(REPORT + CASES[case], check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("MODULES=")][-1]
    modules = json.loads(line.removeprefix("MODULES="))
    assert any(m.startswith("tutor") for m in modules)  # the probe saw the import
    assert [m for m in modules if m.split(".")[0] in ("textual", "sympy")] == []
