"""Exports: golden files for each format, JSON round-trip, CSV parse-back, layout rules."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import numpy as np
import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tutor.engine import Init, build, get_loss, traced_step
from tutor.engine.trace import Trace
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import get_example
from tutor.export import (
    FORMATS,
    SUFFIXES,
    TraceFormatError,
    export,
    export_csv,
    export_json,
    export_latex,
    export_markdown,
    export_text,
    load_trace_json,
)
from tutor.export.common import display_substituted


def _extension(suffix: str):
    class Golden(SingleFileSnapshotExtension):
        _write_mode = WriteMode.TEXT
        _file_extension = suffix.lstrip(".")

    return Golden


@pytest.fixture(scope="module")
def mazur():
    return trace_example_step(get_example("mazur"))[0]


@pytest.fixture(scope="module")
def mazur_variant():
    return trace_example_step(get_example("mazur"), "updated-weights")[0]


@pytest.fixture(scope="module")
def softmax_net():
    """A 3-4-3 network, tanh then softmax with cross-entropy: long formulas, negatives."""
    rng = np.random.RandomState(7)
    net = build([3, 4, 3], ["tanh", "softmax"], Init("normal", 0.5), rng=rng)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.1
    x, target = [0.5, -1.25, 2.0], [0.0, 1.0, 0.0]
    loss = get_loss("cross_entropy")
    return traced_step(net, x, target, loss, 0.1, title="A 3-4-3 softmax network")[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_mazur(mazur, snapshot, fmt):
    assert export(mazur, fmt) == snapshot(extension_class=_extension(SUFFIXES[fmt]))


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_golden_mazur_variant(mazur_variant, snapshot, fmt):
    assert export(mazur_variant, fmt) == snapshot(extension_class=_extension(SUFFIXES[fmt]))


def test_golden_softmax_text(softmax_net, snapshot):
    assert export_text(softmax_net, 6) == snapshot(extension_class=_extension(".txt"))


def test_json_round_trip_is_bit_identical(mazur, mazur_variant, softmax_net):
    for trace in (mazur, mazur_variant, softmax_net):
        loaded = load_trace_json(export_json(trace))
        assert loaded == trace
        assert [v.value.hex() for v in loaded] == [v.value.hex() for v in trace]


def test_json_writes_non_finite_values_as_strings_and_reads_them_back():
    trace = Trace("odd values", meta={"sizes": [1]})
    trace.add("a", "given", "1e-300", [], 1e-300)
    trace.add("b", "given", "inf", [], math.inf)
    trace.add("c", "forward", "{0} − {0}", ["b"], math.nan)
    text = export_json(trace)
    document = json.loads(text)  # strict JSON: no bare NaN
    assert [v["value"] for v in document["values"]] == [1e-300, "Infinity", "NaN"]
    loaded = load_trace_json(text)
    assert loaded.value("a") == 1e-300 and loaded.value("b") == math.inf
    assert math.isnan(loaded.value("c"))


def test_json_schema_fields(mazur):
    document = json.loads(export_json(mazur))
    assert document["schema_version"] == 1
    assert document["title"] == mazur.title
    assert document["meta"]["sizes"] == [2, 2, 2]
    first = document["values"][15]
    assert set(first) == {
        "name", "phase", "layer", "step", "formula", "template", "inputs",
        "substituted", "value", "description",
    }  # fmt: skip
    assert first["name"] == "net_h1"
    assert first["substituted"] == "0.15·0.05 + 0.2·0.1 + 0.35·1"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1, 2]", "top level"),
        ('{"schema_version": 2, "values": []}', "schema_version: expected 1, got 2"),
        ('{"schema_version": 1, "values": [{"name": "x"}]}', "values[0]: missing field"),
        ("{not json", "not JSON"),
        (
            '{"schema_version": 1, "values": [{"name": "a", "phase": "forward", "template": '
            '"{0}", "inputs": ["b"], "value": 1}]}',
            "values[0].inputs: 'b' is not an earlier name",
        ),
        (
            '{"schema_version": 1, "values": [{"name": "a", "phase": "given", "template": "1", '
            '"inputs": [], "value": 1}, {"name": "a", "phase": "given", "template": "1", '
            '"inputs": [], "value": 1}]}',
            "values[1].name: 'a' appears twice",
        ),
    ],
)
def test_json_load_rejects_what_it_cannot_read(text, message):
    with pytest.raises(TraceFormatError, match=re.escape(message)):
        load_trace_json(text)


def test_csv_parses_back(mazur, softmax_net):
    for trace in (mazur, softmax_net):
        rows = list(csv.DictReader(io.StringIO(export_csv(trace))))
        assert list(rows[0]) == [
            "step",
            "phase",
            "layer",
            "name",
            "formula",
            "substituted",
            "value",
        ]
        assert [r["name"] for r in rows] == [v.name for v in trace]
        assert [float(r["value"]) for r in rows] == [v.value for v in trace]
        assert [r["phase"] for r in rows] == [v.phase for v in trace]
        assert [r["formula"] for r in rows] == [v.formula for v in trace]
        values = trace.as_dict()
        assert [r["substituted"] for r in rows] == [
            display_substituted(v, values, 9) for v in trace
        ]


def test_text_fits_80_columns_and_keeps_every_value(mazur, softmax_net):
    for trace in (mazur, softmax_net):
        text = export_text(trace)
        assert max(len(line) for line in text.splitlines()) <= 80
        assert "\x1b[" not in text
        for v in trace:
            assert v.name in text


def test_text_puts_each_value_with_its_result(mazur):
    text = export_text(mazur)
    assert "net_h1 = w1·i1 + w2·i2 + b1·1 = 0.15·0.05 + 0.2·0.1 + 0.35·1 = 0.3775" in text
    assert "w7+ = w7 − eta·dE_total/dw7 = 0.5 − 0.5·(-0.02260254) = 0.51130127" in text
    # phases in the lesson's order
    headings = ["Given", "Forward pass", "Error", "Backward pass", "Update"]
    positions = [text.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)


def test_text_colour_only_when_asked(mazur):
    coloured = export_text(mazur, color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == export_text(mazur)


def test_precision_changes_the_numbers_shown(mazur):
    assert "= 0.5933\n" in export_text(mazur, precision=4)
    assert "0.593269992107187" in export_text(mazur, precision=15)


def _outside_math(tex: str) -> str:
    """The document with its math (align*, $…$) and its commands' arguments blanked out."""
    tex = re.sub(r"\\begin\{align\*\}.*?\\end\{align\*\}", "", tex, flags=re.S)
    return re.sub(r"\$[^$]*\$", "", tex)


