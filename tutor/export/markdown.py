"""Markdown: the worked solution a student would hand in, one section per phase."""

from __future__ import annotations

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
from tutor.export.formula import (
    plain_formula,
    plain_result,
    plain_substituted,
    shows_substitution,
    worked,
)


def export_markdown(trace: Trace, precision: int = 9, symbolic: Symbolic | None = None) -> str:
    """The trace as a Markdown worked solution (formulas in code spans: no `$…$` needed)."""
    values = trace.as_dict()
    lines = [f"# {_escape(trace.title)}", ""]
    setup = setup_line(trace)
    if setup:
        lines += [_escape(setup[0].upper() + setup[1:]) + ".", ""]
    if trace.meta.get("variant_note"):
        variant = trace.meta.get("variant", "")
        lines += [f"> **Variant `{variant}`.** {_escape(trace.meta['variant_note'])}", ""]
    for phase, phase_values in phases_in_order(trace):
        lines += [f"## {PHASE_TITLES.get(phase, phase.title())}", ""]
        if phase == "given":
            for kind, group in given_groups(phase_values):
                items = ", ".join(
                    f"`{v.name} = {format_number(v.value, precision)}`" for v in group
                )
                lines.append(f"- {kind.capitalize()}: {items}")
            lines.append("")
            continue
        layer = None
        for v in phase_values:
            if v.layer and v.layer != layer:
                layer = v.layer
                if lines[-1] != "":
                    lines.append("")
                lines += [f"### {layer.capitalize()} layer", ""]
            lines += _value_lines(v, values, precision, symbolic)
        lines.append("")
    after = step_error_line(trace, precision)
    if after:
        lines += ["## Error after the step", "", _escape(after), ""]
    lines += _rounds(trace, precision)
    return "\n".join(lines).rstrip("\n") + "\n"


def _value_lines(v: TraceValue, values, precision: int, symbolic: Symbolic | None) -> list[str]:
    """A computed value as a list item: its description, then `name = formula = … = result`."""
    w = worked(v, values)
    chain = [plain_formula(w)]
    if shows_substitution(w, precision):
        chain.append(plain_substituted(w, precision))
    description = f" — {_escape(v.description)}" if v.description else ""
    lines = [
        f"- `{v.name}`{description}:  ",
        f"  `{v.name} = {' = '.join(chain)} = {plain_result(w, precision)}`",
    ]
    if symbolic and v.name in symbolic:
        lines.append(f"  (symbolically: `{symbolic[v.name][0]}`)")
    return lines


def _rounds(trace: Trace, precision: int) -> list[str]:
    """The `--rounds` summary as a table of E_total by round, and the final outputs."""
    rounds = rounds_of(trace)
    if rounds is None:
        return []
    lines = [f"## {_escape(rounds_heading(rounds))}", "", "| round | E_total |", "|---:|---:|"]
    lines += [f"| {r} | {format_number(e, precision)} |" for r, e in rounds["errors"]]
    outs = ", ".join(
        f"`out_o{k + 1} = {format_number(v, precision)}`"
        for k, v in enumerate(rounds["final_outputs"])
    )
    return lines + ["", f"Outputs after round {rounds['rounds']}: {outs}", ""]


def _escape(text: str) -> str:
    """Escape the Markdown characters that would turn prose into emphasis or markup."""
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#"):
        text = text.replace(char, "\\" + char)
    return text
