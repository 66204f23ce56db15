"""JSON: a versioned schema (docs/trace-json-schema.md) that loads back to the very same Trace."""

from __future__ import annotations

import json
import math

from tutor.engine.trace import PHASES, Trace, TraceValue
from tutor.export.common import Symbolic, display_substituted
from tutor.text_safety import control_message, find_control_in

SCHEMA_VERSION = 1
KIND = "backprop-tutor/trace"
# JSON has no NaN or infinity; they are written as these strings.
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class TraceFormatError(ValueError):
    """A JSON document that is not a trace of a schema version this tutor reads."""


def _number(x: float) -> float | str:
    if math.isfinite(x):
        return x  # json writes float repr: it reads back bit for bit
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def export_json(trace: Trace, precision: int = 9, symbolic: Symbolic | None = None) -> str:
    """The trace as JSON (schema version 1); `precision` only affects `substituted`."""
    values = trace.as_dict()
    items = []
    for v in trace:
        item = {
            "name": v.name,
            "phase": v.phase,
            "layer": v.layer,
            "step": v.step,
            "formula": v.formula,
            "template": v.template,
            "inputs": list(v.inputs),
            "substituted": display_substituted(v, values, precision),
            "value": _number(v.value),
            "description": v.description,
        }
        if symbolic and v.name in symbolic:
            item["symbolic"] = {"unicode": symbolic[v.name][0], "latex": symbolic[v.name][1]}
        items.append(item)
    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "title": trace.title,
        "meta": trace.meta,
        "values": items,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False, default=_plain)
    return text + "\n"


def _plain(obj):
    """NumPy scalars and arrays in meta as plain numbers and lists."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"meta holds a {type(obj).__name__}, which JSON cannot write")


def load_trace_json(text: str) -> Trace:
    """Read a trace written by `export_json`; TraceFormatError says what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TraceFormatError(f"not JSON: {error}") from None
    if not isinstance(document, dict):
        raise TraceFormatError("expected a JSON object at the top level")
    refused = find_control_in(document)
    if refused is not None:  # every string of a trace ends up in an export
        raise TraceFormatError(f"{refused[0]}: {control_message(refused[1])}")
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        raise TraceFormatError(f"schema_version: expected {SCHEMA_VERSION}, got {version!r}")
    values = document.get("values")
    if not isinstance(values, list):
        raise TraceFormatError("values: expected a list")
    trace = Trace(str(document.get("title", "")), meta=dict(document.get("meta") or {}))
    seen: set[str] = set()
    for k, item in enumerate(values):
        value = _value(item, k)
        # The schema's promise that formats rely on: names unique, inputs computed before.
        if value.name in seen:
            raise TraceFormatError(f"values[{k}].name: {value.name!r} appears twice")
        unknown = [n for n in value.inputs if n not in seen]
        if unknown:
            raise TraceFormatError(f"values[{k}].inputs: {unknown[0]!r} is not an earlier name")
        seen.add(value.name)
        trace.values.append(value)
    return trace


def _value(item, k: int) -> TraceValue:
    where = f"values[{k}]"
    if not isinstance(item, dict):
        raise TraceFormatError(f"{where}: expected an object")
    try:
        raw = item["value"]
        value = _NON_FINITE[raw] if isinstance(raw, str) else float(raw)
        phase = item["phase"]
        if phase not in PHASES:
            raise TraceFormatError(f"{where}.phase: expected one of {PHASES}, got {phase!r}")
        return TraceValue(
            name=str(item["name"]),
            phase=phase,
            template=str(item["template"]),
            inputs=tuple(str(n) for n in item["inputs"]),
            value=value,
            description=str(item.get("description", "")),
            layer=str(item.get("layer", "")),
            step=int(item.get("step", 1)),
        )
    except KeyError as error:
        raise TraceFormatError(f"{where}: missing field {error.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        if isinstance(error, TraceFormatError):
            raise
        raise TraceFormatError(f"{where}: {error}") from None
