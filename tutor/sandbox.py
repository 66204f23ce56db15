"""The sandbox's model: a network and its data that a student edits, traces and trains.

A `SandboxState` is immutable in use: every edit returns a new state (the
network copied), so undo and redo are a list of states. Each state traces its
sample exactly as `trace --network` would trace the same network file, and
trains by the engine's fast path. Edits that make no valid network (softmax in
a hidden layer, cross-entropy without softmax, a layer of no neurons, a size
over the limits) raise `SandboxError` with a one-line reason and change nothing.

It opens on the built-in examples and trains on data sets drawn by the experiments' own code
(`tutor.experiments.builtin_examples`, `tutor.experiments.sandbox_data`), so it sits above
the experiments' layer, beside the symbolic layer (neither imports the other).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from tutor.engine.examples import Example
from tutor.engine.losses import LOSSES, Loss, get_loss
from tutor.engine.naming import neuron_names, target_names, weight_names
from tutor.engine.network import Dense, Network, dense
from tutor.engine.trace import Trace
from tutor.engine.traced import traced_step
from tutor.engine.training import TrainConfig, TrainingDiverged, train
from tutor.errors import NotFound, TutorError
from tutor.experiments.builtin_examples import get_example
from tutor.experiments.sandbox_data import (
    TWO_D_SETS,
    DataSet,
    fits_two_d,
    known_name,
    two_d_set,
)

MAX_WIDTH = 6  # neurons in a layer (inputs and outputs too): the sandbox draws every weight
MAX_HIDDEN_LAYERS = 3
MAX_VALUE = 1e6  # |a typed value|
MAX_LEARNING_RATE = 100.0
MAX_STEPS = 100_000  # training steps at one go
MAX_HISTORY = 200  # undo depth
ACTIVATION_CHOICES = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
LOSS_CHOICES = ("half_sse", "mse", "bce", "cross_entropy")


class SandboxError(TutorError, ValueError):
    """An edit that would make no valid network; the message is the one-line reason."""


def data_choices(state: SandboxState) -> tuple[str, ...]:
    """The data sets the state's network can train on: its sample; the two-input sets for a
    2→1 or 2→2 network; the rows it was opened with (a batch), if any."""
    choices = ["sample"]
    if fits_two_d(state.sizes):
        choices += TWO_D_SETS
    if state.batch is not None:
        choices.append("batch")
    return tuple(choices)


@dataclass(frozen=True)
class SandboxState:
    """One version of the sandbox: network, traced sample, loss, η, data set, seed."""

    title: str
    name: str
    network: Network
    x: np.ndarray
    target: np.ndarray
    loss: Loss
    learning_rate: float
    data_name: str = "sample"
    seed: int = 0
    batch: DataSet | None = None  # the rows of a batch file or example it was opened on
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def sizes(self) -> list[int]:
        return self.network.sizes

    def example(self) -> Example:
        """The state as an Example: what a saved network file loads back as."""
        return Example(
            self.name,
            self.title,
            self.network.copy(),
            self.x.copy(),
            self.target.copy(),
            self.loss,
            self.learning_rate,
            "sandbox",
        )

    def traced(self) -> tuple[Trace, Network]:
        """The traced step of the sample (and the network after it), computed once per state."""
        if "trace" not in self.cache:
            self.cache["trace"] = traced_step(
                self.network, self.x, self.target, self.loss, self.learning_rate, title=self.title
            )
        return self.cache["trace"]

    @property
    def trace(self) -> Trace:
        return self.traced()[0]

    def data(self) -> DataSet:
        """The rows training uses: the sample alone, a two-input data set, or the batch."""
        if self.data_name == "sample":
            return DataSet("sample", self.x[None, :].copy(), self.target[None, :].copy())
        if self.data_name == "batch" and self.batch is not None:
            return self.batch
        if "data" not in self.cache:
            self.cache["data"] = two_d_set(self.data_name, self.sizes[-1])
        return self.cache["data"]

    def data_label(self, short: bool = False) -> str:
        """The data set's name with its row count: `easy-xor (21 rows)`, short `easy-xor (21)`."""
        rows = len(self.data().X)
        if rows == 1:
            return self.data_name
        return f"{self.data_name} ({rows})" if short else f"{self.data_name} ({rows} rows)"

    def saved_example(self) -> Example:
        """What a saved network file holds: the network with its data set (a batch of its rows
        and the loss's reduction, or the one sample)."""
        example = self.example()
        if self.data_name != "sample":
            data = self.data()
            example.x, example.target = data.X.copy(), data.T.copy()
        return example

    def data_loss(self) -> float:
        """E over the whole data set (the loss's own reduction over rows)."""
        data = self.data()
        return float(self.loss.value(self.network.forward(data.X), data.T))

    def accuracy(self) -> tuple[int, int]:
        """Rows classified right: out ≥ 0.5 vs target ≥ 0.5 (one output), else by argmax."""
        data = self.data()
        out = self.network.forward(data.X)
        if out.shape[1] == 1:
            right = (out[:, 0] >= 0.5) == (data.T[:, 0] >= 0.5)
        else:
            right = out.argmax(axis=1) == data.T.argmax(axis=1)
        return int(right.sum()), len(right)

    def boundary(self, width: int, height: int) -> dict:
        """p(class 1) (out_o1, or out_o2 of two outputs) on a grid over the data's square, a
        quarter of its span wider each side ([−0.25, 1.25]² for data in [0, 1]²), and the
        data points (2-D data only)."""
        data = self.data()
        low, high = float(data.X.min()), float(data.X.max())
        margin = (high - low) / 4 or 0.25
        low, high = low - margin, high + margin
        xs = np.linspace(low, high, width)
        ys = np.linspace(high, low, height)  # rows top → bottom
        grid = np.array([[a, b] for b in ys for a in xs])
        with np.errstate(all="ignore"):
            p = self.network.forward(grid)[:, -1].reshape(height, width)
        points = [(float(a), float(b), float(t)) for (a, b), t in zip(data.X, data.labels)]
        return {"x": [low, high], "y": [low, high], "grid": p.tolist(), "points": points}


