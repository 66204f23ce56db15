"""A minimal TOML writer for the tests' mutated lessons: everything as inline values."""

from __future__ import annotations

import json
import math

# `json.dumps(v, ensure_ascii=False)` and `json.dumps(k)`, their encoders built once (dumps
# builds a new JSONEncoder on each call given any option): the same text, ~2x faster writing.
_text = json.JSONEncoder(ensure_ascii=False).encode
_key = json.JSONEncoder().encode


def value(v) -> str:
    """One TOML value, inline (tables as `{...}`, strings JSON-escaped, which TOML accepts)."""
    if isinstance(v, str):
        return _text(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join([value(x) for x in v]) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join([f"{_key(k)} = {value(x)}" for k, x in v.items()]) + "}"
    raise TypeError(type(v))


def dumps(data: dict) -> str:
    """A whole document: one `key = value` line per top-level key."""
    return "".join([f"{_key(k)} = {value(v)}\n" for k, v in data.items()])
