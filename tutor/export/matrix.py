"""Exports of a MatrixTrace (the matrix form of a step): text, json, csv, md, tex.

Pure functions `MatrixTrace -> str`. A matrix with at most FULL_ENTRIES entries is written
out in full; a larger one (MNIST's 128×784 weights) as its shape and min/mean/max/norm, so
an export stays small whatever the network (JSON keeps up to JSON_ENTRIES entries in full).
"""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np

from tutor.engine.matrix import MatrixStep, MatrixTrace
from tutor.engine.trace import format_number
from tutor.export.common import PHASE_TITLES, setup_line
from tutor.export.latex import tex_text

FULL_ENTRIES = 64  # text, md, tex: a matrix up to 8×8 (or 2×21) in full
JSON_ENTRIES = 10_000  # json and csv: full values up to this many entries
WIDTH = 80
COLUMNS_PER_BLOCK = 6  # a wider matrix is written in blocks of columns

MATRIX_FORMATS = ("text", "json", "csv", "md", "tex")
CHAIN_FORMATS = ("text", "md", "json")  # where a --param/--neuron chain can be added


def summary(a: np.ndarray) -> dict[str, float]:
    """min, mean, max and the Euclidean (Frobenius) norm of a matrix."""
    return {
        "min": float(a.min()),
        "mean": float(a.mean()),
        "max": float(a.max()),
        "norm": float(np.linalg.norm(a)),
    }


def summary_text(a: np.ndarray, precision: int) -> str:
    s = summary(a)
    return ", ".join(f"{k} {format_number(v, min(precision, 6))}" for k, v in s.items())


# -- text ------------------------------------------------------------------------------------


# The TUI's matrix view marks the current entry inside the matrix: these two characters bracket
# it in the lines `matrix_lines` returns when asked to (`mark`); the view turns them into a
# style and never prints them. Exports never ask, so they never hold them.
MARK_START, MARK_END = "\x01", "\x02"


def _visible_len(line: str) -> int:
    return len(line) - line.count(MARK_START) - line.count(MARK_END)


def _rows(a: np.ndarray, precision: int, mark: tuple[int, int] | None = None) -> list[str]:
    """A small matrix as bracketed rows, columns right-aligned; entry `mark` bracketed."""
    cells = [[format_number(float(x), precision) for x in row] for row in a]
    widths = [max(len(row[c]) for row in cells) for c in range(a.shape[1])]
    lines = []
    for i, row in enumerate(cells):
        shown = [v.rjust(w) for v, w in zip(row, widths)]
        if mark is not None and mark[0] == i and 0 <= mark[1] < len(shown):
            shown[mark[1]] = MARK_START + shown[mark[1]] + MARK_END
        lines.append("[ " + "  ".join(shown) + " ]")
    return lines