def from_example(example: Example, seed: int = 0) -> SandboxState:
    """A sandbox on a built-in example or a loaded network file (checked against the limits).

    A batch (`[[samples]]`, or a batch example) becomes the data set, its first row the traced
    sample: named after the built-in data set it is exactly (a saved XOR table loads as
    `xor`), else `batch`.
    """
    x = np.asarray(example.x, dtype=float)
    target = np.asarray(example.target, dtype=float)
    batch, data_name = None, "sample"
    if example.is_batch:
        data_name = known_name(x, target) or "batch"
        batch = DataSet("batch", x.copy(), target.copy()) if data_name == "batch" else None
        x, target = x[0], target[0]
    state = SandboxState(
        example.title,
        example.name,
        example.network.copy(),
        x.copy(),
        target.copy(),
        example.loss,
        float(example.learning_rate),
        data_name=data_name,
        seed=seed,
        batch=batch,
    )
    _check(state)
    return state


def xor_preset() -> SandboxState:
    """XOR: a 2-3-1 sigmoid network, a bias per neuron, half SSE, η = 2, weights from seed 1."""
    rng = np.random.RandomState(1)
    net = Network(
        [
            dense(rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3), "sigmoid"),
            dense(rng.uniform(-1, 1, (3, 1)), rng.uniform(-1, 1, 1), "sigmoid"),
        ]
    )
    state = SandboxState(
        "XOR with a 2-3-1 network",
        "xor",
        net,
        np.array([0.0, 1.0]),
        np.array([1.0]),
        get_loss("half_sse"),
        2.0,
        data_name="xor",
        seed=1,
    )
    return state


PRESETS = {"xor": xor_preset}


