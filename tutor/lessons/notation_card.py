"""The notation card: the symbols every lesson, the trace, the TUI and the exports use.

One list, shown by the TUI's help (`?`) and by `backprop-tutor lessons --notation`.
"""

from __future__ import annotations

# (symbol, what it is, an example from the worked example)
NOTATION: list[tuple[str, str, str]] = [
    ("i1, i2", "the inputs", "i1 = 0.05"),
    ("t_o1, t_o2", "the targets (what o1, o2 should output)", "t_o1 = 0.01"),
    ("w1 … w8, b1, b2", "the weights and biases", "w5 = 0.4 (from h1 to o1)"),
    (
        "net_h1",
        "net input of a neuron: its weighted sum plus bias",
        "net_h1 = w1·i1 + w2·i2 + b1·1",
    ),
    ("out_h1", "output of a neuron: the activation of its net input", "out_h1 = 1/(1 + e^−net_h1)"),
    ("σ", "the sigmoid activation, σ(x) = 1/(1 + e^−x)", "out_o1 = σ(net_o1)"),
    (
        "E_o1, E_total",
        "the error of one output, and their sum (the loss)",
        "E_o1 = ½·(t_o1 − out_o1)²",
    ),
    (
        "∂E/∂w5",
        "how E_total changes when w5 moves (written dE_total/dw5)",
        "dE_total/dw5 = 0.082167041",
    ),
    (
        "δ_o1",
        "a neuron's delta: ∂E_total/∂net_o1 (written delta_o1)",
        "δ_o1 = (out_o1 − t_o1)·out_o1·(1 − out_o1)",
    ),
    ("η", "the learning rate (written eta)", "η = 0.5"),
    ("w5+", "w5 after the update", "w5+ = w5 − η·∂E/∂w5"),
    ("[s]", "sample s of a batch, from 0", "net_h1[3]: sample 3's net input"),
    (
        "z, a (matrix form)",
        "the same net and out, a whole layer at once",
        "Z1 = W1·X + b1, A1 = σ(Z1)",
    ),
]


def notation_lines(width: int = 80) -> list[str]:
    """The card as plain-text lines: symbol, meaning, example."""
    lines = ["Notation (every lesson, the trace, the tutor and the exports)", ""]
    pad = max(len(symbol) for symbol, _, _ in NOTATION)
    for symbol, meaning, example in NOTATION:
        lines.append(f"  {symbol:<{pad}}  {meaning}")
        lines.append(f"  {'':<{pad}}  e.g. {example}")
    lines += [
        "",
        "A formula and its numbers list the terms in the same order:",
        "  net_h1 = w1·i1 + w2·i2 + b1·1 = 0.15·0.05 + 0.2·0.1 + 0.35·1 = 0.3775",
    ]
    return lines
