"""A minimal TOML writer for the tests' mutated lessons: everything as inline values."""

from __future__ import annotations

import json
import math


def value(v) -> str:
    """One TOML value, inline (tables as `{...}`, strings JSON-escaped, which TOML accepts)."""
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
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dumps(data: dict) -> str:
    """A whole document: one `key = value` line per top-level key."""
    return "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in data.items())
