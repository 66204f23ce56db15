"""The computational graph of one training step: every operation with its value and ∂E/∂node.

Where the trace writes a step neuron by neuron (net_h1, out_h1, delta_h1), the
graph writes it operation by operation, micrograd's way: × for each weight times
its input, + for a net input, the activation, − and ² (or the loss) for each
output's error, Σ for E_total; softmax followed by cross-entropy is one fused
node, as the trace fuses them (δ = out − t). Values and gradients are computed
here by the graph's own forward and reverse passes (each node's local
derivative beside its value), not copied from the trace; each node names the
trace value it stands for (`forward_name`) and the trace's chain-rule name of
its gradient (`grad_name`, e.g. `dE_total/dout_h1`), so a test can compare them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tutor.engine.losses import EPS, Loss
from tutor.engine.naming import neuron_names, target_names, weight_names
from tutor.engine.network import Network
from tutor.errors import TutorError

# A graph above this many nodes is refused: nobody reads it, and DOT renders it as a blur.
MAX_NODES = 2000

LEAF_OPS = ("input", "target", "weight", "bias")


class GraphTooLarge(TutorError, ValueError):
    """The network's graph has more nodes than MAX_NODES."""


@dataclass
class GraphNode:
    """One operation (or leaf): its inputs with ∂node/∂input, its value and ∂E_total/∂node."""

    id: str
    op: str  # input, target, weight, bias, ×, +, an activation name, −, ², Σ, a loss name
    inputs: list[str] = field(default_factory=list)
    local: list[float] = field(default_factory=list)  # ∂self/∂inputs[k]: the chain-rule factor
    value: float = 0.0
    grad: float = 0.0
    forward_name: str = ""  # the trace's name of this node's value, if it has one
    grad_name: str = ""  # the trace's name of ∂E_total/∂(this node), if it has one
    layer: int = 0  # 0: inputs; k: weight layer k; len(layers) + 1: the error
    formula: str = ""  # how to read the operation when the op alone does not say it

    @property
    def is_leaf(self) -> bool:
        return self.op in LEAF_OPS


@dataclass
class Graph:
    """The nodes in forward (topological) order; `by_id` finds one."""

    title: str
    nodes: list[GraphNode]

    def __post_init__(self) -> None:
        self.by_id = {n.id: n for n in self.nodes}

    def __getitem__(self, node_id: str) -> GraphNode:
        return self.by_id[node_id]

    def consumers(self, node_id: str) -> list[tuple[GraphNode, float]]:
        """The nodes that use `node_id`, each with its ∂consumer/∂node."""
        found = []
        for node in self.nodes:
            for source, d in zip(node.inputs, node.local):
                if source == node_id:
                    found.append((node, d))
        return found

    def backward_order(self) -> list[GraphNode]:
        """Nodes from E_total back to the leaves: the order gradients flow in."""
        return list(reversed(self.nodes))


def graph_size(sizes: list[int]) -> int:
    """How many nodes the graph of a network of `sizes` has (at most; bounds checks use it)."""
    leaves = sizes[0] + sizes[-1]
    ops = 0
    for k in range(1, len(sizes)):
        leaves += sizes[k - 1] * sizes[k] + sizes[k]  # weights, biases (at most one per neuron)
        ops += sizes[k - 1] * sizes[k] + 2 * sizes[k]  # ×, +, activation
    return leaves + ops + 2 * sizes[-1] + 1  # −, ² per output; Σ


def _bias_name(net: Network, k: int, j: int, neuron: str) -> str | None:
    mode = net.layers[k].bias_mode
    if mode == "none":
        return None
    return f"b{k + 1}" if mode == "layer" else f"b_{neuron}"


