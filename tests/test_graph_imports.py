"""The graph and sandbox engine modules and `trace --form graph` load neither Textual nor SymPy."""

from __future__ import annotations

import json

import pytest

from tests import forked_probe
from tests.test_import_hygiene import REPORT

CASES = {
    "sandbox-engine": "import tutor.sandbox, tutor.engine.graph\n"
    "import tutor.engine.netfile_write\n",
    "trace-graph-dot": "from tutor.cli import main\n"
    "main(['trace', 'mazur', '--form', 'graph', '--format', 'dot'])\n",
}


@pytest.mark.parametrize("case", CASES)
def test_no_textual_no_sympy(case):
    result = forked_probe.run(REPORT + CASES[case], check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("MODULES=")][-1]
    modules = json.loads(line.removeprefix("MODULES="))
    assert "tutor.engine.graph" in modules
    assert [m for m in modules if m.split(".")[0] in ("textual", "sympy")] == []
