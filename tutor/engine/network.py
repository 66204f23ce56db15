"""A fully connected network: dense layers, a forward pass and backpropagation.

Conventions (the ones every course notebook uses): a batch is a matrix with one
sample per row; a layer computes net = a_prev @ W + b and out = f(net); W has
shape (fan_in, fan_out). A bias is per neuron (a vector), per layer (one scalar
shared by the layer's neurons, as in the 2-2-2 worked example), or absent; it
can be frozen (not updated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from tutor.engine.activations import Activation, get_activation
from tutor.engine.losses import Loss

BIAS_MODES = ("neuron", "layer", "none")
# Up to this many rows a batch is "small": NumPy's per-call overhead, not arithmetic, dominates.
SMALL_BATCH = 8


@dataclass
class Dense:
    """One dense layer: weights W (fan_in × fan_out), bias b, activation f."""

    W: np.ndarray
    b: np.ndarray
    activation: Activation
    bias_mode: str = "neuron"
    train_bias: bool = True
    # Inverted dropout on this layer's input while training: keep probability (1.0 = off).
    keep_prob: float = 1.0

    @property
    def fan_in(self) -> int:
        return self.W.shape[0]

    @property
    def fan_out(self) -> int:
        return self.W.shape[1]


@dataclass
class Cache:
    """What the forward pass keeps for the backward pass: each layer's input, net and out."""

    inputs: list[np.ndarray] = field(default_factory=list)
    nets: list[np.ndarray] = field(default_factory=list)
    outs: list[np.ndarray] = field(default_factory=list)
    masks: list[np.ndarray | None] = field(default_factory=list)
    # Arrays kept from one training step to the next: when a dict is given, the passes write
    # their large arrays into it instead of allocating afresh (allocating ~100 kB arrays every
    # step faults in fresh pages and dominates a full-batch step). Overwritten by the next step.
    buffers: dict | None = None


def _buffer(cache: Cache | None, name: tuple, shape: tuple, dtype) -> np.ndarray | None:
    """A reusable array of `cache.buffers`, or None (allocate as usual) without buffers."""
    if cache is None or cache.buffers is None:
        return None
    key = (name, shape, np.dtype(dtype))
    buf = cache.buffers.get(key)
    if buf is None:
        buf = cache.buffers[key] = np.empty(shape, dtype)
    return buf


class Gradients(NamedTuple):  # not a dataclass: created in a tenth of the time at start-up
    """dE/dW and dE/db for each layer, plus dE/dnet (the deltas) for teaching."""

    dW: list[np.ndarray]
    db: list[np.ndarray]
    deltas: list[np.ndarray]