@pytest.mark.parametrize("which", ["mazur", "mazur_variant", "softmax_net"])
def test_latex_is_a_complete_well_formed_document(which, request):
    tex = export_latex(request.getfixturevalue(which))
    assert tex.startswith("\\documentclass")
    assert tex.count("\\begin{document}") == 1 and tex.rstrip().endswith("\\end{document}")
    assert tex.count("\\begin{align*}") == tex.count("\\end{align*}")
    depth = 0
    for char in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert tex.count("$") % 2 == 0
    prose = _outside_math(tex)
    for char in "_%&^":
        assert re.search(rf"(?<!\\){re.escape(char)}", prose) is None, char
    assert all(ord(c) < 128 for c in tex)  # pdflatex needs no unicode set-up


def test_latex_writes_derivatives_as_partial_fractions(mazur):
    tex = export_latex(mazur)
    assert (
        r"\frac{\partial E_{\mathrm{total}}}{\partial w_{5}} &= "
        r"\frac{\partial E_{\mathrm{total}}}{\partial \mathrm{out}_{o1}}" in tex
    )
    assert r"w_{5}^{+} &= w_{5} - \eta \cdot" in tex
    assert r"\mathrm{out}_{h1} &= 1/(1 + e^{-\mathrm{net}_{h1}})" in tex


def test_markdown_is_a_worked_solution(mazur):
    md = export_markdown(mazur)
    assert md.startswith("# The 2-2-2 worked example\n")
    for heading in ("## Given", "## Forward pass", "## Error", "## Backward pass", "## Update"):
        assert f"\n{heading}\n" in md
    assert "`E_total = E_o1 + E_o2 = 0.274811083 + 0.023560026 = 0.298371109`" in md


def test_symbolic_forms_appear_where_given(mazur):
    symbolic = {"dE_total/dw5": ("∂E/∂w5 = (out_o1 − t_o1)·σ′", r"\frac{\partial E}{\partial w_5}")}
    assert "∂E/∂w5 = (out_o1 − t_o1)·σ′" in export_markdown(mazur, symbolic=symbolic)
    assert "∂E/∂w5 = (out_o1 − t_o1)·σ′" in export_text(mazur, symbolic=symbolic)
    assert r"\frac{\partial E}{\partial w_5}" in export_latex(mazur, symbolic=symbolic)
    document = json.loads(export_json(mazur, symbolic=symbolic))
    with_symbolic = [v for v in document["values"] if "symbolic" in v]
    assert [v["name"] for v in with_symbolic] == ["dE_total/dw5"]
    assert with_symbolic[0]["symbolic"]["latex"] == r"\frac{\partial E}{\partial w_5}"
    # without it, nothing changes
    assert export_markdown(mazur) == export_markdown(mazur, symbolic={})


def test_unknown_format_names_the_known_ones(mazur):
    with pytest.raises(ValueError, match="text, json, csv, md, tex"):
        export(mazur, "html")


def test_latex_breaks_long_rows_to_fit_the_page(softmax_net):
    """A 3-input net_h1 substituted is too wide for one line of a page: cut before a `+`."""
    from tutor.export.latex import LINE_CHARS, _visible

    tex = export_latex(softmax_net, 9)
    rows = [line for line in tex.splitlines() if line.startswith(("  \\\\ &", "\\mathrm{net}"))]
    assert any(row.startswith("  \\\\ &\\quad + ") for row in rows)
    assert max(_visible(row) for row in rows) * 1.25 <= LINE_CHARS + 20
    assert tex.count("{") == tex.count("}")
