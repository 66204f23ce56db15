"""Derivations as text (Unicode, for the terminal), Markdown, LaTeX and JSON: pure functions."""

from __future__ import annotations

import json
import textwrap

from tutor.engine.trace import format_number
from tutor.export.latex import tex_text as escape_tex_text
from tutor.symbolic.steps import Derivation, Step

INDENT = "    "
WIDTH = 80  # a terminal's default: captions wrap and formulas fit within it
LONG_FORMULA = 400  # characters of LaTeX beyond which a display is scaled to fit
TOO_LONG_FORMULA = 4000  # beyond this even scaled it overflows TeX's dimensions: not typeset


def _value(step: Step, precision: int) -> str:
    return "" if step.value is None else format_number(step.value, precision)


def to_text(derivations: list[Derivation], precision: int = 9) -> str:
    """Unicode for the terminal: each caption, the formula indented, then its value."""
    lines: list[str] = []
    for d in derivations:
        lines += [d.title, "═" * min(len(d.title), WIDTH), ""]
        for step in d.steps:
            lines += textwrap.wrap(step.caption, WIDTH)
            formula = step.unicode.splitlines() or []
            if len(formula) == 1 and len(formula[0]) > WIDTH - len(INDENT):
                formula = textwrap.wrap(formula[0], WIDTH - len(INDENT), break_on_hyphens=False)
            lines += [INDENT + line.rstrip() for line in formula]
            if step.value is not None:
                lines.append(f"{INDENT}= {_value(step, precision)}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_markdown(derivations: list[Derivation], precision: int = 9) -> str:
    """Markdown: the Unicode formulas in code blocks (Textual's Markdown renders no `$…$`)."""
    lines: list[str] = []
    for d in derivations:
        lines += [f"## {_md_escape(d.title)}", ""]
        for step in d.steps:
            lines += [_md_escape(step.caption), ""]
            if step.unicode:
                lines += ["```text", step.unicode.rstrip(), "```", ""]
            if step.value is not None:
                lines += [f"= `{_value(step, precision)}`", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_escape(text: str) -> str:
    """Prose for Markdown: `_` and `*` would start emphasis (E_total, out_o1); code spans kept."""
    pieces = text.split("`")
    for k in range(0, len(pieces), 2):
        pieces[k] = pieces[k].replace("\\", "\\\\").replace("_", r"\_").replace("*", r"\*")
    return "`".join(pieces)


def tex_text(text: str) -> str:
    """Prose escaped for LaTeX text mode (the Greek and operators the captions use as math)."""
    pieces = text.split("`")
    out = []
    for k, piece in enumerate(pieces):
        escaped = escape_tex_text(piece)
        # Odd pieces were between backquotes: a command the reader can type.
        out.append(rf"\texttt{{{escaped}}}" if k % 2 else escaped)
    return "".join(out)


def to_latex(derivations: list[Derivation], precision: int = 9) -> str:
    """A complete LaTeX document: each caption as prose, each formula as a display."""
    body: list[str] = []
    for d in derivations:
        body += [rf"\section*{{{tex_text(d.title)}}}", ""]
        for step in d.steps:
            body.append(tex_text(step.caption) + ":" if step.latex else tex_text(step.caption))
            if step.latex:
                value = f" = {_value(step, precision)}" if step.value is not None else ""
                body += _display(step.latex + value)
            body.append("")
    preamble = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage{graphicx}",
        r"\allowdisplaybreaks",
        r"\begin{document}",
        "",
    ]
    return "\n".join(preamble + body + [r"\end{document}"]) + "\n"


def to_json(derivations: list[Derivation], precision: int = 9) -> str:
    """JSON: every step's caption, Unicode, LaTeX, value and trace name."""
    del precision  # values are written in full
    return json.dumps(
        {"derivations": [d.as_dict() for d in derivations]}, ensure_ascii=False, indent=2
    )


def _display(formula: str) -> list[str]:
    """A display; a long one (an expanded derivative) scaled to fit: LaTeX will not break it."""
    if len(formula) <= LONG_FORMULA:
        return [r"\[", formula, r"\]"]
    if len(formula) > TOO_LONG_FORMULA:
        return [
            rf"\emph{{({len(formula)} characters of LaTeX: too long to typeset; "
            r"\texttt{--format json} has it.)}"
        ]
    return [r"\[", r"\resizebox{\linewidth}{!}{$\displaystyle", formula, r"$}", r"\]"]


RENDERERS = {"text": to_text, "md": to_markdown, "tex": to_latex, "json": to_json}
FORMATS = tuple(RENDERERS)


def render(derivations: list[Derivation], fmt: str, precision: int = 9) -> str:
    """The derivations in format `fmt` (text, md, tex, json)."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return RENDERERS[fmt](derivations, precision)
