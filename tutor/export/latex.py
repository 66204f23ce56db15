"""LaTeX: a complete document (pdflatex, amsmath only) with ∂-fractions in the lesson's names."""

from __future__ import annotations

import re
from collections.abc import Callable

from tutor.engine.trace import Trace, TraceValue, format_number
from tutor.export.common import (
    PHASE_TITLES,
    Symbolic,
    given_groups,
    phases_in_order,
    rounds_heading,
    rounds_of,
    setup_line,
    step_error_line,
)
from tutor.export.formula import Operand, Worked, shows_substitution, worked

# Prose characters → LaTeX (text mode), for traces and derivations alike (tutor.symbolic.render
# uses `tex_text` too). Anything else outside ASCII becomes a code point.
_TEXT = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "→": r"$\to$",
    "−": "-",
    "·": r"$\cdot$",
    "η": r"$\eta$",
    "δ": r"$\delta$",
    "Σ": r"$\Sigma$",
    "½": r"$\frac{1}{2}$",
    "²": r"\textsuperscript{2}",
    "—": "---",
    "–": "--",
    "…": r"\ldots{}",
    "’": "'",
    "≈": r"$\approx$",
    "∂": r"$\partial$",
    "σ": r"$\sigma$",
    "α": r"$\alpha$",
    "θ": r"$\theta$",
    "λ": r"$\lambda$",
    "×": r"$\times$",
    "≤": r"$\le$",
    "′": "'",
    "ᵀ": r"$^T$",
    "ŷ": r"$\hat{y}$",
    "₁": r"$_1$",
    "₂": r"$_2$",
    "⁺": r"$^{+}$",
    "⊙": r"$\odot$",
    "≥": r"$\geq$",
}
# Formula literals (math mode).
_MATH = {
    "·": r" \cdot ",
    "−": "-",
    "½": r"\tfrac{1}{2}",
    "²": "^{2}",
    "Σ": r"\Sigma ",
    "σ": r"\sigma",  # seed 001's slope, σ(out)·(1 − σ(out)): was written as U+03C3
    "→": r"\to ",
    "≈": r"\approx ",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\sim ",
}
_WORDS_IN_MATH = [
    (re.compile(r"\bln\("), r"\\ln("),
    (re.compile(r"\bmax\("), r"\\max("),
    (re.compile(r"\btanh\("), r"\\tanh("),
    (re.compile(r" if "), r"\\text{ if }"),
    (re.compile(r" else "), r"\\text{ else }"),
]


def _escape(text: str, table: dict[str, str], unknown: str) -> str:
    """Each character through `table`; other ASCII as it is; the rest as `unknown`'s code point."""
    return "".join(
        table[c] if c in table else c if ord(c) < 128 else unknown.format(ord(c)) for c in text
    )


def tex_text(text: str) -> str:
    """Escape prose for LaTeX text mode."""
    return _escape(text, _TEXT, r"\texttt{{U+{:04X}}}")


def _math_literal(text: str) -> str:
    for pattern, replacement in _WORDS_IN_MATH:
        text = pattern.sub(replacement, text)
    return _escape(text, _MATH, r"\text{{\texttt{{U+{:04X}}}}}")


def _subscripted(name: str) -> str:
    """`net_h1` → \\mathrm{net}_{h1}; `E_total` → E_{\\mathrm{total}}; `w5` → w_{5}."""
    if name == "eta":
        return r"\eta"
    if name.startswith("delta_"):
        return rf"\delta_{{{_sub(name[6:])}}}"
    if "_" in name:
        base, sub = name.split("_", 1)
        return rf"{_base(base)}_{{{_sub(sub)}}}"
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    if match:
        return rf"{_base(match.group(1))}_{{{match.group(2)}}}"
    return _base(name)


def _base(word: str) -> str:
    if re.fullmatch(r"[A-Za-z]", word):
        return word
    if re.fullmatch(r"[A-Za-z]+", word):
        return rf"\mathrm{{{word}}}"
    return rf"\text{{{tex_text(word)}}}"


def _sub(sub: str) -> str:
    if re.fullmatch(r"[A-Za-z]{2,}", sub):
        return rf"\mathrm{{{sub}}}"
    if re.fullmatch(r"[A-Za-z0-9]+", sub):
        return sub
    # h1_2 (second hidden layer's neuron 2) and the like
    return (
        ",".join(_sub(p) if p else "" for p in sub.split("_"))
        if "_" in sub
        else (rf"\text{{{tex_text(sub)}}}")
    )


def tex_name(name: str) -> str:
    """A traced name in LaTeX math: ∂-fractions for derivatives, `+` as a superscript."""
    if name.endswith("+"):
        return rf"{tex_name(name[:-1])}^{{+}}"
    match = re.fullmatch(r"d(.+)/d(.+)", name)
    if match:
        top, bottom = match.groups()
        return rf"\frac{{\partial {_subscripted(top)}}}{{\partial {_subscripted(bottom)}}}"
    return _subscripted(name)


def tex_number(x: float, precision: int) -> str:
    """A number in math mode: 1.2e-05 as 1.2\\times10^{-5}."""
    text = format_number(x, precision)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def _render(w: Worked, fill: Callable[[Operand], str]) -> str:
    """The worked line's parts in math mode, each operand written by `fill`.

    An exponent `e^{0}` is a brace group holding the operand alone: the parentheses the plain
    line needs there (`e^(-0.3)`) are left out (`e^{-0.3}`); `e^−{0}` keeps them.
    """
    out: list[str] = []
    pending_close = alone = False
    for part in w.parts:
        if isinstance(part, str):
            literal = part
            if pending_close:
                out.append("}")
                pending_close = False
            # e^−{0} and e^{0}: the exponent is the placeholder that follows.
            if literal.endswith("e^−") or literal.endswith("e^"):
                minus = literal.endswith("e^−")
                literal = literal[: -3 if minus else -2]
                out.append(_math_literal(literal) + "e^{" + ("-" if minus else ""))
                pending_close, alone = True, not minus
                continue
            out.append(_math_literal(literal))
        else:
            out.append(fill(part._replace(after_operator=False) if alone else part))
            alone = False
    if pending_close:
        out.append("}")
    return "".join(out)


