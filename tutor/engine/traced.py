"""One training step on one sample, every intermediate value recorded in a Trace.

This is the teaching path: scalar arithmetic, written the way the lesson
writes it (net_h1 = w1·i1 + w2·i2 + b1·1), so the numbers substituted into a
formula give exactly the result shown. The fast path (`Network.backward`)
computes the same numbers with matrices; tests check the two agree.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tutor.engine.losses import Loss
from tutor.engine.naming import layer_label, neuron_names, target_names, weight_names
from tutor.engine.network import Network
from tutor.engine.trace import Trace
from tutor.engine.value_id import ValueId

# Which weights the hidden-layer backward pass multiplies by.
BACKPROP_WEIGHTS = ("original", "updated")


def _bias_names(net: Network, neurons: list[list[str]]) -> list[list[str]]:
    names: list[list[str]] = []
    for k, layer in enumerate(net.layers):
        if layer.bias_mode == "none":
            names.append([])
        elif layer.bias_mode == "layer":
            names.append([f"b{k + 1}"])
        else:
            names.append([f"b_{n}" for n in neurons[k + 1]])
    return names


# A NamedTuple, not a dataclass: created in a tenth of the time at every start-up.
class _Names(NamedTuple):
    """The lesson's names of one network's values: neurons, weights, biases, targets."""

    neurons: list[list[str]]  # per layer, inputs first: ['i1', 'i2'], ['h1', 'h2'], ...
    weights: list[list[list[str]]]  # weights[k][i][j]: from neuron i of layer k to j above
    biases: list[list[str]]  # per layer: ['b1'] shared, ['b_h1', ...] per neuron, [] none
    targets: list[str]

    def bias_of(self, net: Network, k: int, j: int) -> str | None:
        """The bias added to neuron j of layer k (None when the layer has none)."""
        if not self.biases[k]:
            return None
        return self.biases[k][0] if net.layers[k].bias_mode == "layer" else self.biases[k][j]


def traced_step(
    net: Network,
    x,
    target,
    loss: Loss,
    learning_rate: float,
    backprop_weights: str = "original",
    title: str = "one training step",
) -> tuple[Trace, Network]:
    """Trace one gradient-descent step on the single sample (x, target).

    Returns the trace and the updated network (a copy; `net` is unchanged).
    `backprop_weights="updated"` is a labelled variant: the hidden layers'
    backward pass multiplies by the already-updated weights of the layer above
    (a common slip; it is what produces the slides' 0.291027924).
    """
    if backprop_weights not in BACKPROP_WEIGHTS:
        raise ValueError(f"backprop_weights must be one of {BACKPROP_WEIGHTS}")
    x = [float(v) for v in np.asarray(x, dtype=float).reshape(-1)]
    target = [float(v) for v in np.asarray(target, dtype=float).reshape(-1)]
    sizes = net.sizes
    if len(x) != sizes[0] or len(target) != sizes[-1]:
        raise ValueError(
            f"the network takes {sizes[0]} inputs and gives {sizes[-1]} outputs; "
            f"got {len(x)} inputs and {len(target)} targets"
        )
    neurons = neuron_names(sizes)
    names = _Names(neurons, weight_names(sizes), _bias_names(net, neurons), target_names(sizes))
    trace = Trace(
        title,
        meta={
            "sizes": sizes,
            "activations": [layer.activation.name for layer in net.layers],
            "loss": loss.name,
            "learning_rate": learning_rate,
            "backprop_weights": backprop_weights,
        },
    )
    _trace_given(trace, net, x, target, learning_rate, names)
    outs = _trace_forward(trace, net, names)
    grad_out = _trace_error(trace, loss, names)

    # -- backward (and, for the 'updated' variant, each layer's update at once) ----
    deferred_updates: list[int] = []
    fused_softmax_ce = net.layers[-1].activation.name == loss.fuses_with
    for k in range(len(net.layers) - 1, -1, -1):
        fused = fused_softmax_ce and k == len(net.layers) - 1
        dout_names = _trace_dout(trace, net, k, names, grad_out, backprop_weights, fused)
        _trace_deltas(trace, net, k, names, dout_names, fused)
        _trace_weight_gradients(trace, net, k, names, outs, dout_names, fused)
        _trace_bias_gradients(trace, net, k, names)
        if backprop_weights == "updated":
            _trace_update(trace, net, k, names.weights, names.biases)
        else:
            deferred_updates.append(k)

    # -- update -------------------------------------------------------------------
    for k in deferred_updates:
        _trace_update(trace, net, k, names.weights, names.biases)
    return trace, _updated_network(trace, net, names)


def _trace_given(
    trace: Trace,
    net: Network,
    x: list[float],
    target: list[float],
    learning_rate: float,
    names: _Names,
) -> None:
    """The given values: inputs, targets, weights, biases and η."""
    add, neurons, last = trace.add, names.neurons, len(net.layers)
    for name, v in zip(neurons[0], x):
        add(ValueId("input", 0, neuron=name), "given", f"{v!r}", [], v, "input")
    for neuron, v in zip(neurons[-1], target):
        add(ValueId("target", last, neuron=neuron), "given", f"{v!r}", [], v, "target")
    for k, layer in enumerate(net.layers):
        for j in range(layer.fan_out):
            for i in range(layer.fan_in):
                weight = float(layer.W[i, j])
                add(
                    ValueId("weight", k + 1, parameter=names.weights[k][i][j]),
                    "given",
                    f"{weight!r}",
                    [],
                    weight,
                    f"weight {neurons[k][i]} → {neurons[k + 1][j]}",
                )
        for name, b in zip(names.biases[k], layer.b):
            frozen = "" if layer.train_bias else " (not updated)"
            bias = ValueId("bias", k + 1, parameter=name)
            add(bias, "given", f"{float(b)!r}", [], float(b), f"bias{frozen}")
    add(ValueId("eta"), "given", f"{learning_rate!r}", [], learning_rate, "learning rate η")


def _trace_forward(trace: Trace, net: Network, names: _Names) -> list[list[str]]:
    """net and out of every neuron, layer by layer; returns each layer's output names."""
    add, neurons, weights = trace.add, names.neurons, names.weights
    n_layers = len(net.layers)
    outs = [list(neurons[0])]  # names of each layer's outputs (inputs for layer 0)
    for k, layer in enumerate(net.layers):
        label = layer_label(k, n_layers)
        net_names = []
        for j, neuron in enumerate(neurons[k + 1]):
            terms: list[str] = []
            inputs: list[str] = []
            value = 0.0
            for i, source in enumerate(outs[k]):
                terms.append(f"{{{len(inputs)}}}·{{{len(inputs) + 1}}}")
                inputs += [weights[k][i][j], source]
                value += trace.value(weights[k][i][j]) * trace.value(source)
            b = names.bias_of(net, k, j)
            if b is not None:
                terms.append(f"{{{len(inputs)}}}·1")
                inputs.append(b)
                value += trace.value(b) * 1.0
            add(
                ValueId("net", k + 1, neuron=neuron),
                "forward",
                " + ".join(terms),
                inputs,
                value,
                f"net input of {neuron}",
                label,
            )
            net_names.append(f"net_{neuron}")
        act = layer.activation
        net_values = np.array([trace.value(n) for n in net_names])
        out_values = act.forward(net_values[None, :])[0]
        for j, neuron in enumerate(neurons[k + 1]):
            template, inputs = act.traced_output(net_names, j)
            add(
                ValueId("out", k + 1, neuron=neuron),
                "forward",
                template,
                inputs,
                float(out_values[j]),
                f"output of {neuron} ({act.name})",
                label,
            )
        outs.append([f"out_{n}" for n in neurons[k + 1]])
    return outs


# dE_total/dout_j of an output neuron: (template, inputs, value), traced in the backward pass.
_OutputGradient = tuple[str, list[str], float]


def _trace_error(trace: Trace, loss: Loss, names: _Names) -> list[_OutputGradient]:
    """E per output and E_total; returns each output's dE_total/dout for the backward pass."""
    add, neurons, targets = trace.add, names.neurons, names.targets
    last = len(neurons) - 1
    n_out = len(neurons[-1])
    e_template, g_template = loss.traced_terms(n_out)
    grad_out = []
    for j, neuron in enumerate(neurons[-1]):
        t, o = targets[j], f"out_{neuron}"
        e_value, g_value = loss.traced_values(trace.value(t), trace.value(o), n_out)
        error = ValueId("error", last, neuron=neuron)
        add(error, "error", e_template, [t, o], e_value, f"error at {neuron}", "output")
        grad_out.append((g_template, [t, o], g_value))
    e_names = [f"E_{n}" for n in neurons[-1]]
    add(
        ValueId("total_error", last),
        "error",
        " + ".join(f"{{{k}}}" for k in range(n_out)),
        e_names,
        sum(trace.value(n) for n in e_names),
        "total error",
        "output",
    )
    return grad_out


def _trace_dout(
    trace: Trace,
    net: Network,
    k: int,
    names: _Names,
    grad_out: list[_OutputGradient],
    backprop_weights: str,
    fused: bool,
) -> list[str]:
    """dE_total/dout_j for each neuron j of layer k; returns their names."""
    add, neurons, weights = trace.add, names.neurons, names.weights
    n_layers = len(net.layers)
    label = layer_label(k, n_layers)
    is_output = k == n_layers - 1
    dout_names = []  # name of dE_total/dout_j for each neuron j of this layer
    for j, neuron in enumerate(neurons[k + 1]):
        if is_output:
            template, inputs, value = grad_out[j]
            if not fused:
                add(
                    ValueId("dout", k + 1, neuron=neuron),
                    "backward",
                    template,
                    inputs,
                    value,
                    f"how the total error changes with out_{neuron}",
                    label,
                )
            dout_names.append(f"dE_total/dout_{neuron}")
        else:
            parts = []
            for m, upper in enumerate(neurons[k + 2]):
                w_name = weights[k + 1][j][m]
                if backprop_weights == "updated":
                    w_name += "+"
                part = f"dE_{upper}/dout_{neuron}"
                add(
                    ValueId("part", k + 1, neuron=neuron, via=upper),
                    "backward",
                    "{0}·{1}",
                    [f"delta_{upper}", w_name],
                    trace.value(f"delta_{upper}") * trace.value(w_name),
                    f"error reaching {neuron} through {upper}",
                    label,
                )
                parts.append(part)
            add(
                ValueId("dout", k + 1, neuron=neuron),
                "backward",
                " + ".join(f"{{{m}}}" for m in range(len(parts))),
                parts,
                sum(trace.value(p) for p in parts),
                f"total error reaching {neuron}",
                label,
            )
            dout_names.append(f"dE_total/dout_{neuron}")
    return dout_names


def _trace_deltas(
    trace: Trace, net: Network, k: int, names: _Names, dout_names: list[str], fused: bool
) -> None:
    """delta_j = dE_total/dnet_j for each neuron j of layer k."""
    add, neurons = trace.add, names.neurons
    label = layer_label(k, len(net.layers))
    act = net.layers[k].activation
    if fused:
        for j, neuron in enumerate(neurons[-1]):
            o, t = f"out_{neuron}", names.targets[j]
            add(
                ValueId("delta", k + 1, neuron=neuron),
                "backward",
                "{0} − {1}",
                [o, t],
                trace.value(o) - trace.value(t),
                "softmax + cross-entropy: dE_total/dnet = out − target",
                label,
            )
    elif act.elementwise:
        for j, neuron in enumerate(neurons[k + 1]):
            template, inputs = act.traced_slope(f"net_{neuron}", f"out_{neuron}")
            deriv = float(
                act.slope(
                    np.array([trace.value(f"net_{neuron}")]),
                    np.array([trace.value(f"out_{neuron}")]),
                )[0]
            )
            add(
                ValueId("slope", k + 1, neuron=neuron),
                "backward",
                template,
                inputs,
                deriv,
                _slope_words(act, neuron),
                label,
            )
            add(
                ValueId("delta", k + 1, neuron=neuron),
                "backward",
                "{0}·{1}",
                [dout_names[j], f"dout_{neuron}/dnet_{neuron}"],
                trace.value(dout_names[j]) * deriv,
                f"dE_total/dnet_{neuron}",
                label,
            )
    else:  # softmax with a loss other than cross-entropy: the full Jacobian
        outs_k = [f"out_{n}" for n in neurons[k + 1]]
        _trace_softmax_deltas(trace, k + 1, outs_k, neurons[k + 1], dout_names, label)


def _trace_softmax_deltas(
    trace: Trace,
    layer: int,
    outs_k: list[str],
    neurons_k: list[str],
    dout_names: list[str],
    label: str,
) -> None:
    """delta_j through softmax's full Jacobian: s_j·(g_j − Σ g_m·s_m)."""
    for j, neuron in enumerate(neurons_k):
        inner = " + ".join(f"{{{2 + 2 * m}}}·{{{3 + 2 * m}}}" for m in range(len(outs_k)))
        inputs = [outs_k[j], dout_names[j]]
        for m in range(len(outs_k)):
            inputs += [dout_names[m], outs_k[m]]
        value = trace.value(outs_k[j]) * (
            trace.value(dout_names[j])
            - sum(
                trace.value(dout_names[m]) * trace.value(outs_k[m])
                for m in range(len(outs_k))
            )
        )
        trace.add(
            ValueId("delta", layer, neuron=neuron),
            "backward",
            f"{{0}}·({{1}} − ({inner}))",
            inputs,
            value,
            "softmax Jacobian: s_j·(g_j − Σ g_m·s_m)",
            label,
        )


def _trace_weight_gradients(
    trace: Trace,
    net: Network,
    k: int,
    names: _Names,
    outs: list[list[str]],
    dout_names: list[str],
    fused: bool,
) -> None:
    """dnet_j/dw and dE_total/dw for every weight into layer k."""
    add = trace.add
    label = layer_label(k, len(net.layers))
    act = net.layers[k].activation
    for j, neuron in enumerate(names.neurons[k + 1]):
        for i, source in enumerate(outs[k]):
            w = names.weights[k][i][j]
            add(
                ValueId("dnet", k + 1, neuron=neuron, parameter=w),
                "backward",
                "{0}",
                [source],
                trace.value(source),
                f"net_{neuron} changes with {w} by {source}",
                label,
            )
            if fused or not act.elementwise:
                inputs = [f"delta_{neuron}", f"dnet_{neuron}/d{w}"]
                template = "{0}·{1}"
            else:
                inputs = [dout_names[j], f"dout_{neuron}/dnet_{neuron}", f"dnet_{neuron}/d{w}"]
                template = "{0}·{1}·{2}"
            value = 1.0
            for name in inputs:
                value *= trace.value(name)
            add(
                ValueId("gradient", k + 1, parameter=w),
                "backward",
                template,
                inputs,
                value,
                f"gradient of the total error with respect to {w}",
                label,
            )


def _trace_bias_gradients(trace: Trace, net: Network, k: int, names: _Names) -> None:
    """dE_total/db for every bias of layer k: its neurons' deltas (all of them when shared)."""
    layer = net.layers[k]
    label = layer_label(k, len(net.layers))
    neurons = names.neurons[k + 1]
    for j, b in enumerate(names.biases[k]):
        if layer.bias_mode == "layer":
            deltas = [f"delta_{n}" for n in neurons]
        else:  # one bias per neuron, in the neurons' order
            deltas = [f"delta_{neurons[j]}"]
        trace.add(
            ValueId("gradient", k + 1, parameter=b),
            "backward",
            " + ".join(f"{{{m}}}" for m in range(len(deltas))),
            deltas,
            sum(trace.value(d) for d in deltas),
            f"gradient with respect to {b}" + ("" if layer.train_bias else " (bias frozen)"),
            label,
        )


def _updated_network(trace: Trace, net: Network, names: _Names) -> Network:
    """A copy of `net` holding the traced updated values (w+, b+)."""
    updated = net.copy()
    for k, layer in enumerate(updated.layers):
        for i in range(layer.fan_in):
            for j in range(layer.fan_out):
                layer.W[i, j] = trace.value(f"{names.weights[k][i][j]}+")
        if layer.train_bias:
            for m, b in enumerate(names.biases[k]):
                layer.b[m] = trace.value(f"{b}+")
    return updated


def _trace_update(trace: Trace, net: Network, k: int, weights, biases) -> None:
    layer = net.layers[k]
    label = layer_label(k, len(net.layers))
    names = [weights[k][i][j] for j in range(layer.fan_out) for i in range(layer.fan_in)]
    for name in names + (list(biases[k]) if layer.train_bias else []):
        add_update(trace, name, k + 1, label)


def add_update(trace: Trace, name: str, layer: int, label: str) -> None:
    """`name+ = name − η·dE_total/dname`: one parameter's gradient-descent step, traced."""
    trace.add(
        ValueId("updated", layer, parameter=name),
        "update",
        "{0} − {1}·{2}",
        [name, "eta", f"dE_total/d{name}"],
        trace.value(name) - trace.value("eta") * trace.value(f"dE_total/d{name}"),
        f"{name} after the step",
        label,
    )


def _slope_words(act, neuron: str) -> str:
    """The slope's description, in words a learner reads (not an internal activation name)."""
    if act.family and act.name != act.family and "(" not in act.name:  # seed 001's slip
        return f"slope as seed 001's notebook computes it: σ′ of out_{neuron}, not of net_{neuron}"
    return f"slope of {act.name} at net_{neuron}"
