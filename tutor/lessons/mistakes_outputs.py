"""Usual wrong answers at a log-loss output and over a batch, recomputed from the trace.

The companions of `tutor.lessons.mistakes` for the networks of lessons 6 and 7 (sigmoid +
binary cross-entropy, softmax + cross-entropy, a loss summed or averaged over a batch):

- `slope_again`: at a cross-entropy output δ = out − target already has the activation's slope
  cancelled; multiplying by out·(1 − out) once more gives (out − target)·out·(1 − out).
- `sign` (the kind of `mistakes`): target − out for an output δ written as out − target.
- `softmax_axis`: a softmax output normalised over the samples of the batch (e^net_o1[s] over
  Σ_s' e^net_o1[s']) instead of over the outputs of its own sample.
- `mean_for_sum` / `sum_for_mean`: a batch value (E_total, dE_total/dw) averaged where the
  loss sums over the samples, or summed where it averages.
- `step_only`: the update written as w+ = η·∂E/∂w, the weight itself left out.

Every value comes from the trace's own numbers and its meta (`loss`, `activations`,
`samples`, `reduction`); nothing is evaluated.
"""

from __future__ import annotations

import math
from dataclasses import replace

from tutor.engine.trace import Trace

OUTPUT_HINTS = {
    "slope_again": (
        "With cross-entropy the output's slope is already cancelled: δ = out − target. "
        "Don't multiply by out·(1 − out) again."
    ),
    "softmax_axis": (
        "Softmax normalises over the outputs of one sample (o1, o2 of the same row), "
        "not over the samples of the batch."
    ),
    "mean_for_sum": "This loss is the sum over the samples: add their values, don't average them.",
    "sum_for_mean": "This loss is the mean over the samples: divide their sum by their number.",
    "step_only": "Start from the weight itself: w+ = w − η·∂E/∂w, not η·∂E/∂w alone.",
}

LOG_LOSSES = ("bce", "cross_entropy")


def _is_output(trace: Trace, name: str, kind: str) -> bool:
    """Whether `name` is a value of kind `kind` of an output neuron."""
    identity = trace[name].identity
    return identity.kind == kind and identity.layer == len(trace.meta.get("sizes", [])) - 1


def _output_delta(trace: Trace, name: str) -> list[tuple[str, float]]:
    """slope_again and sign for δ of an output after a log-loss."""
    meta = trace.meta
    if not _is_output(trace, name, "delta") or meta.get("loss") not in LOG_LOSSES:
        return []
    if (meta.get("activations") or [""])[-1] not in ("sigmoid", "softmax"):
        return []
    out_name = replace(trace[name].identity, kind="out").name
    if out_name not in trace:
        return []
    value, out = trace.value(name), trace.value(out_name)
    return [("slope_again", value * out * (1.0 - out)), ("sign", -value)]


def _softmax_axis(trace: Trace, name: str) -> list[tuple[str, float]]:
    """A softmax output normalised over the batch's samples instead of the sample's outputs."""
    meta = trace.meta
    n = meta.get("samples", 0)
    net = replace(trace[name].identity, kind="net")
    if not (_is_output(trace, name, "out") and net.sample is not None and n > 1):
        return []
    if (meta.get("activations") or [""])[-1] != "softmax":
        return []
    nets = [net.with_sample(s).name for s in range(n)]
    if not all(net in trace for net in nets):
        return []
    values = [trace.value(net) for net in nets]
    top = max(values)
    own = trace.value(net.name)
    return [("softmax_axis", math.exp(own - top) / sum(math.exp(v - top) for v in values))]


def _reduction(trace: Trace, name: str) -> list[tuple[str, float]]:
    """A batch value (no sample index) reduced the other way: mean for sum, sum for mean."""
    tv = trace[name]
    n = len(tv.inputs)
    per_sample = [trace[p].identity for p in tv.inputs]
    if tv.identity.sample is not None or n < 2 or per_sample != _samples_of(tv.identity, n):
        return []
    if trace.meta.get("reduction") == "sum":
        return [("mean_for_sum", tv.value / n)]
    return [("sum_for_mean", tv.value * n)]


def _samples_of(identity, n: int) -> list:
    """The identities of `identity`'s value in samples 0 … n − 1 of the batch."""
    return [identity.with_sample(s) for s in range(n)]


def output_candidates(trace: Trace, name: str) -> list[tuple[str, float]]:
    """(kind, wrong value) for `name`: the mistakes of this module that apply to it."""
    tv = trace[name]
    if tv.phase == "update" and len(tv.inputs) == 3:
        w, eta, grad = (trace.value(n) for n in tv.inputs)
        found = [("step_only", eta * grad)]
        return found + [(k, w - eta * g) for k, g in _reduction(trace, tv.inputs[2])]
    if tv.phase == "backward":
        return _output_delta(trace, name) + _reduction(trace, name)
    if tv.phase == "error":
        return _reduction(trace, name)
    if tv.phase == "forward":
        return _softmax_axis(trace, name)
    return []
