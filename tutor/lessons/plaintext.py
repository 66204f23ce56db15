"""A lesson's Markdown as plain text for a terminal: pipe tables aligned, emphasis marks dropped.

Lesson text is Markdown (the TUI renders it); `run` in text format prints it through here so
a reader sees `inputs   i1 = 0.05` rather than `| inputs | i1 = 0.05 |` and `**not updated**`.
Everything else (lists, inline `code`, line breaks) is left as written.
"""

from __future__ import annotations

import re

from tutor.lessons.render import table_lines

# Emphasis may wrap onto the next line of its paragraph, never across a blank line.
_SPAN = r"((?:(?!\n\s*\n).)+?)"
_BOLD = re.compile(r"\*\*(?=\S)" + _SPAN + r"(?<=\S)\*\*", re.DOTALL)
# *word* or *a few words*, not a lone * (as in 2 * 3) nor one inside a word.
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])" + _SPAN + r"(?<=[^\s*])\*(?![\w*])", re.DOTALL)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def strip_emphasis(text: str) -> str:
    """`**bold**` and `*italic*` without their marks (a span may wrap within its paragraph)."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def _cells(row: str) -> list[str]:
    """The cells of a pipe-table row; `\\|` is a literal bar inside a cell."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [strip_emphasis(c.strip().replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", row)]


def _is_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def plain_text(markdown: str) -> str:
    """`markdown` for a plain terminal: tables as aligned columns, no `**`/`*` marks."""
    lines = markdown.splitlines()
    out: list[str] = []
    prose: list[str] = []  # lines of text since the last table, emphasis stripped together

    def flush() -> None:
        if prose:
            out.extend(strip_emphasis("\n".join(prose)).split("\n"))
            prose.clear()

    k = 0
    while k < len(lines):
        line = lines[k]
        if _is_row(line) and k + 1 < len(lines) and _SEPARATOR.match(lines[k + 1]):
            flush()
            header = _cells(line)
            rows = []
            k += 2
            while k < len(lines) and _is_row(lines[k]):
                cells = _cells(lines[k])
                rows.append((cells + [""] * len(header))[: len(header)])
                k += 1
            table = table_lines(header, rows)
            if not any(header):  # a table with an empty header row: no header, no rule
                table = table[2:]
            out += table
            continue
        prose.append(line)
        k += 1
    flush()
    return "\n".join(out)
