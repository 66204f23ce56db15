"""What every export format shares: phase titles, the given values grouped, numbers substituted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from tutor.engine.trace import PHASES, Trace, TraceValue, format_number
from tutor.export.formula import plain_substituted, worked

# name → (unicode form, LaTeX form) of a value's symbolic expression (issue 3 fills it).
Symbolic = Mapping[str, tuple[str, str]]

PHASE_TITLES = {
    "given": "Given",
    "forward": "Forward pass",
    "error": "Error",
    "backward": "Backward pass",
    "update": "Update",
}

def display_substituted(value: TraceValue, values: Mapping[str, float], precision: int) -> str:
    """The formula with numbers in it (tutor.export.formula writes it for every target)."""
    return plain_substituted(worked(value, values), precision)


def phases_in_order(trace: Trace) -> list[tuple[str, list[TraceValue]]]:
    """(phase, values) for each phase present, in the lesson's order."""
    return [(phase, trace.phase(phase)) for phase in PHASES if trace.phase(phase)]


def given_groups(values: list[TraceValue]) -> list[tuple[str, list[TraceValue]]]:
    """Given values grouped by kind (inputs, targets, weights, biases, learning rate)."""
    groups: dict[str, list[TraceValue]] = {}
    for v in values:
        groups.setdefault(_given_kind(v), []).append(v)
    return list(groups.items())


# The groups of given values, by kind (anything else, from a hand-made trace: "value").
GIVEN_GROUPS = {
    "input": "inputs",
    "target": "targets",
    "weight": "weights",
    "bias": "biases",
    "eta": "learning rate",
}


def _given_kind(v: TraceValue) -> str:
    return GIVEN_GROUPS.get(v.identity.kind, "value")


class HasMeta(Protocol):
    """What `setup_line` reads of a trace: its meta (a Trace, or the matrix form's meta)."""

    meta: dict


def setup_line(trace: HasMeta) -> str:
    """One line saying what network was traced: sizes, activations, loss, η."""
    meta = trace.meta
    bits = []
    if "sizes" in meta:
        bits.append("network " + "-".join(str(n) for n in meta["sizes"]))
    if "activations" in meta:
        bits.append("activations " + ", ".join(meta["activations"]))
    if "loss" in meta:
        bits.append(f"loss {meta['loss']}")
    if "learning_rate" in meta:
        bits.append(f"learning rate {meta['learning_rate']!r}")
    if meta.get("backprop_weights", "original") != "original":
        bits.append(f"backward pass through the {meta['backprop_weights']} weights")
    if "samples" in meta:
        bits.append(batch_words(meta))
    if meta.get("note"):
        bits.append(str(meta["note"]))
    return "; ".join(bits)


def batch_words(meta: dict) -> str:
    """'a batch of 4 samples (loss reduced by its mean; sample s's values end in [s])'."""
    n, how = meta["samples"], meta.get("reduction", "mean")
    words = f"a batch of {n} samples (the loss is the {how} over the batch; sample s's values "
    words += "are named with [s], from 0)"
    if "sample" in meta:
        words += f"; only sample {meta['sample']} is shown"
    return words


def step_error_line(trace: Trace, precision: int = 9) -> str | None:
    """`E_total = 0.291027774   (updated-weights variant: 0.291027924)`: the error after the
    traced step (meta.error_after_step, set by `trace`), and beside it every other way's."""
    errors = trace.meta.get("error_after_step")
    current = trace.meta.get("variant") or "exact"
    if not isinstance(errors, dict) or not isinstance(errors.get(current), int | float):
        return None
    others = [
        f"{'exact' if name == 'exact' else name + ' variant'}: {format_number(value, precision)}"
        for name, value in errors.items()
        if name != current and isinstance(value, int | float)
    ]
    shown = "" if current == "exact" else f" ({current} variant)"
    line = f"E_total{shown} = {format_number(errors[current], precision)}"
    return line + (f"   ({'; '.join(others)})" if others else "")


def rounds_of(trace: Trace) -> dict | None:
    """The `--rounds` summary in `trace.meta` (errors every so often, final outputs), if any."""
    rounds = trace.meta.get("rounds")
    return rounds if isinstance(rounds, dict) and rounds.get("errors") else None


def rounds_heading(rounds: dict) -> str:
    """`After N rounds (round 1 …; rounds 2..N by the fast path, exact)`."""
    n, first = rounds["rounds"], rounds.get("first_round", "exact")
    how = "traced above" if first == "exact" else f"the {first} variant"
    return f"After {n} rounds (round 1 {how}; rounds 2..{n} by the fast path, exact)"
