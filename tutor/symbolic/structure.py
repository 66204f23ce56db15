"""A network's shape as a hashable key (no values, no SymPy): what a symbolic build depends on."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.engine.activations import get_activation
from tutor.engine.losses import Loss
from tutor.engine.naming import neuron_names, weight_names
from tutor.engine.network import Network

# Networks with more parameters than this are not derived symbolically.
SYMBOLIC_LIMIT = 30


@dataclass(frozen=True)
class Structure:
    """Layer sizes, activations, bias layout and loss: everything but the numbers."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]  # symbolic kinds: sigmoid, tanh, relu, leaky_relu, …
    alphas: tuple[float, ...]
    bias_modes: tuple[str, ...]
    train_bias: tuple[bool, ...]
    loss: str

    @property
    def n_parameters(self) -> int:
        """Weights plus bias values."""
        n = 0
        for k in range(len(self.sizes) - 1):
            n += self.sizes[k] * self.sizes[k + 1]
            n += {"neuron": self.sizes[k + 1], "layer": 1, "none": 0}[self.bias_modes[k]]
        return n


def check_symbolic_limit(structure: Structure) -> None:
    """Raise TooLargeForSymbolic above SYMBOLIC_LIMIT parameters (no SymPy needed to tell)."""
    from tutor.symbolic.steps import TooLargeForSymbolic

    if structure.n_parameters > SYMBOLIC_LIMIT:
        raise TooLargeForSymbolic(
            f"the network has {structure.n_parameters} parameters; symbolic derivations "
            f"stop at {SYMBOLIC_LIMIT} (the expanded expressions grow too large to read or "
            "to differentiate quickly)"
        )


def kind_of(name: str) -> str:
    """The symbolic kind of an engine activation, its family: 'leaky_relu(0.2)' → 'leaky_relu'.

    The forward function is what SymPy differentiates: seed 001's quirk is a sigmoid. A name
    the engine does not know is returned as it is (the caller says it has no symbolic form).
    """
    try:
        return get_activation(name).family
    except ValueError:
        return name


def structure_of(net: Network, loss: Loss) -> Structure:
    """The hashable structure of `net` trained on `loss`."""
    return Structure(
        sizes=tuple(net.sizes),
        activations=tuple(layer.activation.family for layer in net.layers),
        alphas=tuple(float(layer.activation.alpha) for layer in net.layers),
        bias_modes=tuple(layer.bias_mode for layer in net.layers),
        train_bias=tuple(bool(layer.train_bias) for layer in net.layers),
        loss=loss.name,
    )


@dataclass(frozen=True)
class Parameter:
    """One weight or bias value: its lesson name and where it lives in the engine's arrays."""

    name: str
    layer: int
    kind: str  # "W" or "b"
    index: tuple[int, ...]
    frozen: bool = False


def bias_names(structure: Structure) -> list[list[str]]:
    """Per layer: ['b1'] for a shared bias, ['b_h1', 'b_h2'] per neuron, [] for none."""
    neurons = neuron_names(list(structure.sizes))
    names: list[list[str]] = []
    for k, mode in enumerate(structure.bias_modes):
        if mode == "none":
            names.append([])
        elif mode == "layer":
            names.append([f"b{k + 1}"])
        else:
            names.append([f"b_{n}" for n in neurons[k + 1]])
    return names


def parameters(structure: Structure) -> list[Parameter]:
    """Every parameter in the lesson's order: layer by layer, w1, w2, … then that layer's biases."""
    sizes = list(structure.sizes)
    weights = weight_names(sizes)
    biases = bias_names(structure)
    params = []
    for k in range(len(sizes) - 1):
        for j in range(sizes[k + 1]):
            for i in range(sizes[k]):
                params.append(Parameter(weights[k][i][j], k, "W", (i, j)))
        for m, b in enumerate(biases[k]):
            params.append(Parameter(b, k, "b", (m,), frozen=not structure.train_bias[k]))
    return params


def parameter_values(net: Network, params: list[Parameter]) -> list[float]:
    """The current value of each parameter."""
    return [float(getattr(net.layers[p.layer], p.kind)[p.index]) for p in params]
