"""Markdown: the worked solution a student would hand in, one section per phase."""

from __future__ import annotations

from tutor.engine.trace import Trace, format_number
from tutor.export.common import (
    PHASE_TITLES,
    Symbolic,
    display_substituted,
    given_groups,
    is_trivial,
    phases_in_order,
    rounds_heading,
    rounds_of,
    setup_line,
    step_error_line,
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
            result = format_number(v.value, precision)
            substituted = display_substituted(v, values, precision)
            chain = [v.formula]
            if not is_trivial(v, substituted, result) and substituted != v.formula:
                chain.append(substituted)
            description = f" — {_escape(v.description)}" if v.description else ""
            lines.append(f"- `{v.name}`{description}:  ")
            lines.append(f"  `{v.name} = {' = '.join(chain)} = {result}`")
            if symbolic and v.name in symbolic:
                lines.append(f"  (symbolically: `{symbolic[v.name][0]}`)")
        lines.append("")
    after = step_error_line(trace, precision)
    if after:
        lines += ["## Error after the step", "", _escape(after), ""]
    lines += _rounds(trace, precision)
    return "\n".join(lines).rstrip("\n") + "\n"


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
