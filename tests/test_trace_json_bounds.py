"""Issue 9, item 14: `load_trace_json` raises only TraceFormatError, and what it accepts exports.

Meta as a list, `"step": 1e400` and deep nesting raised TypeError, OverflowError and
RecursionError; templates `"{"` and `"{99}"` were accepted and then crashed every
exporter. Each case below is refused with a TraceFormatError naming the field.
"""

from __future__ import annotations

import json
import re

import pytest

from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import get_example
from tutor.export import FORMATS, TraceFormatError, export, export_json, load_trace_json


def document(**changes) -> dict:
    """A small valid trace document: a given value and one computed from it."""
    values = [
        {"name": "a", "phase": "given", "template": "0.5", "inputs": [], "value": 0.5},
        {"name": "b", "phase": "forward", "template": "{0}·2", "inputs": ["a"], "value": 1.0},
    ]
    doc = {"schema_version": 1, "title": "t", "meta": {"sizes": [1, 1]}, "values": values}
    value_changes = changes.pop("b", {})
    doc.update(changes)
    doc["values"][1].update(value_changes)
    return doc


BAD = {
    "meta a list": (json.dumps(document(meta=[1, 2])), "meta: expected an object"),
    "meta sizes a number": (json.dumps(document(meta={"sizes": 5})), "meta.sizes"),
    "meta activations of numbers": (
        json.dumps(document(meta={"activations": [1]})),
        "meta.activations",
    ),
    "meta rounds wrong": (json.dumps(document(meta={"rounds": {"errors": "x"}})), "meta.rounds"),
    "meta number 1e400": (
        json.dumps(document(meta={"x": 1})).replace('"x": 1', '"x": 1e400'),
        "too large",
    ),
    "title a list": (json.dumps(document(title=["x"])), "title: expected a string"),
    "step 1e400": (
        json.dumps(document(b={"step": 1})).replace('"step": 1', '"step": 1e400'),
        "step",
    ),
    "step a string": (json.dumps(document(b={"step": "2"})), "values[1].step"),
    "step zero": (json.dumps(document(b={"step": 0})), "values[1].step"),
    "value 10**400": (
        json.dumps(document()).replace('"value": 1.0', '"value": 1' + "0" * 400),
        "too large",
    ),
    "value a word": (json.dumps(document(b={"value": "abc"})), "values[1].value"),
    "value true": (json.dumps(document(b={"value": True})), "values[1].value"),
    "bare NaN": (json.dumps(document()).replace('"value": 1.0', '"value": NaN'), "NaN"),
    "name a number": (json.dumps(document(b={"name": 5})), "values[1].name"),
    "inputs a string": (json.dumps(document(b={"inputs": "a"})), "values[1].inputs"),
    "description a list": (json.dumps(document(b={"description": []})), "description"),
    "template {": (json.dumps(document(b={"template": "{"})), "values[1].template"),
    "template {99}": (json.dumps(document(b={"template": "{99}"})), "placeholder {99}"),
    "template {}": (json.dumps(document(b={"template": "{}"})), "placeholder {}"),
    "template {0.x}": (json.dumps(document(b={"template": "{0.real}"})), "placeholder"),
    "template with a spec": (
        json.dumps(document(b={"template": "{0:>999999999}"})),
        "format spec",
    ),
    "template on a given value": (
        json.dumps(document()).replace('"template": "0.5"', '"template": "{0}"'),
        "no inputs",
    ),
    "integer of 5000 digits": ('{"schema_version": ' + "1" * 5000 + "}", "4,300"),
    "deep nesting": ('{"schema_version": 1, "meta": ' + "[" * 100_000 + "]" * 100_000, "nested"),
    "deep nesting in meta": (
        '{"schema_version": 1, "meta": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}",
        "nested",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_document_is_a_trace_format_error(case):
    text, message = BAD[case]
    with pytest.raises(TraceFormatError, match=re.escape(message)):
        load_trace_json(text)


def test_oversized_document_is_refused(monkeypatch):
    from tutor.safe_files import LIMITS

    monkeypatch.setitem(LIMITS, "trace JSON", 100)
    with pytest.raises(TraceFormatError, match="the limit is 100 bytes"):
        load_trace_json(json.dumps(document()) + " " * 100)


def test_accepted_document_exports_in_every_format():
    trace = load_trace_json(json.dumps(document()))
    for fmt in FORMATS:
        assert "b" in export(trace, fmt)


def test_the_built_in_trace_still_round_trips():
    trace, _ = trace_example_step(get_example("mazur"), None)
    assert load_trace_json(export_json(trace)) == trace
