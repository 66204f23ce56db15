"""Write an Example as a network file (docs/network-file.md) that loads back to the same numbers."""

from __future__ import annotations

from tutor.engine.examples import Example
from tutor.text_safety import escape_controls


def toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, control characters as \\uXXXX."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 32 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_number(x: float) -> str:
    """repr of a float: the shortest text that reads back as the same float64 (TOML accepts it)."""
    return repr(float(x))


def _numbers(values) -> str:
    return "[" + ", ".join(toml_number(v) for v in values) + "]"


def network_toml(example: Example, comment: str = "") -> str:
    """The network file of `example`: layers with explicit weights, biases, loss, η, and its
    sample (`[sample]`) or its batch (`[[samples]]` with the loss's `reduction`)."""
    net = example.network
    lines = []
    if comment:
        lines += [f"# {escape_controls(line)}" for line in comment.splitlines()]
    lines += [
        # A network file may hold no control character: one in a title is written escaped.
        f"title = {toml_string(escape_controls(example.title))}",
        f"inputs = {net.sizes[0]}",
        f"loss = {toml_string(example.loss.name)}",
        f"learning_rate = {toml_number(example.learning_rate)}",
    ]
    if example.is_batch:
        lines.append(f"reduction = {toml_string(example.loss.reduction)}")
    for layer in net.layers:
        lines += ["", "[[layers]]", f"size = {layer.fan_out}"]
        lines.append(f"activation = {toml_string(layer.activation.name)}")
        rows = [_numbers(layer.W[:, j]) for j in range(layer.fan_out)]
        lines.append("weights = [" + ",\n           ".join(rows) + "]")
        if layer.bias_mode == "layer":
            lines.append(f"bias = {toml_number(layer.b[0])}")
        elif layer.bias_mode == "neuron":
            lines.append(f"bias = {_numbers(layer.b)}")
        else:
            lines.append('bias = "none"')
        lines.append(f"train_bias = {'true' if layer.train_bias else 'false'}")
    if example.is_batch:
        for x, target in zip(example.x, example.target):
            lines += ["", "[[samples]]", f"inputs = {_numbers(x)}", f"targets = {_numbers(target)}"]
    else:
        lines += [
            "",
            "[sample]",
            f"inputs = {_numbers(example.x)}",
            f"targets = {_numbers(example.target)}",
        ]
    return "\n".join(lines) + "\n"