class Network:
    """A stack of Dense layers."""

    def __init__(self, layers: list[Dense]):
        if not layers:
            raise ValueError("a network needs at least one layer")
        for k in range(1, len(layers)):
            if layers[k].fan_in != layers[k - 1].fan_out:
                raise ValueError(
                    f"layer {k + 1} expects {layers[k].fan_in} inputs but layer {k} "
                    f"has {layers[k - 1].fan_out} outputs"
                )
        self.layers = layers

    @property
    def sizes(self) -> list[int]:
        """Layer sizes, input first: [2, 2, 2] for the worked example."""
        return [self.layers[0].fan_in] + [layer.fan_out for layer in self.layers]

    @property
    def n_parameters(self) -> int:
        """Weights plus trainable-or-not bias values."""
        return sum(layer.W.size + layer.b.size for layer in self.layers)

    def copy(self) -> Network:
        """A deep copy (weights and biases copied)."""
        return Network(
            [
                Dense(
                    layer.W.copy(),
                    layer.b.copy(),
                    layer.activation,
                    layer.bias_mode,
                    layer.train_bias,
                    layer.keep_prob,
                )
                for layer in self.layers
            ]
        )

    def astype(self, dtype) -> Network:
        """A copy with weights and biases in `dtype` (float32 for fast MNIST training)."""
        net = self.copy()
        for layer in net.layers:
            layer.W = layer.W.astype(dtype)
            layer.b = layer.b.astype(dtype)
        return net

    # -- forward ---------------------------------------------------------------
    def forward(
        self,
        X: np.ndarray,
        cache: Cache | None = None,
        dropout_rng: np.random.Generator | np.random.RandomState | None = None,
    ) -> np.ndarray:
        """The network's output for a batch X; fills `cache` when given.

        Dropout is applied only when `dropout_rng` is given (training); at
        inference every unit is on and, being inverted dropout, nothing is rescaled.
        """
        a = X if type(X) is np.ndarray and X.ndim == 2 else np.atleast_2d(X)
        reuse = cache is not None and cache.buffers is not None
        for k, layer in enumerate(self.layers):
            mask = None
            if dropout_rng is not None and layer.keep_prob < 1.0:
                mask = (dropout_rng.random(a.shape) < layer.keep_prob).astype(a.dtype)
                mask /= layer.keep_prob
                a = a * mask
            if reuse:
                shape = (a.shape[0], layer.fan_out)
                dtype = np.result_type(a, layer.W)
                net = np.matmul(a, layer.W, out=_buffer(cache, ("net", k), shape, dtype))
            else:
                net = np.matmul(a, layer.W)  # small batches: no buffer bookkeeping per step
            if layer.bias_mode != "none":
                if layer.b.dtype == net.dtype:
                    net += layer.b  # in place on the product: the same sum, one array fewer
                else:
                    net = net + layer.b  # keep NumPy's type promotion (float32 + float64)
            out = layer.activation.apply(
                net, _buffer(cache, ("out", k), net.shape, net.dtype) if reuse else None
            )
            if cache is not None:
                cache.inputs.append(a)
                cache.nets.append(net)
                cache.outs.append(out)
                cache.masks.append(mask)
            a = out
        return a

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Forward pass without dropout."""
        return self.forward(X)

    # -- backward --------------------------------------------------------------
    def backward(
        self, cache: Cache, target: np.ndarray, loss: Loss, frozen_bias_gradients: bool = True
    ) -> Gradients:
        """Backpropagate `loss` through the cached forward pass (`tutor.engine.backprop`).

        `frozen_bias_gradients=False` skips dE/db of biases that are never updated (an empty
        array in their place): a training step needs only what it applies.
        """
        from tutor.engine.backprop import backward  # loaded by the first backward pass

        return backward(self, cache, target, loss, frozen_bias_gradients)

    def gradients(self, X: np.ndarray, target: np.ndarray, loss: Loss) -> tuple[float, Gradients]:
        """Loss value and gradients for a batch (no dropout)."""
        cache = Cache()
        out = self.forward(X, cache)
        return loss.value(out, target), self.backward(cache, target, loss)

    # -- parameters as a flat vector (for finite differences) ---------------------
    def parameters(self) -> list[np.ndarray]:
        """Every parameter array, in order W1, b1, W2, b2, … (views, not copies)."""
        params = []
        for layer in self.layers:
            params.append(layer.W)
            params.append(layer.b)
        return params


def dense(
    W,
    b=None,
    activation: str | Activation = "sigmoid",
    bias_mode: str = "neuron",
    train_bias: bool = True,
    keep_prob: float = 1.0,
    dtype=np.float64,
) -> Dense:
    """Build a Dense layer from explicit values (lists or arrays)."""
    W = np.array(W, dtype=dtype, ndmin=2)
    if bias_mode not in BIAS_MODES:
        raise ValueError(f"unknown bias mode {bias_mode!r}; expected one of {BIAS_MODES}")
    if bias_mode == "none":
        b_arr = np.zeros(0, dtype=dtype)
    elif bias_mode == "layer":
        b_arr = np.array([0.0 if b is None else float(np.asarray(b).reshape(-1)[0])], dtype=dtype)
    else:
        b_arr = np.zeros(W.shape[1], dtype=dtype) if b is None else np.array(b, dtype=dtype)
        b_arr = b_arr.reshape(-1)
        if b_arr.size == 1 and W.shape[1] != 1:
            b_arr = np.full(W.shape[1], b_arr[0], dtype=dtype)
        if b_arr.shape != (W.shape[1],):
            raise ValueError(f"bias has {b_arr.size} values but the layer has {W.shape[1]} neurons")
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    return Dense(W, b_arr, act, bias_mode, train_bias, keep_prob)


def build(
    sizes: list[int],
    activations: list[str],
    init,
    seed: int | None = 0,
    bias_mode: str = "neuron",
    train_bias: bool = True,
    rng: np.random.RandomState | None = None,
    dtype=np.float64,
) -> Network:
    """A network of `sizes` with random weights drawn layer by layer (W1, W2, …) and zero biases.

    `init` is one Init for every layer or a list with one per layer. Pass `rng`
    to continue an existing stream of draws (a notebook that re-initialises).
    """
    from tutor.engine.initializers import Init

    if len(activations) != len(sizes) - 1:
        raise ValueError(f"{len(sizes) - 1} layers need {len(sizes) - 1} activations")
    inits = init if isinstance(init, list) else [init] * (len(sizes) - 1)
    rng = rng if rng is not None else np.random.RandomState(seed)
    layers = []
    for k in range(len(sizes) - 1):
        spec: Init = inits[k]
        W = spec.draw(rng, sizes[k], sizes[k + 1]).astype(dtype)
        layers.append(
            dense(W, None, activations[k], bias_mode=bias_mode, train_bias=train_bias, dtype=dtype)
        )
    return Network(layers)
