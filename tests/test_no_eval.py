"""No code path hands text to eval: no sympify, parse_expr, eval or exec anywhere in tutor/."""

import ast
from pathlib import Path

import tutor

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
    tree = ast.parse("import sympy as sp\nsp.sympify(text)\neval(x)\nsp.S(t)\nsp.S(2)\n")
    calls = [_called_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call) and _forbidden(n)]
    assert calls == ["sympify", "eval", "S"]
