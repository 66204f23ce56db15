"""The computational graph: values and gradients against the trace and finite differences; DOT."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tutor.cli import main
from tutor.engine import dense, get_loss, traced_step
from tutor.engine.graph import MAX_NODES, GraphTooLarge, build_graph, graph_size
from tutor.engine.network import Network
from tutor.experiments.builtin_examples import get_example
from tutor.export.graphfmt import graph_dot, graph_text

REL = 1e-12  # the graph sums a shared bias's deltas in another order than the trace


def _net(sizes, activations, bias_mode, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for k, act in enumerate(activations):
        W = rng.normal(0, 0.8, (sizes[k], sizes[k + 1]))
        b = rng.normal(0, 0.5, sizes[k + 1])
        layers.append(dense(W, b, act, bias_mode=bias_mode))
    return Network(layers)


CASES = {
    "mazur": None,
    "tanh-relu-mse": ([2, 3, 2], ["tanh", "sigmoid"], "neuron", "mse"),
    "relu-bce": ([3, 2, 1], ["leaky_relu", "sigmoid"], "layer", "bce"),
    "softmax-ce (fused)": ([2, 3, 3], ["sigmoid", "softmax"], "neuron", "cross_entropy"),
    "softmax-sse (Jacobian)": ([2, 2, 3], ["tanh", "softmax"], "none", "half_sse"),
    "two hidden": ([2, 3, 2, 2], ["sigmoid", "tanh", "identity"], "neuron", "half_sse"),
}


def _case(name):
    if CASES[name] is None:
        ex = get_example("mazur")
        return ex.network, ex.x, ex.target, ex.loss
    sizes, acts, bias_mode, loss = CASES[name]
    net = _net(sizes, acts, bias_mode, seed=len(name))
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, sizes[0])
    t = np.eye(sizes[-1])[1] if "softmax" in acts[-1] else rng.uniform(0.1, 0.9, sizes[-1])
    return net, x, t, get_loss(loss)


def _close(a, b):
    return abs(a - b) <= REL * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("name", list(CASES))
def test_every_gradient_is_the_traces_value_of_its_name(name):
    net, x, t, loss = _case(name)
    trace, _ = traced_step(net, x, t, loss, 0.5)
    graph = build_graph(net, x, t, loss, trace=trace)
    linked = [n for n in graph.nodes if n.grad_name]
    assert len(linked) >= net.n_parameters  # every weight and bias at least
    for node in linked:
        assert _close(node.grad, trace.value(node.grad_name)), (node.id, node.grad_name)
    for node in graph.nodes:
        if node.forward_name:
            assert node.value == trace.value(node.forward_name), node.id
    assert graph["E_total"].value == trace.value("E_total")


@pytest.mark.parametrize("name", list(CASES))
def test_every_parameters_gradient_is_a_central_finite_difference(name):
    net, x, t, loss = _case(name)
    graph = build_graph(net, x, t, loss)
    h = 1e-6
    checked = 0
    for node in graph.nodes:
        if node.op not in ("weight", "bias"):
            continue
        k = node.layer - 1
        layer = net.layers[k]
        if node.op == "weight":
            w = int(node.id[1:])
            before = sum(lay.W.size for lay in net.layers[:k])
            j, i = divmod(w - 1 - before, layer.fan_in)
            array, index = layer.W, (i, j)
        else:
            array = layer.b
            index = (0,) if layer.bias_mode == "layer" else (int(node.id[-1]) - 1,)
        saved = array[index]
        array[index] = saved + h
        up = loss.value(net.forward(x), t)
        array[index] = saved - h
        down = loss.value(net.forward(x), t)
        array[index] = saved
        fd = (up - down) / (2 * h)
        assert abs(node.grad - fd) <= 1e-7 * max(1.0, abs(fd)), (node.id, node.grad, fd)
        checked += 1
    assert checked == net.n_parameters


def test_fused_softmax_cross_entropy_is_one_node_and_squares_appear_for_sse():
    net, x, t, loss = _case("softmax-ce (fused)")
    ops = [n.op for n in build_graph(net, x, t, loss).nodes]
    assert "softmax+CE" in ops and "softmax" not in ops and "²" not in ops
    net, x, t, loss = _case("mazur")
    ops = [n.op for n in build_graph(net, x, t, loss).nodes]
    assert {"×", "+", "sigmoid", "−", "²", "Σ"} <= set(ops)


def test_a_graph_too_large_is_refused_before_it_is_built():
    sizes = [784, 100, 10]
    assert graph_size(sizes) > MAX_NODES
    net = _net(sizes, ["sigmoid", "sigmoid"], "neuron", 0)
    with pytest.raises(GraphTooLarge, match="limit"):
        build_graph(net, np.zeros(784), np.zeros(10), get_loss("half_sse"))


# -- DOT: a small tokenizer and parser of the subset we write, as the DOT grammar defines it ----

_TOKEN = re.compile(
    r'\s*(?:("(?:[^"\\]|\\.)*")|(->|[{}\[\];=,])|([A-Za-z_][A-Za-z_0-9.]*|-?\d+(?:\.\d+)?))'
)


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m and m.end() > pos, f"bad DOT at {text[pos : pos + 40]!r}"
        tokens.append(m.group(0).strip())
        pos = m.end()
    return tokens


def parse_dot(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """digraph ID { stmt* } with node, edge and attribute statements; returns nodes and edges."""
    tokens = _tokens(text)
    pos = 0

    def take(expected=None):
        nonlocal pos
        token = tokens[pos]
        assert expected is None or token == expected, (pos, token, expected)
        pos += 1
        return token

    def is_id(token):
        return token not in ("{", "}", "[", "]", ";", "=", ",", "->")

    def attributes():
        take("[")
        while tokens[pos] != "]":
            assert is_id(take()) and take("=") and is_id(take())
            if tokens[pos] == ",":
                take(",")
        take("]")

    take("digraph")
    if is_id(tokens[pos]) and tokens[pos] != "{":
        take()
    take("{")
    nodes, edges = set(), []
    while tokens[pos] != "}":
        first = take()
        assert is_id(first)
        if tokens[pos] == "=":  # graph attribute
            take("=")
            assert is_id(take())
        elif tokens[pos] == "->":
            take("->")
            second = take()
            assert is_id(second)
            edges.append((first, second))
            if tokens[pos] == "[":
                attributes()
        elif first in ("node", "edge", "graph") or tokens[pos] == "[":
            if tokens[pos] == "[":
                attributes()
            if first not in ("node", "edge", "graph"):
                nodes.add(first)
        take(";")
    take("}")
    assert pos == len(tokens)
    return nodes, edges


@pytest.mark.parametrize("name", list(CASES))
def test_the_dot_output_parses_and_every_edge_joins_declared_nodes(name):
    net, x, t, loss = _case(name)
    graph = build_graph(net, x, t, loss, title='a "quoted" \\ title\x1b[31m')
    nodes, edges = parse_dot(graph_dot(graph))
    assert nodes == {f'"{n.id}"' for n in graph.nodes}
    assert len(edges) == sum(len(n.inputs) for n in graph.nodes)
    assert all(a in nodes and b in nodes for a, b in edges)
    assert "\x1b" not in graph_dot(graph) and "\x1b" not in graph_text(graph)


def test_the_parser_rejects_broken_dot():
    with pytest.raises(AssertionError):
        parse_dot('digraph g { "a" -> ; }')
    with pytest.raises(AssertionError):
        parse_dot('digraph g { "a" [label="x" }')


def test_trace_form_graph_prints_every_node(capsys):
    assert main(["trace", "mazur", "--form", "graph"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"^out_h1 +sigmoid\(net_h1\) +0\.593269992 +0\.036350306 +∂E/∂ = "
        r"dE_total/dout_h1$",
        out,
        re.M,
    )
    assert re.search(r"^w5 +weight +0\.4 +0\.082167041 +∂E/∂ = dE_total/dw5$", out, re.M)


def test_trace_format_dot_writes_a_file_atomically(tmp_path, capsys):
    target = tmp_path / "mazur.dot"
    code = main(["trace", "mazur", "--form", "graph", "--format", "dot", "-o", str(target)])
    assert code == 0
    nodes, edges = parse_dot(target.read_text())
    assert '"E_total"' in nodes and ('"w5"', '"w5·out_h1"') in edges


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--form", "matrix", "--format", "dot"], "not --form matrix"),
        (["--form", "graph", "--sample", "0"], "one sample, not a batch"),
        (["--form", "graph", "--format", "json"], "expected --format text or dot"),
        (["--form", "graph", "--variant", "updated-weights"], "exact step"),
        (["--form", "graph", "--rounds", "3"], "one step"),
    ],
)
def test_graph_options_that_do_not_fit_are_one_line_errors(capsys, argv, message):
    assert main(["trace", "mazur", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.count("\n") == 1


def test_every_built_in_example_small_enough_to_draw_agrees_with_its_trace():
    from tutor.engine.graph import graph_of_example
    from tutor.engine.variants import trace_example_step
    from tutor.experiments.builtin_examples import EXAMPLES

    drawn = []
    for name in EXAMPLES:
        example = get_example(name)
        if graph_size(example.network.sizes) > MAX_NODES:
            continue
        trace, _ = trace_example_step(example)
        for sample in range(example.n_samples if example.is_batch else 1):
            graph = graph_of_example(example, trace, sample)
            suffix = f"[{sample}]" if example.is_batch else ""
            for node in graph.nodes:
                if node.grad_name:
                    assert _close(node.grad, trace.value(node.grad_name)), (name, node.id)
                if node.forward_name:
                    assert _close(node.value, trace.value(node.forward_name)), (name, node.id)
            params = [n for n in graph.nodes if n.op in ("weight", "bias")]
            wanted = {f"dE_total/d{n.id}{suffix}" for n in params}
            assert wanted <= {n.grad_name for n in params}, name
        drawn.append(name)
    assert {"mazur", "xor-221"} <= set(drawn)