def build_graph(
    net: Network, x, target, loss: Loss, title: str = "one training step", trace=None
) -> Graph:
    """The graph of E_total for one sample, values forward and gradients backward.

    With `trace` (the traced step of the same network and sample), a node's
    `forward_name`/`grad_name` is kept only when the trace has that name.
    """
    sizes = net.sizes
    if graph_size(sizes) > MAX_NODES:
        raise GraphTooLarge(
            f"a {'-'.join(map(str, sizes))} network's graph has over {MAX_NODES} nodes "
            f"(the limit); trace it per neuron instead"
        )
    x = [float(v) for v in np.asarray(x, dtype=float).reshape(-1)]
    t = [float(v) for v in np.asarray(target, dtype=float).reshape(-1)]
    neurons, weights, targets = neuron_names(sizes), weight_names(sizes), target_names(sizes)
    nodes: list[GraphNode] = []
    value: dict[str, float] = {}

    def add(node: GraphNode) -> GraphNode:
        nodes.append(node)
        value[node.id] = node.value
        return node

    for name, v in zip(neurons[0], x):
        add(GraphNode(name, "input", value=v, forward_name=name))
    n_layers = len(net.layers)
    outs = list(neurons[0])  # node ids of the current layer's outputs
    for k, layer in enumerate(net.layers):
        nets = [
            _net_node(add, value, net, k, j, neuron, outs, weights[k])
            for j, neuron in enumerate(neurons[k + 1])
        ]
        is_output = k == n_layers - 1
        if is_output and layer.activation.name == "softmax" and loss.name == "cross_entropy":
            _fused_softmax_ce(add, value, nets, neurons[-1], targets, t, k + 1)
            return _finish(title, nodes, trace)
        _activation_nodes(add, value, layer.activation, k, nets, neurons[k + 1])
        outs = [f"out_{n}" for n in neurons[k + 1]]
    _error_nodes(add, value, outs, neurons[-1], targets, t, loss, n_layers + 1)
    return _finish(title, nodes, trace)


def _net_node(add, value, net: Network, k: int, j: int, neuron: str, outs, weights_k) -> str:
    """net_j of layer k: its weights (and bias) as leaves, each w·in product, their sum."""
    layer = net.layers[k]
    terms, locals_ = [], []
    for i, source in enumerate(outs):
        w = weights_k[i][j]
        if w not in value:
            add(
                GraphNode(
                    w,
                    "weight",
                    value=float(layer.W[i, j]),
                    forward_name=w,
                    grad_name=f"dE_total/d{w}",
                    layer=k + 1,
                )
            )
        product = add(
            GraphNode(
                f"{w}·{source}",
                "×",
                [w, source],
                [value[source], value[w]],
                value[w] * value[source],
                layer=k + 1,
            )
        )
        terms.append(product.id)
        locals_.append(1.0)
    b = _bias_name(net, k, j, neuron)
    if b is not None:
        if b not in value:
            index = 0 if layer.bias_mode == "layer" else j
            add(
                GraphNode(
                    b,
                    "bias",
                    value=float(layer.b[index]),
                    forward_name=b,
                    grad_name=f"dE_total/d{b}",
                    layer=k + 1,
                )
            )
        terms.append(b)
        locals_.append(1.0)
    total = 0.0
    for term in terms:  # in the trace's order: w·in terms, then the bias
        total += value[term]
    add(
        GraphNode(
            f"net_{neuron}",
            "+",
            terms,
            locals_,
            total,
            forward_name=f"net_{neuron}",
            grad_name=f"delta_{neuron}",
            layer=k + 1,
        )
    )
    return f"net_{neuron}"


def _activation_nodes(add, value, act, k: int, nets: list[str], neurons_k: list[str]) -> None:
    """out_j = f(net_j) for each neuron of layer k, with ∂out/∂net (softmax: every net)."""
    z = np.array([value[n] for n in nets])
    out = act.forward(z[None, :])[0]
    for j, neuron in enumerate(neurons_k):
        if act.elementwise:
            inputs = [nets[j]]
            local = [float(act.slope(z[j : j + 1], out[j : j + 1])[0])]
        else:  # softmax: out_j depends on every net of the layer, s_j(δ_jm − s_m)
            inputs = list(nets)
            local = [float(out[j] * ((m == j) - out[m])) for m in range(len(nets))]
        add(
            GraphNode(
                f"out_{neuron}",
                act.name,
                inputs,
                local,
                float(out[j]),
                forward_name=f"out_{neuron}",
                grad_name=f"dE_total/dout_{neuron}",
                layer=k + 1,
            )
        )