def open_named(name: str) -> SandboxState:
    """A sandbox preset (`xor`) or a built-in example (`mazur`); KeyError naming both lists."""
    if name in PRESETS:
        return PRESETS[name]()
    try:
        return from_example(get_example(name))
    except KeyError:
        raise NotFound(
            f"unknown example {name!r}; sandbox presets: {', '.join(PRESETS)}; "
            f"built-in examples: see `backprop-tutor trace --help`"
        ) from None


# -- values -----------------------------------------------------------------------------------


def editable_names(state: SandboxState) -> list[str]:
    """Every value a student may change, in reading order: inputs, weights, biases, targets, η."""
    sizes = state.sizes
    names = list(neuron_names(sizes)[0])
    for k, matrix in enumerate(weight_names(sizes)):
        names += [matrix[i][j] for j in range(sizes[k + 1]) for i in range(sizes[k])]
        names += _biases(state.network, k)
    return names + target_names(sizes) + ["eta"]


def _biases(net: Network, k: int) -> list[str]:
    layer = net.layers[k]
    if layer.bias_mode == "none":
        return []
    if layer.bias_mode == "layer":
        return [f"b{k + 1}"]
    return [f"b_{n}" for n in neuron_names(net.sizes)[k + 1]]


def value_of(state: SandboxState, name: str) -> float:
    """The current value of an editable name."""
    return float(_locate(state, name, state.network, state.x, state.target)())


def set_value(state: SandboxState, name: str, value: float) -> SandboxState:
    """A new state with `name` set to `value` (finite, bounded; η > 0)."""
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise SandboxError(f"{name}: expected a number between −{MAX_VALUE:g} and {MAX_VALUE:g}")
    if name == "eta":
        if not 0 < value <= MAX_LEARNING_RATE:
            raise SandboxError(f"η: expected a learning rate > 0 and ≤ {MAX_LEARNING_RATE:g}")
        return replace(state, learning_rate=float(value), cache={})
    net, x, target = state.network.copy(), state.x.copy(), state.target.copy()
    _locate(state, name, net, x, target)(value)
    return replace(state, network=net, x=x, target=target, cache={})


def _locate(state, name, net, x, target):
    """A getter/setter `f()` / `f(v)` for the editable `name` in (net, x, target)."""
    sizes = state.sizes
    if name == "eta":
        return lambda v=None: state.learning_rate if v is None else None
    places = {}
    for i, n in enumerate(neuron_names(sizes)[0]):
        places[n] = (x, (i,))
    for j, n in enumerate(target_names(sizes)):
        places[n] = (target, (j,))
    for k, matrix in enumerate(weight_names(sizes)):
        for i, row in enumerate(matrix):
            for j, w in enumerate(row):
                places[w] = (net.layers[k].W, (i, j))
        for m, b in enumerate(_biases(state.network, k)):
            places[b] = (net.layers[k].b, (m,))
    if name not in places:
        raise SandboxError(f"{name} is not a value the sandbox can change")
    array, index = places[name]

    def access(v=None):
        if v is None:
            return array[index]
        array[index] = v

    return access


# -- structure --------------------------------------------------------------------------------


def _check(state: SandboxState) -> None:
    """SandboxError with the reason when the network, loss and sizes do not go together."""
    sizes = state.sizes
    if max(sizes) > MAX_WIDTH:
        raise SandboxError(f"the sandbox draws layers of at most {MAX_WIDTH} neurons")
    if len(sizes) - 2 > MAX_HIDDEN_LAYERS:
        raise SandboxError(f"the sandbox holds at most {MAX_HIDDEN_LAYERS} hidden layers")
    acts = [layer.activation.name for layer in state.network.layers]
    if "softmax" in acts[:-1]:
        raise SandboxError("softmax belongs on the output layer only")
    if acts[-1] == "softmax" and sizes[-1] < 2:
        raise SandboxError("softmax needs at least 2 outputs (with one it is always 1)")
    if state.loss.name == "cross_entropy" and acts[-1] != "softmax":
        raise SandboxError("cross-entropy takes probabilities: make the output layer softmax")
    if state.loss.name == "bce" and acts[-1] != "sigmoid":
        raise SandboxError("bce needs outputs in (0, 1): make the output layer sigmoid")


