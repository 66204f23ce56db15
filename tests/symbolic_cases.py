"""Random small networks for the symbolic tests: every activation, every loss, kinks avoided."""

from __future__ import annotations

import numpy as np

from tutor.engine import Network, dense, get_loss

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
LOSSES = ["half_sse", "mse", "bce", "cross_entropy"]
# Outputs the loss can take: bce and cross-entropy need probabilities.
OUTPUTS = {
    "half_sse": ACTIVATIONS,
    "mse": ACTIVATIONS,
    "bce": ["sigmoid", "softmax"],
    "cross_entropy": ["softmax", "sigmoid"],
}
BIAS_MODES = ["neuron", "layer", "none"]


def cases() -> list[tuple[str, str, str]]:
    """(hidden activation, output activation, loss): every loss with every output it can take,
    the hidden activation cycling so that each one is also a hidden layer under each loss."""
    out = []
    for n, loss in enumerate(LOSSES):
        for k, output in enumerate(OUTPUTS[loss]):
            out.append((ACTIVATIONS[(k + 2 * n) % len(ACTIVATIONS)], output, loss))
    return out


def _net_values(net: Network, x) -> list[np.ndarray]:
    a, nets = np.atleast_2d(x), []
    for layer in net.layers:
        z = a @ layer.W + (layer.b if layer.bias_mode != "none" else 0.0)
        nets.append(z)
        a = layer.activation.forward(z)
    return nets


def random_case(seed: int, hidden: str, output: str, loss_name: str, sizes=(2, 3, 2)):
    """A network, one sample (x, t) and the loss; ReLU kinks kept ≥ 0.05 from every net input."""
    rng = np.random.RandomState(seed)
    while True:
        layers = []
        acts = [hidden] * (len(sizes) - 2) + [output]
        for k in range(len(sizes) - 1):
            mode = BIAS_MODES[(seed + k) % 3]
            b = rng.randn(sizes[k + 1]) * 0.3 if mode == "neuron" else rng.randn() * 0.3
            W = rng.randn(sizes[k], sizes[k + 1]) * 0.8
            layers.append(dense(W, None if mode == "none" else b, acts[k], bias_mode=mode))
        net = Network(layers)
        x = rng.randn(sizes[0])
        if all(np.min(np.abs(z)) > 0.05 for z in _net_values(net, x)):
            break
    n_out = sizes[-1]
    if loss_name == "cross_entropy" and output == "softmax":
        t = np.eye(n_out)[rng.randint(n_out)]  # the fused δ = ŷ − y needs Σt = 1
    elif loss_name in ("bce", "cross_entropy"):
        t = rng.rand(n_out)
    else:
        t = rng.randn(n_out)
    return net, x, t, get_loss(loss_name)
