"""Names in the lesson's notation for the neurons, weights and biases of a network.

The 2-2-2 worked example fixes the convention: inputs i1, i2; hidden h1, h2;
outputs o1, o2; weights numbered through the network, layer by layer, for each
receiving neuron its incoming weights in input order (w1: i1→h1, w2: i2→h1,
w3: i1→h2, …, w5: h1→o1); a bias shared by a layer is b1, b2 (by layer); a bias
per neuron is b_h1, b_o1. With more than one hidden layer, hidden neurons are
h1_1, h1_2 (layer 1), h2_1, … .
"""

from __future__ import annotations


def neuron_names(sizes: list[int]) -> list[list[str]]:
    """Neuron names per layer, input layer first: [['i1','i2'], ['h1','h2'], ['o1','o2']]."""
    n_hidden = len(sizes) - 2
    names = [[f"i{k + 1}" for k in range(sizes[0])]]
    for layer in range(1, len(sizes) - 1):
        prefix = "h" if n_hidden == 1 else f"h{layer}_"
        names.append([f"{prefix}{k + 1}" for k in range(sizes[layer])])
    names.append([f"o{k + 1}" for k in range(sizes[-1])])
    return names


def layer_label(layer: int, n_layers: int) -> str:
    """'output', 'hidden' or 'hidden 2' for weight layer `layer` (0-based) of `n_layers`."""
    if layer == n_layers - 1:
        return "output"
    return "hidden" if n_layers == 2 else f"hidden {layer + 1}"


def weight_names(sizes: list[int]) -> list[list[list[str]]]:
    """For weight layer k, names[k][i][j] is the name of W_k[i, j] (from neuron i to neuron j)."""
    names = []
    counter = 1
    for k in range(len(sizes) - 1):
        fan_in, fan_out = sizes[k], sizes[k + 1]
        grid = [[""] * fan_out for _ in range(fan_in)]
        for j in range(fan_out):
            for i in range(fan_in):
                grid[i][j] = f"w{counter}"
                counter += 1
        names.append(grid)
    return names


def bias_names(sizes: list[int], bias_mode: str) -> list[list[str]]:
    """Bias names per weight layer: ['b1'] for a shared bias, ['b_h1', 'b_h2'] per neuron."""
    neurons = neuron_names(sizes)
    if bias_mode == "none":
        return [[] for _ in range(len(sizes) - 1)]
    if bias_mode == "layer":
        return [[f"b{k + 1}"] for k in range(len(sizes) - 1)]
    return [[f"b_{n}" for n in neurons[k + 1]] for k in range(len(sizes) - 1)]


def target_names(sizes: list[int]) -> list[str]:
    """t_o1, t_o2, …"""
    return [f"t_{n}" for n in neuron_names(sizes)[-1]]
