"""Exports of a Trace: pure functions `Trace -> str`, one per format, shared by the CLI and TUI.

Each format's module is loaded when that format is first used (PEP 562 for the names below),
so `trace mazur` printing text does not load the JSON, CSV, Markdown and LaTeX writers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor.engine.trace import Trace

# Each format's module and exporter function.
_EXPORTER_HOMES = {
    "text": ("tutor.export.text", "export_text"),
    "json": ("tutor.export.jsonfmt", "export_json"),
    "csv": ("tutor.export.csvfmt", "export_csv"),
    "md": ("tutor.export.markdown", "export_markdown"),
    "tex": ("tutor.export.latex", "export_latex"),
}
FORMATS = tuple(_EXPORTER_HOMES)
# The usual file name suffix of each format.
SUFFIXES = {"text": ".txt", "json": ".json", "csv": ".csv", "md": ".md", "tex": ".tex"}
# The other public names and their modules.
_HOMES = {
    **{function: module for module, function in _EXPORTER_HOMES.values()},
    "Symbolic": "tutor.export.common",
    "SCHEMA_VERSION": "tutor.export.jsonfmt",
    "TraceFormatError": "tutor.export.jsonfmt",
    "load_trace_json": "tutor.export.jsonfmt",
}


def exporter(fmt: str) -> Callable[..., str]:
    """The export function of format `fmt`; ValueError for another format."""
    if fmt not in _EXPORTER_HOMES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module, function = _EXPORTER_HOMES[fmt]
    return getattr(importlib.import_module(module), function)


def format_of_path(path: str) -> str | None:
    """The format a file name's suffix names (`x.json` → json; case ignored), None if none."""
    from pathlib import PurePath

    suffix = PurePath(path).suffix.lower()
    return next((fmt for fmt, known in SUFFIXES.items() if known == suffix), None)


def export(trace: Trace, fmt: str, precision: int = 9, symbolic: Symbolic | None = None) -> str:
    """The trace in format `fmt` (text, json, csv, md, tex); ValueError for another format."""
    return exporter(fmt)(trace, precision=precision, symbolic=symbolic)


def __getattr__(name: str):
    """Load a public name's module when the name is first asked for."""
    if name == "EXPORTERS":  # format -> function, every format loaded
        value: object = {fmt: exporter(fmt) for fmt in FORMATS}
    elif name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


__all__ = [
    "EXPORTERS",
    "FORMATS",
    "SCHEMA_VERSION",
    "SUFFIXES",
    "Symbolic",
    "TraceFormatError",
    "export",
    "exporter",
    "export_csv",
    "format_of_path",
    "export_json",
    "export_latex",
    "export_markdown",
    "export_text",
    "load_trace_json",
]

if TYPE_CHECKING:
    # The same names for type checkers, which do not run __getattr__.
    from tutor.export.common import Symbolic
    from tutor.export.csvfmt import export_csv
    from tutor.export.jsonfmt import SCHEMA_VERSION, TraceFormatError, export_json, load_trace_json
    from tutor.export.latex import export_latex
    from tutor.export.markdown import export_markdown
    from tutor.export.text import export_text

    EXPORTERS: dict[str, Callable[..., str]]
