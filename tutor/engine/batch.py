"""One gradient-descent step over a batch, every sample's values traced under indexed names.

Sample s (0-based, the row of the batch) has its values under the one-sample names with
`[s]` appended: `i1[3]`, `net_h1[3]`, `E_total[3]`, `delta_o1[3]`, `dE_total/dw5[3]`; the
weights, biases and `eta` are shared and keep their names. Each sample's values are those of
the one-sample traced step (`traced_step`) on that row, with the loss of that row alone.
Then the batch: `E_total` and every `dE_total/dw` are the sum of the per-sample ones, or
their mean (`reduction`), and the update `w+ = w − eta·dE_total/dw`.

The batch gradient's value is the engine's own (the matrix product δᵀ·a of its fast
batch step, which adds the same per-sample terms in BLAS's order): the traced step then
updates the network bit for bit like `Network.gradients` + `apply_update`, and the sum
shown agrees with it to the last digit or two (tests bound the difference).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tutor.engine.losses import Loss
from tutor.engine.naming import bias_names, layer_label, weight_names
from tutor.engine.network import Network
from tutor.engine.trace import Trace, TraceValue
from tutor.engine.traced import add_update, traced_step
from tutor.engine.value_id import ValueId


def sample_name(name: str, sample: int) -> str:
    """The name of a per-sample value: `net_h1` of sample 3 is `net_h1[3]`."""
    return f"{name}[{sample}]"


def parameter_names(net: Network) -> list[list[str]]:
    """Per weight layer, the names of its weights (neuron by neuron) then of its biases."""
    sizes = net.sizes
    weights = weight_names(sizes)
    names = []
    for k, layer in enumerate(net.layers):
        own = [weights[k][i][j] for j in range(layer.fan_out) for i in range(layer.fan_in)]
        own += bias_names(sizes, layer.bias_mode)[k]
        names.append(own)
    return names


def traced_batch_step(
    net: Network,
    X,
    T,
    loss: Loss,
    learning_rate: float,
    title: str = "one training step on a batch",
    sample: int | None = None,
    backprop_weights: str = "original",
) -> tuple[Trace, Network]:
    """Trace one full-batch step on the rows of X, T; `sample` keeps only that sample's values.

    Returns the trace and the updated network (a copy). With `sample`, the trace holds that
    sample's forward, error and backward values and no batch total or update (they need
    every sample); the network returned is still the one after the batch step.
    """
    X, T = np.atleast_2d(np.asarray(X, dtype=float)), np.atleast_2d(np.asarray(T, dtype=float))
    n = X.shape[0]
    if backprop_weights != "original":
        raise ValueError("a variant backpropagating through updated weights is for one sample")
    if sample is not None and not 0 <= sample < n:
        raise ValueError(f"sample {sample} is not in the batch: expected 0 to {n - 1}")
    value, grads = net.gradients(X, T, loss)
    shared = {name for layer in parameter_names(net) for name in layer} | {"eta"}
    trace = Trace(title)
    for s in range(n) if sample is None else [sample]:
        one, _ = traced_step(net, X[s], T[s], loss, learning_rate, title=title)
        if not trace.meta:
            trace.meta = dict(one.meta)
        _add_sample(trace, one, s, shared)
    trace.meta.update({"samples": n, "reduction": loss.reduction})
    updated = net.copy()
    for layer, dW, db in zip(updated.layers, grads.dW, grads.db):
        layer.W -= learning_rate * dW
        if layer.train_bias and layer.bias_mode != "none":
            layer.b -= learning_rate * db
    if sample is not None:
        trace.meta["sample"] = sample
        return trace, updated
    _add_batch(trace, net, grads, n, loss.reduction)
    return trace, updated


def _add_sample(trace: Trace, one: Trace, s: int, shared: set[str]) -> None:
    """Sample s's values of the one-sample trace, renamed; shared givens once, no update."""

    def rename(name: str) -> str:
        return name if name in shared else sample_name(name, s)

    for v in one:
        if v.phase == "update" or (v.name in shared and v.name in trace):
            continue
        trace.add(
            v.identity if v.name in shared else v.identity.with_sample(s),
            v.phase,
            v.template,
            [rename(i) for i in v.inputs],
            v.value,
            v.description + ("" if v.name in shared else f" (sample {s})"),
            v.layer,
            v.step,
        )


def _reduced(names: list[str], reduction: str) -> str:
    """'{0} + {1} + {2}' or '({0} + {1} + {2})/3' for the reduction over the batch."""
    total = " + ".join(f"{{{k}}}" for k in range(len(names)))
    return total if reduction == "sum" else f"({total})/{len(names)}"


def _add_batch(trace: Trace, net: Network, grads, n: int, reduction: str) -> None:
    """E_total and the batch gradients from the per-sample ones, then the update."""
    how = "sum" if reduction == "sum" else "mean"
    n_layers = len(net.layers)
    errors = [sample_name("E_total", s) for s in range(n)]
    per_sample = [trace.value(e) for e in errors]
    total = sum(per_sample) if reduction == "sum" else sum(per_sample) / n
    trace.add(
        ValueId("total_error", n_layers),
        "error",
        _reduced(errors, reduction),
        errors,
        total,
        f"total error: the {how} of the {n} samples' errors",
        "output",
    )
    names = parameter_names(net)
    for k in range(n_layers - 1, -1, -1):
        layer = net.layers[k]
        label = layer_label(k, n_layers)
        values = [grads.dW[k][i, j] for j in range(layer.fan_out) for i in range(layer.fan_in)]
        values += list(grads.db[k])
        for name, value in zip(names[k], values):
            parts = [sample_name(f"dE_total/d{name}", s) for s in range(n)]
            trace.add(
                ValueId("gradient", k + 1, parameter=name),
                "backward",
                _reduced(parts, reduction),
                parts,
                float(value),
                f"batch gradient: the {how} of the samples' gradients (the engine's δᵀ·a)",
                label,
            )
    for k in range(n_layers - 1, -1, -1):
        layer = net.layers[k]
        label = layer_label(k, n_layers)
        own = names[k] if layer.train_bias else names[k][: layer.W.size]
        for name in own:
            add_update(trace, name, k + 1, label)


def sample_view(trace: Trace, sample: int, batch_first: bool = False) -> Trace:
    """The trace as one sample sees it: sample `sample`'s values under their one-sample names.

    Shared values (weights, eta) and the batch's values (E_total, dE_total/dw5, w5+) stay;
    where a sample's value and the batch's share a name (E_total, dE_total/dw5) the sample's
    wins, or the batch's with `batch_first`. Other samples' values are left out.
    """
    own: dict[str, TraceValue] = {}
    batch: dict[str, TraceValue] = {}
    for v in trace:
        if v.identity.sample is None:
            batch[v.name] = v
        elif v.identity.sample == sample:
            identity = v.identity.with_sample(None)
            inputs = tuple(trace[i].identity.with_sample(None).name for i in v.inputs)
            own[identity.name] = replace(v, name=identity.name, inputs=inputs, identity=identity)
    merged = {**own, **batch} if batch_first else {**batch, **own}
    view = Trace(trace.title, meta={**trace.meta, "sample": sample})
    view.values = list(merged.values())
    return view