def _checked(state: SandboxState) -> SandboxState:
    _check(state)
    return state


def _draw(state: SandboxState, salt: int, shape) -> np.ndarray:
    """Small weights for new connections, from the state's seed (the same edit, the same draw)."""
    rng = np.random.RandomState((state.seed * 1_000_003 + salt) % 2**32)
    return rng.uniform(-0.5, 0.5, shape)


def _layer_like(layer: Dense, W: np.ndarray, b: np.ndarray) -> Dense:
    return Dense(W, b, layer.activation, layer.bias_mode, layer.train_bias, layer.keep_prob)


def add_neuron(state: SandboxState, hidden: int) -> SandboxState:
    """One more neuron at the end of hidden layer `hidden` (1-based), with small new weights."""
    k = _hidden_index(state, hidden)
    if state.sizes[k + 1] >= MAX_WIDTH:
        raise SandboxError(f"hidden layer {hidden} already has {MAX_WIDTH} neurons (the limit)")
    layers = [layer for layer in state.network.copy().layers]
    into, out_of = layers[k], layers[k + 1]
    salt = sum(state.sizes) * 31 + k
    column = _draw(state, salt, (into.fan_in, 1))
    W_in = np.hstack([into.W, column])
    b_in = np.append(into.b, 0.0) if into.bias_mode == "neuron" else into.b
    W_out = np.vstack([out_of.W, _draw(state, salt + 1, (1, out_of.fan_out))])
    layers[k] = _layer_like(into, W_in, b_in)
    layers[k + 1] = _layer_like(out_of, W_out, out_of.b)
    return _checked(replace(state, network=Network(layers), cache={}))


def remove_neuron(state: SandboxState, hidden: int) -> SandboxState:
    """Drop the last neuron of hidden layer `hidden` (1-based) and its weights."""
    k = _hidden_index(state, hidden)
    if state.sizes[k + 1] <= 1:
        raise SandboxError(f"hidden layer {hidden} has one neuron left: remove the layer instead")
    layers = [layer for layer in state.network.copy().layers]
    into, out_of = layers[k], layers[k + 1]
    b_in = into.b[:-1] if into.bias_mode == "neuron" else into.b
    layers[k] = _layer_like(into, into.W[:, :-1].copy(), b_in.copy())
    layers[k + 1] = _layer_like(out_of, out_of.W[:-1, :].copy(), out_of.b)
    return _checked(replace(state, network=Network(layers), cache={}))


def add_layer(state: SandboxState) -> SandboxState:
    """A new hidden layer before the output, as wide as the layer below it, with new weights."""
    if len(state.sizes) - 2 >= MAX_HIDDEN_LAYERS:
        raise SandboxError(f"the sandbox holds at most {MAX_HIDDEN_LAYERS} hidden layers")
    layers = [layer for layer in state.network.copy().layers]
    output = layers[-1]
    width = max(2, output.fan_in) if len(layers) == 1 else output.fan_in
    below = layers[-2] if len(layers) > 1 else output
    activation = below.activation if len(layers) > 1 else output.activation
    if activation.name == "softmax":
        activation = layers[0].activation
    salt = sum(state.sizes) * 37 + len(layers)
    b = np.zeros(width) if below.bias_mode == "neuron" else below.b.copy()
    hidden = Dense(
        _draw(state, salt, (output.fan_in, width)), b, activation, below.bias_mode, below.train_bias
    )
    new_output = _layer_like(output, _draw(state, salt + 1, (width, output.fan_out)), output.b)
    layers[-1:] = [hidden, new_output]
    return _checked(replace(state, network=Network(layers), cache={}))


def remove_layer(state: SandboxState) -> SandboxState:
    """Drop the last hidden layer; the output layer takes its inputs, with new weights."""
    if len(state.sizes) <= 2:
        raise SandboxError("no hidden layer to remove")
    layers = [layer for layer in state.network.copy().layers]
    output = layers[-1]
    fan_in = layers[-2].fan_in
    salt = sum(state.sizes) * 41 + len(layers)
    layers[-2:] = [_layer_like(output, _draw(state, salt, (fan_in, output.fan_out)), output.b)]
    return _checked(replace(state, network=Network(layers), cache={}))


