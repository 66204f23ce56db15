"""No code path hands text to eval: no sympify, parse_expr, eval or exec anywhere in tutor/."""

import ast
from pathlib import Path

import tutor
from tests import forked_probe

ROOT = Path(__file__).resolve().parent.parent

# Each turns text into code or into a SymPy expression by evaluating it.
FORBIDDEN = {"sympify", "parse_expr", "parse_latex", "eval", "exec"}


def _called_name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def _forbidden(call: ast.Call) -> bool:
    name = _called_name(call)
    if name in FORBIDDEN:
        return True
    # getattr(sp, "sympify") reaches one by its name.
    if name == "getattr" and any(
        isinstance(a, ast.Constant) and a.value in FORBIDDEN for a in call.args
    ):
        return True
    # sp.S(x) is sympify too; S(2) on a number literal is harmless, S(text) is not.
    return name == "S" and not all(
        isinstance(a, ast.Constant) and isinstance(a.value, int | float) for a in call.args
    )


def test_no_source_calls_a_text_evaluator():
    root = Path(tutor.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _forbidden(node):
                found.append(f"{path.relative_to(root)}:{node.lineno} {_called_name(node)}")
            if isinstance(node, ast.ImportFrom) and any(a.name in FORBIDDEN for a in node.names):
                found.append(f"{path.relative_to(root)}:{node.lineno} imports a text evaluator")
    assert found == []


def test_the_scan_would_see_one():
    tree = ast.parse(
        "import sympy as sp\nsp.sympify(text)\neval(x)\nsp.S(t)\nsp.S(2)\n"
        "getattr(sp, 'parse_expr')(text)\ngetattr(sp, 'Symbol')\n"
    )
    calls = [_called_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call) and _forbidden(n)]
    assert calls == ["sympify", "eval", "S", "getattr"]


# A network file whose names and title look like code: were any of its text handed to SymPy
# (sympify(text), or implicitly, as in diff(expr, "w1")), SymPy would parse it with parse_expr.
NETWORK = """
title = "x + 1; __import__('os')"
inputs = 3
loss = "cross_entropy"
learning_rate = 0.1

[[layers]]
size = 3
activation = "leaky_relu(0.2)"
weights = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9]]
bias = [0.1, 0.2, 0.3]

[[layers]]
size = 2
activation = "softmax"
weights = [[0.3, -0.1, 0.2], [0.5, 0.4, -0.3]]
bias = 0.2

[sample]
inputs = [0.5, -1.5, 2.0]
targets = [0.0, 1.0]
"""

# Every symbolic code path that reads a file or a user's argument, run in a process forked from a
# fresh interpreter
# (no cache from other tests) with SymPy's text parser replaced by a tripwire.
RUNTIME = """
import contextlib, io, sys
import sympy.parsing.sympy_parser as parser

def tripwire(text, *args, **kwargs):
    raise SystemExit(f"parse_expr called on {text!r}")

parser.parse_expr = tripwire
from tutor.cli import main

net = sys.argv[1]
runs = [
    ["derive", "--network", net, "--param", "w1"],
    ["derive", "--network", net, "--param", "b2", "--format", "tex"],
    ["derive", "mazur", "--param", "forward", "--format", "md"],
    ["derive", "mazur@seed-001", "--param", "w1"],
    ["check", "--network", net],
    ["check", "mazur", "--variant", "seed-001"],
    ["trace", "--network", net, "--symbolic", "--format", "json"],
] + [["derive", a] for a in ("sigmoid", "tanh", "relu", "leaky_relu", "softmax", "identity")]
for argv in runs:
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    assert code in (0, 1), (argv, code)
import sympy
sympy.sympify("1")  # the tripwire is live: this must end the run
"""


def test_no_runtime_path_parses_text(tmp_path):
    net = tmp_path / "net.toml"
    net.write_text(NETWORK, encoding="utf-8")
    run = forked_probe.run(RUNTIME, str(net))
    # Only the final, deliberate sympify("1") may trip the wire.
    assert run.returncode == 1, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "parse_expr called on '1'", run.stderr
