"""The usual wrong answers to a traced value, recomputed from the trace, so hints can name them.

Given the trace of a step and the name of a value, each known mistake gives the value a
student would get by making it: the sign of (out − target) flipped, the σ' factor left out,
one output's contribution instead of the sum over outputs, the ½ of the error dropped,
the updated instead of the original weights in the backward pass, the activation not
applied, the bias left out of a net input, the sigmoid's exponent without its minus sign,
σ' taken of the net input instead of the output, the notebook's σ′(σ(z)) instead of σ′(z)
and back, one sample's gradient instead of the batch's. Everything is recomputed from the trace's
own numbers; nothing is evaluated. A hint names a mistake only when the typed value is that
mistake's value within the step's tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tutor.engine.trace import Trace, TraceValue
from tutor.engine.value_id import ValueId
from tutor.lessons.mistakes_outputs import LOG_LOSSES, OUTPUT_HINTS, output_candidates

HINTS = {
    "sign": "Check the sign: dE/dout = −(target − out) = out − target, and w+ = w − η·∂E/∂w.",
    "missing_derivative": "You left out the activation's slope dout/dnet (its derivative at net).",
    "missing_sum": "A hidden neuron feeds every output: add the error reaching it from each.",
    "half_dropped": "E = ½·(target − out)²: the ½ cancels the 2 of the derivative; keep it.",
    "updated_weights": "Use the original weights in the backward pass, not the updated ones.",
    "no_activation": "That is the net input; apply the activation to it to get the output.",
    "no_bias": "Don't forget the bias: its weight times 1 is part of the net input.",
    "exp_sign": "The minus sign matters: out = 1/(1 + e^−net), e to the power minus net.",
    "slope_of_net": (
        "Write the slope with the neuron's output, not its net input: "
        "σ' = out·(1 − out), tanh' = 1 − out²."
    ),
    "slope_of_output": (
        "That is σ' applied to the output, σ(out)·(1 − σ(out)); "
        "the slope is σ'(net) = out·(1 − out)."
    ),
    "true_slope": (
        "That uses the true slope out·(1 − out); the notebook's code takes σ(out)·(1 − σ(out))."
    ),
    "one_sample": "That is one sample's gradient; the batch's gradient combines every sample's.",
    "no_learning_rate": "Scale the gradient by the learning rate: w+ = w − η·∂E/∂w.",
    "dead_slope": (
        "That is plain ReLU's slope 0; leaky ReLU's slope below zero is α: a little gets through."
    ),
}


@dataclass(frozen=True)
class Mistake:
    """A recognised wrong answer: which mistake, the value it gives, and a hint."""

    kind: str
    value: float
    hint: str


def _closure(trace: Trace, name: str) -> set[str]:
    """Every name `name` depends on, directly or not."""
    seen: set[str] = set()
    stack = [name]
    while stack:
        for parent in trace[stack.pop()].inputs:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


SIGMOID_SLOPE = "{0}·(1 − {0})"  # the engine's σ' written with the output
OUTPUT_SLOPE = "σ({0})·(1 − σ({0}))"  # notebook 001's slip: σ' applied to the output
TANH_SLOPE = "1 − {0}²"


def _other_sigmoid_slope(trace: Trace, slope: str) -> tuple[str, float] | None:
    """The slip's slope where the trace has the true one, or the true one where it has the slip."""
    tv = trace[slope]
    if len(tv.inputs) != 1:
        return None
    out = trace.value(tv.inputs[0])
    if tv.template == SIGMOID_SLOPE:
        s = 1.0 / (1.0 + math.exp(-out))
        return "slope_of_output", s * (1.0 - s)
    if tv.template == OUTPUT_SLOPE:
        return "true_slope", out * (1.0 - out)
    return None


def _on_leaky_side(trace: Trace, slope: str) -> bool:
    """Whether `slope` is a leaky ReLU's at a net input ≤ 0 (its α, where ReLU's would be 0)."""
    tv = trace[slope]
    leaky = tv.template.startswith("1 if {0} > 0 else ") and not tv.template.endswith(" else 0")
    return leaky and tv.value != 1


def _batch_candidates(trace: Trace, name: str) -> list[tuple[str, float]]:
    """A batch gradient's slip of taking one sample's gradient (the sum for a mean and the mean
    for a sum: `mistakes_outputs`)."""
    tv = trace[name]
    n = len(tv.inputs)
    samples = [tv.identity.with_sample(s) for s in range(n)]
    if n < 2 or tv.phase != "backward" or [trace[p].identity for p in tv.inputs] != samples:
        return []
    parts = [trace.value(p) for p in tv.inputs]
    # a sample whose gradient is 0 would name "one sample" for a step not taken at all
    return [("one_sample", part) for part in parts if part != 0]