def _hidden_index(state: SandboxState, hidden: int) -> int:
    n_hidden = len(state.sizes) - 2
    if not 1 <= hidden <= n_hidden:
        raise SandboxError(
            "no hidden layer: add a layer first"
            if n_hidden == 0
            else f"hidden layer {hidden}: expected 1 to {n_hidden}"
        )
    return hidden - 1


def set_activation(state: SandboxState, layer: int, name: str) -> SandboxState:
    """Weight layer `layer` (1-based; the last is the output) uses activation `name`."""
    from tutor.engine.activations import get_activation

    if not 1 <= layer <= len(state.network.layers):
        raise SandboxError(f"layer {layer}: expected 1 to {len(state.network.layers)}")
    layers = [layer_ for layer_ in state.network.copy().layers]
    old = layers[layer - 1]
    layers[layer - 1] = Dense(
        old.W, old.b, get_activation(name), old.bias_mode, old.train_bias, old.keep_prob
    )
    return _checked(replace(state, network=Network(layers), cache={}))


def set_loss(state: SandboxState, name: str) -> SandboxState:
    """Use the loss `name`."""
    if name not in LOSSES:
        raise SandboxError(f"unknown loss {name!r}; expected one of {', '.join(LOSS_CHOICES)}")
    return _checked(replace(state, loss=get_loss(name), cache={}))


def set_data(state: SandboxState, name: str) -> SandboxState:
    """Train on the data set `name` (see data_choices); the traced sample becomes its first row."""
    if name not in data_choices(state):
        raise SandboxError(
            f"data set {name!r} does not fit a {state.sizes[0]}-input, "
            f"{state.sizes[-1]}-output network"
        )
    new = replace(state, data_name=name, cache={})
    if name != "sample":
        data = new.data()
        new = replace(new, x=data.X[0].copy(), target=data.T[0].copy())
    return new


def row_of(state: SandboxState) -> int:
    """The row of the data set the traced sample is (-1 when edited away from every row)."""
    data = state.data()
    same = (data.X == state.x).all(axis=1) & (data.T == state.target).all(axis=1)
    rows = np.flatnonzero(same)
    return int(rows[0]) if len(rows) else -1


def use_row(state: SandboxState, row: int) -> SandboxState:
    """Trace row `row` of the data set (cyclic)."""
    data = state.data()
    row %= len(data.X)
    return replace(state, x=data.X[row].copy(), target=data.T[row].copy(), cache={})


def randomise(state: SandboxState, seed: int) -> SandboxState:
    """Every weight and bias drawn afresh, uniform in [−1, 1), from `seed` (layer by layer)."""
    rng = np.random.RandomState(seed)
    layers = []
    for layer in state.network.layers:
        W = rng.uniform(-1, 1, layer.W.shape)
        b = rng.uniform(-1, 1, layer.b.shape) if layer.bias_mode != "none" else layer.b.copy()
        layers.append(_layer_like(layer, W, b))
    return replace(state, network=Network(layers), seed=seed, cache={})


# -- training ---------------------------------------------------------------------------------


def train_steps(state: SandboxState, steps: int) -> tuple[SandboxState, list[float]]:
    """`steps` full-batch gradient steps on the data set by the engine's fast path.

    Returns the new state and the loss before each step. TrainingDiverged passes through.
    """
    if not 1 <= steps <= MAX_STEPS:
        raise SandboxError(f"steps: expected 1 to {MAX_STEPS}")
    net = state.network.copy()
    data = state.data()
    history = train(net, data.X, data.T, state.loss, TrainConfig(state.learning_rate, epochs=steps))
    return replace(state, network=net, cache={}), history.losses


__all__ = ["SandboxError", "SandboxState", "TrainingDiverged"]