def _blocks(
    name: str, a: np.ndarray, precision: int, indent: str, mark: tuple[int, int] | None = None
) -> list[str]:
    """`name = rows…`, in blocks of columns when wide, or a summary when large."""
    shape = f"({a.shape[0]}×{a.shape[1]})"
    if a.size > FULL_ENTRIES:
        return [f"{indent}{name} {shape}: {summary_text(a, precision)}"]
    if a.shape[1] == 1 and a.shape[0] > 1:  # a column, written as a transposed row
        flipped = (mark[1], mark[0]) if mark is not None else None
        return [line + "ᵀ" for line in _blocks(name, a.T, precision, indent, flipped)]
    lines = []
    cell = max(len(format_number(float(x), precision)) for x in a.flat) + 2
    room = WIDTH - len(indent) - len(name) - 16  # the head `W2[:, 0:6] = ` and brackets
    step = a.shape[1] if a.shape[1] * cell <= room else max(1, room // cell)
    for start in range(0, a.shape[1], step):
        part = a[:, start : start + step]
        head = f"{name} = " if start == 0 else f"{name}[:, {start}:{start + part.shape[1]}] = "
        if start == 0 and a.shape[1] > step:
            head = f"{name}[:, 0:{part.shape[1]}] = "
        local = None  # the marked entry, when it lies in this part
        if mark is not None and start <= mark[1] < start + part.shape[1]:
            local = (mark[0], mark[1] - start)
        rows = _rows(part, precision, local)
        pad = " " * len(head)
        lines += [indent + (head if r == 0 else pad) + row for r, row in enumerate(rows)]
    return lines


def _side_by_side(
    tr: MatrixTrace, step: MatrixStep, precision: int, indent: str, mark=None
) -> list[str]:
    """The step with every operand's values in place: `[..] = [..]·[..] + [..]`, or [].

    `mark` = (matrix name, (i, j)): that entry bracketed (its first appearance)."""
    names = [step.result, *step.operands]
    arrays = [tr.matrices[n] for n in names]
    if any(a.size > FULL_ENTRIES or a.shape[1] > COLUMNS_PER_BLOCK for a in arrays):
        return []
    first = names.index(mark[0]) if mark is not None and mark[0] in names else -1
    blocks = [_rows(a, precision, mark[1] if k == first else None) for k, a in enumerate(arrays)]
    height = max(len(b) for b in blocks)
    middle = (height - 1) // 2
    columns: list[list[str]] = []
    for k, token in enumerate(step.tokens):
        if k % 2 == 0:
            block = blocks[k // 2]
            top = middle - (len(block) - 1) // 2
            width = _visible_len(block[0])
            col = [" " * width] * height
            for r, line in enumerate(block):
                col[top + r] = line
            columns.append(col)
        elif token:
            columns.append([token if r == middle else " " * len(token) for r in range(height)])
    lines = [indent + "".join(col[r] for col in columns).rstrip() for r in range(height)]
    return lines if max(_visible_len(line) for line in lines) <= WIDTH else []


def export_matrix_text(tr: MatrixTrace, precision: int = 9) -> str:
    """The matrix form as text: givens, then each step's formula, shapes and values."""
    lines = [tr.title, "=" * min(len(tr.title), WIDTH)]
    lines += _wrap(setup_line(_MetaOnly(tr.meta)), WIDTH)
    lines += _wrap(f"Weights: {tr.meta['orientation']}.", WIDTH)
    lines += ["", "Given"]
    given = [n for n in tr.matrices if not any(s.result == n for s in tr.steps)]
    for name in given:
        lines += _blocks(name, tr.matrices[name], precision, "  ")
    phase = layer = None
    for step in tr.steps:
        if step.phase != phase:
            phase, layer = step.phase, None
            lines += ["", PHASE_TITLES[phase]]
        if step.layer != layer and phase != "error":
            layer = step.layer
            lines.append(f"  {layer} layer")
        lines.append(f"  {step.formula}    {tr.shapes(step)}")
        values = _side_by_side(tr, step, precision, "    ")
        lines += values or _blocks(step.result, tr.matrices[step.result], precision, "    ")
    lines += ["", "Notation card: each per-neuron name and its matrix entry"]
    lines += [line for rule in tr.weight_rules for line in _wrap("  " + rule, WIDTH)]
    lines += _card_columns(tr)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _card_names(tr: MatrixTrace, limit: int = 400) -> list[str]:
    """The card's names, in card order; a huge card (MNIST) is cut to its first `limit`."""
    names = list(tr.card)
    return names if len(names) <= limit else names[:limit]


def _card_columns(tr: MatrixTrace) -> list[str]:
    """`name = entry` items in aligned columns, as many as fit in the width."""
    items = [f"{n} = {tr.card_entry(n)}" for n in _card_names(tr)]
    if len(tr.card) > len(items):
        items.append(f"… {len(tr.card) - len(items)} more (json and csv have them all)")
    width = max(len(item) for item in items) + 3
    per_line = max(1, (WIDTH - 2) // width)
    return [
        "  " + "".join(item.ljust(width) for item in items[k : k + per_line]).rstrip()
        for k in range(0, len(items), per_line)
    ]


class _MetaOnly:
    """What `setup_line` reads of a trace: its meta."""

    def __init__(self, meta: dict):
        self.meta = meta


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False) or []


# -- json and csv ----------------------------------------------------------------------------


def _matrix_json(a: np.ndarray) -> dict:
    out: dict = {"shape": list(a.shape)}
    if a.size <= JSON_ENTRIES:
        out["values"] = a.tolist()
    else:
        out["summary"] = summary(a)
    return out


def export_matrix_json(tr: MatrixTrace, precision: int = 9) -> str:
    """Every matrix (values, or a summary when large), every step, and the notation card."""
    document = {
        "schema": "backprop-tutor/matrix-trace",
        "version": 1,
        "title": tr.title,
        "meta": tr.meta,
        "matrices": {name: _matrix_json(a) for name, a in tr.matrices.items()},
        "steps": [
            {
                "phase": s.phase,
                "layer": s.layer,
                "result": s.result,
                "operands": s.operands,
                "formula": s.formula,
                "shapes": tr.shapes(s),
                "description": s.description,
            }
            for s in tr.steps
        ],
        "card": {name: tr.card_entry(name) for name in tr.card},
        "weight_rules": tr.weight_rules,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def export_matrix_csv(tr: MatrixTrace, precision: int = 9) -> str:
    """One row per matrix entry (kind 'entry'), or per summary figure of a large matrix."""
    names_at = {(m, i, j): n for n, (m, (i, j)) in tr.card.items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["matrix", "kind", "row", "column", "value", "name"])
    for name, a in tr.matrices.items():
        if a.size > JSON_ENTRIES:
            for key, value in summary(a).items():
                writer.writerow([name, key, "", "", repr(value), ""])
            continue
        for (i, j), value in np.ndenumerate(a):
            writer.writerow(
                [name, "entry", i, j, repr(float(value)), names_at.get((name, i, j), "")]
            )
    return buffer.getvalue()


# -- markdown and LaTeX -----------------------------------------------------------------------


def export_matrix_markdown(tr: MatrixTrace, precision: int = 9) -> str:
    """The text form under Markdown headings (the values in code blocks, aligned)."""
    text = export_matrix_text(tr, precision).split("\n")
    out = [f"# {tr.title}", ""]
    block: list[str] = []
    for line in text[2:]:
        if line and not line.startswith(" ") and line in {*PHASE_TITLES.values(), "Given"}:
            out += _fence(block) + [f"## {line}", ""]
            block = []
        elif line.startswith("Notation card"):
            out += _fence(block) + [f"## {line}", ""]
            block = []
        else:
            block.append(line)
    out += _fence(block)
    return "\n".join(out).rstrip() + "\n"


def _fence(block: list[str]) -> list[str]:
    while block and not block[-1].strip():
        block.pop()
    while block and not block[0].strip():
        block.pop(0)
    if not block:
        return []
    if not any(line.startswith("  ") for line in block):
        return [*block, ""]
    return ["```text", *block, "```", ""]


_TEX_TOKENS = [
    ("½", r"\tfrac{1}{2}"),
    ("·", r"\cdot "),
    ("⊙", r"\odot "),
    ("ᵀ", r"^{\top}"),
    ("−", "-"),
    ("′", "'"),
    ("Σ_s", r"\sum_s"),
    ("ln ", r"\ln "),
    ("ln(", r"\ln("),
    ("²", "^{2}"),
]


def tex_name(name: str) -> str:
    """`δ2` → `\\delta_{2}`, `W2⁺` → `W_{2}^{+}`, `E_total` → `E_{\\mathrm{total}}`."""
    if name == "E_total":
        return r"E_{\mathrm{total}}"
    if name == "η":
        return r"\eta"
    if name == "1":
        return r"\mathbf{1}"
    match = re.fullmatch(r"(d?)([A-Za-zδ]+)(\d*)(⁺?)", name)
    if not match:
        return r"\mathrm{" + name + "}"
    d, base, digits, plus = match.groups()
    base = r"\delta" if base == "δ" else base
    out = (r"\partial " if d else "") + base + (f"_{{{digits}}}" if digits else "")
    return out + ("^{+}" if plus else "")


def _tex_operator(text: str) -> str:
    for a, b in _TEX_TOKENS:
        text = text.replace(a, b)
    text = re.sub(r"([a-z_]+)(\(|'\()", lambda m: r"\mathrm{" + m.group(1) + "}" + m.group(2), text)
    return text


def _tex_matrix(a: np.ndarray, precision: int) -> str:
    if a.size > FULL_ENTRIES or a.shape[1] > COLUMNS_PER_BLOCK:
        s = summary(a)
        parts = ", ".join(f"\\text{{{k}}}\\ {format_number(v, 6)}" for k, v in s.items())
        return rf"\left[{a.shape[0]}\times{a.shape[1]}:\ {parts}\right]"
    rows = [" & ".join(format_number(float(x), precision) for x in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def export_matrix_latex(tr: MatrixTrace, precision: int = 9) -> str:
    """A complete LaTeX document (amsmath): each step's formula, shapes and result matrix."""
    esc = tex_text
    body = [
        r"\documentclass{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\begin{document}",
        rf"\section*{{{esc(tr.title)}}}",
        esc(setup_line(_MetaOnly(tr.meta))) + r"\par",
        esc(f"Weights: {tr.meta['orientation']}.") + r"\par",
    ]
    phase = None
    for step in tr.steps:
        if step.phase != phase:
            phase = step.phase
            body.append(rf"\subsection*{{{PHASE_TITLES[phase]}}}")
        formula = "".join(
            tex_name(t) if k % 2 == 0 else _tex_operator(t) for k, t in enumerate(step.tokens)
        )
        shapes = esc(tr.shapes(step))
        value = _tex_matrix(tr.matrices[step.result], precision)
        body.append(rf"\[ {formula} \qquad \text{{{shapes}}} \]")
        body.append(rf"\[ {tex_name(step.result)} = {value} \]")
    body.append(r"\subsection*{Notation card}")
    card = "; ".join([*tr.weight_rules] + [f"{n} = {tr.card_entry(n)}" for n in _card_names(tr)])
    body += [esc(card) + r"\par", r"\end{document}"]
    return "\n".join(body) + "\n"


MATRIX_EXPORTERS = {
    "text": export_matrix_text,
    "json": export_matrix_json,
    "csv": export_matrix_csv,
    "md": export_matrix_markdown,
    "tex": export_matrix_latex,
}


def export_matrix(tr: MatrixTrace, fmt: str, precision: int = 9) -> str:
    """The matrix form in format `fmt`; ValueError for another format."""
    if fmt not in MATRIX_EXPORTERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(MATRIX_FORMATS)}")
    return MATRIX_EXPORTERS[fmt](tr, precision)


def chain_text(title: str, lines, precision: int = 9) -> str:
    """A --param/--neuron chain as aligned text: name = how = value."""
    width = max(len(line.name) for line in lines)
    out = [title, "-" * len(title)]
    out += [
        f"  {line.name:<{width}} = {line.formula} = {format_number(float(line.value), precision)}"
        for line in lines
    ]
    return "\n".join(out) + "\n"


def with_chain(text: str, fmt: str, title: str, lines, precision: int = 9) -> str:
    """The export `text` with a chain added (text and md: a section; json: a `chain` key)."""
    if fmt == "json":
        document = json.loads(text)
        document.setdefault("chains", []).append(
            {
                "title": title,
                "lines": [
                    {"name": x.name, "formula": x.formula, "value": float(x.value)} for x in lines
                ],
            }
        )
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    block = chain_text(title, lines, precision)
    if fmt == "md":
        return text + f"\n## {title}\n\n```text\n" + block + "```\n"
    return text + "\n" + block


def matrix_lines(
    tr: MatrixTrace, step: MatrixStep, width: int = WIDTH, precision: int = 4, mark=None
):
    """One step's values in at most `width` columns: in place if they fit, else its result
    (or, when `mark` is an operand's entry, that operand).

    `mark` = (matrix name, (i, j)): that entry bracketed by MARK_START … MARK_END."""
    lines = _side_by_side(tr, step, precision, "", mark)
    if lines and max(_visible_len(line) for line in lines) <= width:
        return lines
    if mark is not None and mark[0] != step.result and mark[0] in step.operands:
        return _blocks(mark[0], tr.matrices[mark[0]], precision, "", mark[1])  # a given entry
    own = mark[1] if mark is not None else None
    return _blocks(step.result, tr.matrices[step.result], precision, "", own)


def operand_lines(
    tr: MatrixTrace, step: MatrixStep, width: int = WIDTH, precision: int = 4, mark=None
):
    """Only the operands' values of a step (its result is the student's to compute)."""
    lines = []
    for name in dict.fromkeys(step.operands):
        own = mark[1] if mark is not None and mark[0] == name else None
        lines += _blocks(name, tr.matrices[name], precision, "", own)
    return [line if MARK_START in line else line[:width] for line in lines]