def _formula(w: Worked) -> str:
    if not w.parts:
        return _math_literal(w.template)
    return _render(w, lambda operand: tex_name(operand.name))


def tex_formula(value: TraceValue) -> str:
    """A traced value's formula in LaTeX math, in the lesson's names (worksheets use it)."""
    return _formula(worked(value))


def _substituted(w: Worked, precision: int) -> str:
    """The numbers substituted, bracketed where the plain targets bracket them."""
    if not w.parts:
        return _math_literal(w.template)
    return _render(w, lambda operand: operand.shown(tex_number(operand.value, precision)))


def export_latex(trace: Trace, precision: int = 9, symbolic: Symbolic | None = None) -> str:
    """The trace as a complete LaTeX document that compiles with pdflatex."""
    values = trace.as_dict()
    body = []
    setup = setup_line(trace)
    if setup:
        body += [tex_text(setup[0].upper() + setup[1:]) + ".", ""]
    if trace.meta.get("variant_note"):
        variant = tex_text(str(trace.meta.get("variant", "")))
        body += [rf"\textbf{{Variant {variant}.}} {tex_text(trace.meta['variant_note'])}", ""]
    for phase, phase_values in phases_in_order(trace):
        body.append(rf"\section*{{{tex_text(PHASE_TITLES.get(phase, phase.title()))}}}")
        if phase == "given":
            body.append(r"\begin{itemize}")
            for kind, group in given_groups(phase_values):
                items = ", ".join(
                    f"${tex_name(v.name)} = {tex_number(v.value, precision)}$" for v in group
                )
                body.append(rf"\item {tex_text(kind.capitalize())}: {items}")
            body += [r"\end{itemize}", ""]
            continue
        layer = None
        for v in phase_values:
            if v.layer and v.layer != layer:
                layer = v.layer
                body.append(rf"\subsection*{{{tex_text(layer.capitalize())} layer}}")
            body += _align(v, values, precision, symbolic)
        body.append("")
    after = step_error_line(trace, precision)
    if after:
        body += [r"\section*{Error after the step}", rf"\noindent {tex_text(after)}", ""]
    body += _rounds(trace, precision)
    preamble = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\allowdisplaybreaks",
        r"\sloppy",
        rf"\title{{{tex_text(trace.title)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
    ]
    return "\n".join(preamble + body + [r"\end{document}"]) + "\n"


def _align(v: TraceValue, values, precision: int, symbolic) -> list[str]:
    w = worked(v, values)
    result = tex_number(v.value, precision)
    rows = []
    if symbolic and v.name in symbolic:
        rows.append(symbolic[v.name][1])
    rows.append(_formula(w))
    if shows_substitution(w, precision):
        rows.append(_substituted(w, precision))
    if rows[-1] == result:  # a formula that is its own result (`1`): written once
        rows.pop()
    rows.append(result)
    lines = [r"\begin{align*}"]
    for k, row in enumerate(rows):
        first, *rest = _break(row)
        lines.append(rf"{tex_name(v.name)} &= {first}" if k == 0 else rf"  \\ &= {first}")
        lines += [rf"  \\ &\quad + {part}" for part in rest]
    lines.append(r"\end{align*}")
    if v.description:
        lines.insert(0, rf"\noindent {tex_text(v.description[0].upper() + v.description[1:])}:")
    return lines


def _rounds(trace: Trace, precision: int) -> list[str]:
    """The `--rounds` summary: E_total by round in a table, then the final outputs."""
    rounds = rounds_of(trace)
    if rounds is None:
        return []
    lines = [
        rf"\section*{{{tex_text(rounds_heading(rounds))}}}",
        r"\begin{tabular}{rr}",
        r"round & $E_{\mathrm{total}}$ \\ \hline",
    ]
    lines += [rf"{r} & ${tex_number(e, precision)}$ \\" for r, e in rounds["errors"]]
    outs = ", ".join(
        f"${tex_name(f'out_o{k + 1}')} = {tex_number(v, precision)}$"
        for k, v in enumerate(rounds["final_outputs"])
    )
    return lines + [
        r"\end{tabular}",
        "",
        rf"\noindent Outputs after round {rounds['rounds']}: {outs}",
        "",
    ]


# Visible characters a display line holds on the page (article, 11pt) before it overflows.
LINE_CHARS = 62


def _visible(tex: str) -> int:
    """Roughly how many characters `tex` shows: a command counts as one, braces as none."""
    return len(re.sub(r"[{}]", "", re.sub(r"\\[A-Za-z]+", "x", tex)).replace(" ", ""))


def _break(row: str) -> list[str]:
    """A long row cut before a ` + ` outside any braces into lines that fit the page."""
    if _visible(row) * 1.25 <= LINE_CHARS:  # spaces around operators take room too
        return [row]
    terms, depth, start = [], 0, 0
    for k, char in enumerate(row):
        depth += {"{": 1, "}": -1}.get(char, 0)  # plain ( ) may span lines; braces not
        if depth == 0 and row.startswith(" + ", k):
            terms.append(row[start:k])
            start = k + 3
    terms.append(row[start:])
    parts = [terms[0]]
    for term in terms[1:]:
        if _visible(parts[-1] + term) * 1.25 <= LINE_CHARS:
            parts[-1] += " + " + term
        else:
            parts.append(term)
    return parts
