"""JSON: a versioned schema (docs/trace-json-schema.md) that loads back to the very same Trace."""

from __future__ import annotations

import json
import math
import string

from tutor.engine.trace import PHASES, Trace, TraceValue
from tutor.engine.value_names import identify
from tutor.errors import FileFormatError
from tutor.export.common import Symbolic, display_substituted
from tutor.safe_files import LIMITS, describe_size
from tutor.text_safety import control_message, find_control_in

SCHEMA_VERSION = 1
KIND = "backprop-tutor/trace"
# JSON has no NaN or infinity; they are written as these strings.
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
MAX_STEP = 1_000_000  # the training step a value belongs to (trace --rounds stops there too)


class TraceFormatError(FileFormatError, ValueError):
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
    """Read a trace written by `export_json`; TraceFormatError (only) says what is wrong."""
    limit = LIMITS["trace JSON"]
    if len(text) > limit:
        raise TraceFormatError(f"{len(text):,} characters: the limit is {describe_size(limit)}")
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise TraceFormatError(f"not JSON: {error}") from None
    except RecursionError:
        raise TraceFormatError("not JSON this tutor reads: nested too deeply") from None
    except TraceFormatError:  # bare NaN or Infinity (_refuse_constant)
        raise
    except ValueError:  # Python's int() refuses integers of more than 4,300 digits
        raise TraceFormatError("not JSON this tutor reads: an integer of 4,300+ digits") from None
    if not isinstance(document, dict):
        raise TraceFormatError("expected a JSON object at the top level")
    refused = find_control_in(document)
    if refused is not None:  # every string of a trace ends up in an export
        raise TraceFormatError(f"{refused[0]}: {control_message(refused[1])}")
    version = document.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise TraceFormatError(f"schema_version: expected {SCHEMA_VERSION}, got {version!r:.40}")
    values = document.get("values")
    if not isinstance(values, list):
        raise TraceFormatError("values: expected a list")
    title = document.get("title", "")
    if not isinstance(title, str):
        raise TraceFormatError("title: expected a string")
    meta = document.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise TraceFormatError("meta: expected an object")
    _check_meta(meta or {})
    trace = Trace(title, meta=dict(meta or {}))
    seen: set[str] = set()
    for k, item in enumerate(values):
        value = _value(item, k, trace.meta.get("sizes"))
        # The schema's promise that formats rely on: names unique, inputs computed before.
        if value.name in seen:
            raise TraceFormatError(f"values[{k}].name: {value.name!r} appears twice")
        unknown = [n for n in value.inputs if n not in seen]
        if unknown:
            raise TraceFormatError(f"values[{k}].inputs: {unknown[0]!r} is not an earlier name")
        seen.add(value.name)
        trace.values.append(value)
    return trace


def _refuse_constant(name: str):
    """NaN and Infinity are written as strings ("NaN"), never as bare JSON constants."""
    raise TraceFormatError(f"bare {name} is not JSON; this schema writes it as the string {name!r}")


def _finite(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _all(kind, items) -> bool:
    return isinstance(items, list) and all(kind(x) for x in items)


def _is_str(x) -> bool:
    return isinstance(x, str)


def _is_count(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 10**9


def _rounds_ok(r) -> bool:
    return (
        isinstance(r, dict)
        and _is_count(r.get("rounds"))
        and all(_is_str(r.get(k, "")) for k in ("first_round", "later_rounds"))
        and _all(lambda e: _all(_finite, e) and len(e) == 2 and _is_count(e[0]), r.get("errors"))
        and _finite(r.get("final_error", 0))
        and _all(_finite, r.get("final_outputs", []))
    )


# The meta keys the exporters read, and what each must be (docs/trace-json-schema.md).
META_CHECKS = {
    "sizes": lambda x: _all(_is_count, x),
    "activations": lambda x: _all(_is_str, x),
    "loss": _is_str,
    "learning_rate": _finite,
    "backprop_weights": _is_str,
    "example": _is_str,
    "variant": _is_str,
    "variant_note": _is_str,
    "rounds": _rounds_ok,
}


def _check_meta(meta: dict) -> None:
    """Known keys have the types exporters rely on; no number anywhere overflowed (1e400)."""
    for key, ok in META_CHECKS.items():
        if key in meta and not ok(meta[key]):
            raise TraceFormatError(f"meta.{key}: not of the documented shape")
    stack: list = [meta]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise TraceFormatError("meta: a number too large for float64")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _string(item: dict, key: str, where: str, default: str | None = None) -> str:
    if key not in item and default is not None:
        return default
    if key not in item:
        raise TraceFormatError(f"{where}: missing field {key!r}")
    value = item[key]
    if not isinstance(value, str):
        raise TraceFormatError(f"{where}.{key}: expected a string, got {_kind(value)}")
    return value


def _kind(value) -> str:
    return (
        "a list"
        if isinstance(value, list)
        else ("an object" if isinstance(value, dict) else repr(value)[:40])
    )


def _check_template(template: str, n_inputs: int, where: str) -> None:
    """Placeholders `{0}`..`{n-1}` only: no `{}`, format specs or conversions."""
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None
        ]
    except ValueError as error:
        raise TraceFormatError(f"{where}.template: {error}") from None
    for name, spec, conversion in fields:
        if not (name.isdecimal() and name.isascii() and int(name) < n_inputs):
            raise TraceFormatError(
                f"{where}.template: placeholder {{{name}}} is not one of "
                f"{{0}}..{{{n_inputs - 1}}} (the inputs)"
                if n_inputs
                else f"{where}.template: placeholder {{{name}}} but the value has no inputs"
            )
        if spec or conversion:
            raise TraceFormatError(f"{where}.template: placeholder {{{name}}} has a format spec")


def _value(item, k: int, sizes: list[int] | None) -> TraceValue:
    """One value of the list; its identity read back from its name (the schema holds names)."""
    where = f"values[{k}]"
    if not isinstance(item, dict):
        raise TraceFormatError(f"{where}: expected an object")
    for key in ("name", "phase", "template", "inputs", "value"):
        if key not in item:
            raise TraceFormatError(f"{where}: missing field {key!r}")
    raw = item["value"]
    if isinstance(raw, str) and raw in _NON_FINITE:
        value = _NON_FINITE[raw]
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:
            raise TraceFormatError(f"{where}.value: {raw!r:.40} is too large") from None
    else:
        raise TraceFormatError(
            f"{where}.value: expected a number or one of {', '.join(_NON_FINITE)}, got {_kind(raw)}"
        )
    phase = item["phase"]
    if phase not in PHASES:
        raise TraceFormatError(f"{where}.phase: expected one of {PHASES}, got {_kind(phase)}")
    inputs = item["inputs"]
    if not isinstance(inputs, list) or not all(isinstance(n, str) for n in inputs):
        raise TraceFormatError(f"{where}.inputs: expected a list of names")
    template = _string(item, "template", where)
    _check_template(template, len(inputs), where)
    step = item.get("step", 1)
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= MAX_STEP:
        raise TraceFormatError(f"{where}.step: expected a whole number 1 to {MAX_STEP:,}")
    name = _string(item, "name", where)
    return TraceValue(
        name=name,
        phase=phase,
        template=template,
        inputs=tuple(inputs),
        value=value,
        description=_string(item, "description", where, ""),
        layer=_string(item, "layer", where, ""),
        step=step,
        identity=identify(name, sizes),
    )