def _gradient_candidates(trace: Trace, name: str) -> list[tuple[str, float]]:
    """(kind, wrong value) for a backward or error value, each mistake made once."""
    tv = trace[name]
    value = tv.value
    deps = _closure(trace, name)
    out: list[tuple[str, float]] = []
    upstream_error = any(_kind(trace, d) == "dout" for d in deps | {name})
    if value != 0 and upstream_error and tv.phase == "backward":
        out.append(("sign", -value))
    for parent in tv.inputs:
        if _kind(trace, parent) == "slope" and trace.value(parent) != 0:
            out.append(("missing_derivative", value / trace.value(parent)))
            if _on_leaky_side(trace, parent):
                out.append(("dead_slope", 0.0))
            other = _other_sigmoid_slope(trace, parent)
            if other is not None:
                out.append((other[0], value / trace.value(parent) * other[1]))
    if tv.identity.kind == "delta":
        for parent in tv.inputs:
            if _kind(trace, parent) == "dout":
                out.append(("missing_derivative", trace.value(parent)))
    for hub in sorted(d for d in deps | {name} if _kind(trace, d) == "dout"):
        parts = trace[hub].inputs
        total = trace.value(hub)
        if len(parts) > 1 and all(_kind(trace, p) in _ERROR_RATES for p in parts) and total != 0:
            for part in parts:
                out.append(("missing_sum", value * trace.value(part) / total))
    half_sse_like = trace.meta.get("loss") not in LOG_LOSSES  # a log-loss has no ½ to drop
    is_error = tv.identity.kind in ("error", "total_error")
    if half_sse_like and (tv.phase == "error" and is_error or upstream_error):
        out.append(("half_dropped", 2 * value))
    return out + _batch_candidates(trace, name)


# The kinds whose names begin dE_: a part of the error, dE_total/dout, a gradient.
_ERROR_RATES = ("part", "dout", "gradient")


def _kind(trace: Trace, name: str) -> str:
    """The kind of the traced value `name` (`net`, `slope`, `dout`, …: tutor.engine.value_id)."""
    return trace[name].identity.kind


def _same_neuron(tv: TraceValue, kind: str) -> ValueId:
    """The identity of the value of kind `kind` of `tv`'s neuron and sample (net_h1 of out_h1)."""
    return replace(tv.identity, kind=kind, parameter="", via="")


def _same_network(trace: Trace, variant: Trace) -> bool:
    """Whether `variant` is `trace`'s network (an "updated weights" variant of another network,
    such as the base example of a notebook's variant, would name a slip it does not show)."""
    keys = ("example", "sizes", "activations", "loss")
    return all(trace.meta.get(k) == variant.meta.get(k) for k in keys)


def candidates(trace: Trace, name: str, variant: Trace | None = None) -> list[Mistake]:
    """The wrong values a usual mistake gives for `name` (those that differ from the right one)."""
    tv = trace[name]
    raw: list[tuple[str, float]] = []
    if tv.phase == "update" and len(tv.inputs) == 3:
        w, eta, grad = (trace.value(n) for n in tv.inputs)
        raw.append(("sign", w + eta * grad))
        if eta != 1:
            raw.append(("no_learning_rate", w - grad))
        for kind, wrong in _gradient_candidates(trace, tv.inputs[2]):
            if kind != "sign":
                raw.append((kind, w - eta * wrong))
    elif tv.phase in ("error", "backward"):
        raw += _gradient_candidates(trace, name)
    elif tv.identity.kind == "out" and _same_neuron(tv, "net").name in trace:
        net = _same_neuron(tv, "net").name
        raw.append(("no_activation", trace.value(net)))
        if tv.formula == f"1/(1 + e^−{net})":  # the sigmoid: σ(+net) = 1 − σ(−net)
            raw.append(("exp_sign", 1.0 - tv.value))
    elif tv.identity.kind == "net":
        biases = [p for p in tv.inputs if _kind(trace, p) == "bias"]
        if biases:
            raw.append(("no_bias", tv.value - sum(trace.value(b) for b in biases)))
    if tv.phase == "backward" and tv.identity.kind == "slope" and len(tv.inputs) == 1:
        net = _same_neuron(tv, "net").name
        if net in trace and tv.template in (SIGMOID_SLOPE, TANH_SLOPE):
            x = trace.value(net)
            sigmoid = tv.template == SIGMOID_SLOPE
            raw.append(("slope_of_net", x * (1.0 - x) if sigmoid else 1.0 - x * x))
        other = _other_sigmoid_slope(trace, name)
        if other is not None:
            raw.append(other)
    raw += output_candidates(trace, name)
    if variant is not None and name in variant and _same_network(trace, variant):
        raw.append(("updated_weights", variant.value(name)))
    seen: list[Mistake] = []
    for kind, wrong in raw:
        differs = abs(wrong - tv.value) > 1e-12 * max(1.0, abs(tv.value))
        if differs and all((m.kind, m.value) != (kind, wrong) for m in seen):
            seen.append(Mistake(kind, wrong, HINTS.get(kind) or OUTPUT_HINTS[kind]))
    return seen


def diagnose(
    trace: Trace, name: str, answer: float, tolerance: float, variant: Trace | None = None
) -> Mistake | None:
    """The usual mistake whose value `answer` is, within the step's `tolerance` (closest first).

    None when no mistake's value is that close: a hint then must not guess at a cause.
    """
    return closest(candidates(trace, name, variant), answer, tolerance)


def closest(mistakes, answer: float, tolerance: float) -> Mistake | None:
    """The mistake among `mistakes` whose value `answer` is within `tolerance` (closest first).

    When slips of different kinds give the same number (with η = 0.5, forgetting η and
    dropping the ½ both give w − ∂E/∂w), the answer cannot tell which was made: the hint names
    each of them rather than claim one.
    """
    found = sorted(
        (m for m in mistakes if abs(answer - m.value) <= tolerance * (1 + 1e-9) + 1e-15),
        key=lambda m: abs(answer - m.value),
    )
    if not found:
        return None
    best = found[0]
    # one hint per kind of slip whose number is the best one's (to the step's tolerance)
    alike = {m.kind: m.hint for m in found if abs(m.value - best.value) <= tolerance}
    if len(alike) == 1:
        return best
    hints = " Or: ".join(dict.fromkeys(alike.values()))
    return Mistake(" or ".join(alike), best.value, f"{len(alike)} slips give this number. {hints}")