def _error_nodes(add, value, outs, neurons, targets, t, loss: Loss, level: int) -> None:
    """Per output: − and ² (squared errors) or the loss as one node; then Σ into E_total."""
    n_out = len(outs)
    errors = []
    for j, neuron in enumerate(neurons):
        add(GraphNode(targets[j], "target", value=t[j], forward_name=targets[j], layer=level))
        out = value[outs[j]]
        if loss.name in ("half_sse", "mse"):
            diff = add(
                GraphNode(
                    f"{targets[j]}−{outs[j]}",
                    "−",
                    [targets[j], outs[j]],
                    [1.0, -1.0],
                    t[j] - out,
                    layer=level,
                )
            )
            if loss.name == "half_sse":
                e, d, formula = 0.5 * diff.value**2, diff.value, f"½·({diff.id})²"
            else:
                e, d = diff.value**2 / n_out, 2.0 * diff.value / n_out
                formula = f"({diff.id})²/{n_out}"
            add(
                GraphNode(
                    f"E_{neuron}",
                    "²",
                    [diff.id],
                    [d],
                    e,
                    forward_name=f"E_{neuron}",
                    layer=level,
                    formula=formula,
                )
            )
        elif loss.name == "bce":
            p = min(max(out, EPS), 1.0 - EPS)
            e = -(t[j] * math.log(p) + (1.0 - t[j]) * math.log(1.0 - p))
            add(
                GraphNode(
                    f"E_{neuron}",
                    "bce",
                    [outs[j], targets[j]],
                    [(p - t[j]) / (p * (1.0 - p)), math.log(1.0 - p) - math.log(p)],
                    e,
                    forward_name=f"E_{neuron}",
                    layer=level,
                )
            )
        elif loss.name == "cross_entropy":
            p = max(out, EPS)
            add(
                GraphNode(
                    f"E_{neuron}",
                    "−t·ln",
                    [outs[j], targets[j]],
                    [-t[j] / p, -math.log(p)],
                    -t[j] * math.log(p),
                    forward_name=f"E_{neuron}",
                    layer=level,
                )
            )
        else:
            raise ValueError(f"no graph for the loss {loss.name!r}")
        errors.append(f"E_{neuron}")
    total = 0.0
    for e in errors:
        total += value[e]
    add(
        GraphNode("E_total", "Σ", errors, [1.0] * n_out, total, forward_name="E_total", layer=level)
    )


def _fused_softmax_ce(add, value, nets, neurons, targets, t, level: int) -> None:
    """softmax + cross-entropy as one node: E_total = −Σ t·ln softmax(net), ∂/∂net = out − t."""
    z = np.array([value[n] for n in nets])
    s = np.exp(z - z.max())
    s /= s.sum()
    for j in range(len(neurons)):
        add(GraphNode(targets[j], "target", value=t[j], forward_name=targets[j], layer=level))
    e = -sum(t[j] * math.log(max(float(s[j]), EPS)) for j in range(len(neurons)))
    local = [float(s[j]) - t[j] for j in range(len(neurons))]
    # ∂E/∂t_j = −ln s_j (targets are leaves; their gradient is shown but never used).
    local += [-math.log(max(float(s[j]), EPS)) for j in range(len(neurons))]
    add(
        GraphNode(
            "E_total",
            "softmax+CE",
            list(nets) + list(targets),
            local,
            e,
            forward_name="E_total",
            layer=level,
        )
    )


def _finish(title: str, nodes: list[GraphNode], trace) -> Graph:
    """Reverse pass (∂E_total/∂node, each node's gradient summed over its consumers); links."""
    graph = Graph(title, nodes)
    grads = {n.id: 0.0 for n in nodes}
    grads["E_total"] = 1.0
    for node in reversed(nodes):
        node.grad = grads[node.id]
        for source, d in zip(node.inputs, node.local):
            grads[source] += node.grad * d
    if trace is not None:
        for node in nodes:
            if node.forward_name not in trace:
                node.forward_name = ""
            if node.grad_name not in trace:
                node.grad_name = ""
    return graph


def graph_of_example(example, trace=None, sample: int | None = None) -> Graph:
    """The graph of a built-in example's or network file's training sample.

    A batch step is drawn for one sample (`sample`, default 0): its own error E_total[s],
    whose gradients the trace records under `[s]`-indexed names, which the graph links.
    """
    if not example.is_batch:
        return build_graph(
            example.network, example.x, example.target, example.loss, example.title, trace
        )
    from tutor.engine.batch import sample_view

    sample = 0 if sample is None else sample
    if not 0 <= sample < example.n_samples:
        raise ValueError(f"sample {sample}: the batch has samples 0 to {example.n_samples - 1}")
    own = sample_view(trace, sample) if trace is not None else None
    title = f"{example.title}: sample {sample} of the batch (its own E_total[{sample}])"
    graph = build_graph(
        example.network, example.x[sample], example.target[sample], example.loss, title, own
    )
    if trace is not None:
        # Link the batch trace's own names: this sample's dE_total/dw5[s], not the batch's.
        names = {v.name for v in trace}
        for node in graph.nodes:
            for attr in ("forward_name", "grad_name"):
                indexed = f"{getattr(node, attr)}[{sample}]"
                if getattr(node, attr) and indexed in names:
                    setattr(node, attr, indexed)
    return graph
