"""Issue 10, one formatter: every target shows a traced value's worked line with the same numbers.

Each computed value of every built-in example (a sample of the two large ones) is rendered
by the text export, Markdown, LaTeX, the JSON/CSV `substituted` field, the lessons' headless
lines and the TUI's worked lines. From each rendering the numbers are parsed back and compared:
the plain targets' numbers line must be the same text in all of them (brackets included), its
numbers must be the inputs' values and the result the value's own, and LaTeX's must read as
the same signed numbers (they did not: `e^{--0.21691589}` for `e^−(-0.21691589)`).
mnist-digit is not here: with 101,770 parameters it is traced in matrix form only.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter

import pytest
from rich.console import Console

from tutor.engine.trace import format_number
from tutor.experiments.builtin_examples import trace_reference
from tutor.export.jsonfmt import export_json
from tutor.export.latex import _align
from tutor.export.markdown import _value_lines as markdown_lines
from tutor.export.text import _Style
from tutor.export.text import _value_lines as text_lines
from tutor.lessons.render import trace_lines
from tutor.tui.widgets.step_view import render_work

PRECISION = 9
# Each example with its variants; the two large ones (≈1,900 values) by every 7th value.
REFERENCES = {
    "mazur": 1,
    "mazur@tanh": 1,
    "mazur@updated-weights": 1,
    "mazur@seed-001": 1,
    "xor-221": 1,
    "xor-221@sigmoid": 1,
    "encoder-838": 1,
    "encoder-838@seed-001": 1,
    "two-hidden": 7,
    "deep-xor": 7,
}
# A number as written: an ASCII minus is its sign (operators are written −, in plain text).
NUMBER = re.compile(r"-*(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)")


def _numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def _signed(token: str) -> float:
    """A number token with its chain of minus signs read as LaTeX reads it (-- is +)."""
    stripped = token.lstrip("-")
    sign = -1.0 if (len(token) - len(stripped)) % 2 else 1.0
    return sign * float(stripped)


def _plain_rows(line: str, name: str) -> list[str]:
    """`name = formula [= numbers] = result` → [formula, (numbers,) result]."""
    assert line.startswith(f"{name} = "), line
    return line[len(name) + 3 :].split(" = ")


def _tui_rows(trace, name: str) -> list[str]:
    buffer = io.StringIO()
    Console(file=buffer, width=10_000, color_system=None).print(render_work(trace, name))
    lines = buffer.getvalue().splitlines()
    rows = [lines[0].split(" = ", 1)[1]] + [x.removeprefix("  = ") for x in lines[1:]]
    return rows[: -1 if trace[name].description else None]


def _tex_rows(v, values) -> list[str]:
    """The rows of the value's align* block (a row broken before ` + ` joined again)."""
    rows: list[str] = []
    for line in _align(v, values, PRECISION, None):
        if "&= " in line:
            rows.append(line.split("&= ", 1)[1])
        elif "&\\quad + " in line:
            rows[-1] += " + " + line.split("&\\quad + ", 1)[1]
    return rows


def _tex_plain(tex: str) -> str:
    """Undo LaTeX's spelling of numbers and of the literals holding digits (½, ², 1.2e-05)."""
    tex = re.sub(r"\\times 10\^\{(-?\d+)\}", lambda m: f"e{int(m[1]):+03d}", tex)
    return tex.replace(r"\tfrac{1}{2}", "½").replace("^{2}", "²")


@pytest.fixture(scope="module", params=list(REFERENCES))
def traced(request):
    trace = trace_reference(request.param)
    values = [v for v in trace if v.inputs][:: REFERENCES[request.param]]
    items = json.loads(export_json(trace))["values"]
    substituted = {item["name"]: item["substituted"] for item in items}
    # The TUI's worked lines, drawn once through Rich for the two tests that read them.
    tui = {v.name: _tui_rows(trace, v.name) for v in values}
    return trace, values, substituted, tui


def test_every_plain_target_shows_the_same_numbers_line(traced):
    trace, values, json_substituted, tui = traced
    numbers = trace.as_dict()
    style = _Style(False)
    for v in values:
        text = text_lines(v, numbers, PRECISION, len(v.name), style, 10_000, None)
        markdown = markdown_lines(v, numbers, PRECISION, None)[1].strip().strip("`")
        lesson = " ".join(line.strip() for line in trace_lines(trace, [v], PRECISION))
        renderings = {
            "text": _plain_rows(text[0].strip(), v.name),
            "markdown": _plain_rows(markdown, v.name),
            "lesson": _plain_rows(lesson.replace(" = = ", " = "), v.name),
            "tui": tui[v.name],
        }
        assert all(r == renderings["text"] for r in renderings.values()), (v.name, renderings)
        rows = renderings["text"]
        if len(rows) == 3:  # formula, numbers, result
            assert rows[1] == json_substituted[v.name], v.name
        assert rows[-1] == format_number(v.value, PRECISION)


def test_the_numbers_shown_are_the_inputs_and_the_result(traced):
    trace, values, _, tui = traced
    numbers = trace.as_dict()
    for v in values:
        rows = tui[v.name]
        if len(rows) == 3:  # formula, numbers, result
            placed = [v.inputs[int(k)] for k in re.findall(r"\{(\d+)\}", v.template)]
            constants = Counter(_numbers(re.sub(r"\{\d+\}", " ", v.template)))
            shown = Counter(_numbers(rows[1].replace("(", " ").replace(")", " ")))
            operands = shown - constants
            assert operands == Counter(format_number(numbers[n], PRECISION) for n in placed), (
                v.name,
                rows[1],
            )
            for token in operands:
                assert any(
                    float(token) == pytest.approx(numbers[n], rel=1e-6, abs=1e-9) for n in placed
                )
        assert float(rows[-1]) == pytest.approx(v.value, rel=1e-6, abs=1e-9), v.name


def test_latex_shows_the_same_signed_numbers_as_the_plain_targets(traced):
    trace, values, _, _ = traced
    numbers = trace.as_dict()
    style = _Style(False)
    for v in values:
        plain = _plain_rows(
            text_lines(v, numbers, PRECISION, len(v.name), style, 10_000, None)[0].strip(), v.name
        )
        tex = _tex_rows(v, numbers)
        if plain[0] == plain[-1]:  # a formula that is its own result: LaTeX writes it once
            plain = plain[1:]
        assert len(tex) == len(plain), (v.name, tex, plain)
        for tex_row, plain_row in zip(tex[1:], plain[1:]):
            as_tex = [_signed(t) for t in _numbers(_tex_plain(tex_row))]
            # LaTeX writes the operator − as -, so it joins the number after it as a sign
            as_plain = [_signed(t) for t in _numbers(plain_row.replace("−", "-"))]
            assert as_tex == as_plain, (v.name, tex_row, plain_row)
