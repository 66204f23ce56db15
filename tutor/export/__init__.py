"""Exports of a Trace: pure functions `Trace -> str`, one per format, shared by the CLI and TUI."""

from __future__ import annotations

from tutor.engine.trace import Trace
from tutor.export.common import Symbolic
from tutor.export.csvfmt import export_csv
from tutor.export.jsonfmt import SCHEMA_VERSION, TraceFormatError, export_json, load_trace_json
from tutor.export.latex import export_latex
from tutor.export.markdown import export_markdown
from tutor.export.text import export_text

EXPORTERS = {
    "text": export_text,
    "json": export_json,
    "csv": export_csv,
    "md": export_markdown,
    "tex": export_latex,
}
FORMATS = tuple(EXPORTERS)
# The usual file name suffix of each format.
SUFFIXES = {"text": ".txt", "json": ".json", "csv": ".csv", "md": ".md", "tex": ".tex"}


def format_of_path(path: str) -> str | None:
    """The format a file name's suffix names (`x.json` → json; case ignored), None if none."""
    from pathlib import PurePath

    suffix = PurePath(path).suffix.lower()
    return next((fmt for fmt, known in SUFFIXES.items() if known == suffix), None)


def export(trace: Trace, fmt: str, precision: int = 9, symbolic: Symbolic | None = None) -> str:
    """The trace in format `fmt` (text, json, csv, md, tex); ValueError for another format."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return EXPORTERS[fmt](trace, precision=precision, symbolic=symbolic)


__all__ = [
    "EXPORTERS",
    "FORMATS",
    "SCHEMA_VERSION",
    "SUFFIXES",
    "Symbolic",
    "TraceFormatError",
    "export",
    "export_csv",
    "format_of_path",
    "export_json",
    "export_latex",
    "export_markdown",
    "export_text",
    "load_trace_json",
]
