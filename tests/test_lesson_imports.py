"""The lesson commands load no Textual, and SymPy only for a derive step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import forked_probe

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import io, json, sys, contextlib\n"
    "from tutor.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    for argv in {argvs!r}:\n"
    "        main(argv)\n"
    "print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {{'textual', 'sympy'}})))\n"
)


@pytest.mark.parametrize(
    "argvs, loaded",
    [
        ([["lessons"], ["verify", "--lesson", "worked-example"]], []),
        ([["run", "worked-example", "--step", "3"], ["run", "knowledge-check"]], []),
        ([["run", "worked-example", "--step", "9"]], ["sympy"]),  # a derive step
    ],
)
def test_lesson_commands_import_only_what_they_need(argvs, loaded):
    result = forked_probe.run(PROBE.format(argvs=argvs), check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == loaded
