"""A full-batch training step on many rows, without the general path's per-step bookkeeping.

From 64 rows on (where `train` reuses arrays between steps), a step of a small network on a
tall batch (seed 004's [2, 8, 8, 2] on 2,000 rows, ~350 µs) is ~40 NumPy calls on arrays of a
few thousand numbers. Around them the general path (`Network.forward` with a `Cache` of
buffers, `Network.backward`, `Gradients`, `apply_update`) looks a buffer up by (name, shape,
dtype) for every array of every step, asks `np.result_type` for each, builds a Cache and a
Gradients object and branches per layer for dropout and frozen biases; the softmax and the
cross-entropy of a few classes pass through small helper functions (`row_max`, `row_sum`,
`np.clip`'s wrappers) and allocate their temporaries anew.

`TallStep` makes the same NumPy calls, in the same order, on arrays of the same shapes and
layout: through the same functions (each activation's `apply` and `backward`, the loss's
`value` and `grad`, `_bias_gradient`, `check_parameters`, `locate_divergence`), except that a
softmax output of 2 to `NARROW` classes with the cross-entropy is written out here, call for
call as `activations.softmax` and `CrossEntropy.value` compute it, into arrays of its own.
The numbers are the general path's bit for bit (tests/test_tall_step.py compares the bytes
of every parameter and loss); seed 004's run takes ~7 % less CPU. Arrays are allocated once
per run, by layer. It serves float64 networks without dropout on float64 data of `MIN_ROWS`
rows or more; anything else takes the general path. A callback that changes a layer's
shape, dtype or dropout makes `stale` true and `train` hands the remaining epochs to the
general path.
"""

from __future__ import annotations

import math

import numpy as np

from tutor.engine.backprop import _NO_GRADIENT, _bias_gradient
from tutor.engine.losses import EPS, CrossEntropy, Loss
from tutor.engine.network import Cache, Network
from tutor.engine.rows import NARROW, row_max, row_sum
from tutor.engine.training import check_parameters, locate_divergence, update_layers

# From this many rows `train` gives the general path reusable buffers (below, the small step).
MIN_ROWS = 64
_F64 = np.dtype(np.float64)


def tall_step(net: Network, X: np.ndarray, T: np.ndarray, loss: Loss, config) -> TallStep | None:
    """The tall-batch step for this full-batch training run, or None (the general path runs)."""
    if (
        config.rule != "batch"
        or X.ndim != 2
        or T.ndim != 2
        or X.shape[0] < MIN_ROWS
        or X.dtype != _F64
        or T.dtype != _F64
        or not _fits(net)
    ):
        return None
    return TallStep(net, X, T, loss, config.learning_rate, config.l2)


def _fits(net: Network) -> bool:
    """float64 weights and biases and no dropout in every layer."""
    return all(
        layer.W.dtype == _F64 and layer.b.dtype == _F64 and layer.keep_prob == 1.0
        for layer in net.layers
    )


class TallStep:
    """One network's training steps on one batch (X, T); `step(epoch)` returns the loss."""

    def __init__(self, net: Network, X: np.ndarray, T: np.ndarray, loss: Loss, lr: float, l2):
        self.net, self.X, self.T, self.loss = net, X, T, loss
        self.learning_rate, self.l2 = lr, l2
        self.layers = list(net.layers)
        rows = X.shape[0]
        self.shapes = [(layer.W.shape, layer.b.shape) for layer in self.layers]
        # The general path's buffers, one set per run: each layer's net input and output, the
        # gradient reaching each layer's input (none for the first) and the output delta.
        self.nets = [np.empty((rows, layer.fan_out)) for layer in self.layers]
        self.outs = [np.empty((rows, layer.fan_out)) for layer in self.layers]
        self.grads = [None] + [np.empty((rows, layer.fan_in)) for layer in self.layers[1:]]
        self.delta = np.empty((rows, self.layers[-1].fan_out))
        last = self.layers[-1]
        self.fused = last.activation.name == "softmax" and isinstance(loss, CrossEntropy)
        self.scale = 1.0 / rows if loss.reduction == "mean" else 1.0
        # Softmax + cross-entropy on a few classes (the XOR labs' two): the output layer and the
        # loss are written out below, the same calls as `softmax` and `CrossEntropy.per_sample`
        # make (`row_max` and `row_sum` into a row buffer of their own), into arrays of their own.
        self.narrow = type(loss) is CrossEntropy and self.fused and 2 <= last.fan_out <= NARROW
        if self.narrow:
            width = last.fan_out
            self.row = np.empty((rows, 1))  # a row's max, then its Σe
            self.log_p = np.empty((rows, width))
            self.terms = np.empty((rows, width))
            self.per_sample = np.empty(rows)

    def stale(self) -> bool:
        """Whether the network changed under the step (layers, shapes, dtypes, dropout)."""
        layers = self.net.layers
        return (
            len(layers) != len(self.layers)
            or any(a is not b for a, b in zip(layers, self.layers))
            or [(layer.W.shape, layer.b.shape) for layer in layers] != self.shapes
            or not _fits(self.net)
        )

    def step(self, epoch: int) -> float:
        """One epoch: forward, loss, backward, update, parameter check (as `training._step`)."""
        layers, nets, outs = self.layers, self.nets, self.outs
        matmul = np.matmul
        a = self.X
        inputs, outputs = [], []  # an activation without `forward_into` returns a new array
        last_k = len(layers) - 1
        for k, layer in enumerate(layers):
            net = matmul(a, layer.W, out=nets[k])
            if layer.bias_mode != "none":
                net += layer.b
            inputs.append(a)
            if k == last_k and self.narrow:
                a = self._softmax(net, outs[k])
            else:
                a = layer.activation.apply(net, outs[k])
            outputs.append(a)
        value = self._cross_entropy(a) if self.narrow else self.loss.value(a, self.T)
        if not math.isfinite(value):
            raise locate_divergence(Cache(nets=list(nets), outs=outputs), epoch)
        last = layers[-1]
        if self.fused:  # softmax + cross-entropy: dE/dnet = (ŷ − y), scaled by the reduction
            delta = np.subtract(a, self.T, out=self.delta)
            delta *= self.scale
        else:
            delta = last.activation.backward(nets[-1], a, self.loss.grad(a, self.T))
        n = len(layers)
        dW: list[np.ndarray] = [_NO_GRADIENT] * n
        db: list[np.ndarray] = [_NO_GRADIENT] * n
        for k in range(n - 1, -1, -1):
            layer = layers[k]
            delta_summed = self._summed_delta(k, delta)
            dW[k] = self._summed_input(k, inputs[k]).T @ delta_summed
            if layer.train_bias:
                db[k] = _bias_gradient(delta_summed, layer.bias_mode)
            if k > 0:
                grad_in = matmul(delta, layer.W.T, out=self.grads[k])
                prev = layers[k - 1]
                delta = prev.activation.backward(nets[k - 1], outputs[k - 1], grad_in, True)
        update_layers(layers, dW, db, self.learning_rate, self.l2)
        check_parameters(self.net, epoch)
        return value

    def _softmax(self, z: np.ndarray, e: np.ndarray) -> np.ndarray:
        """`activations.softmax(z, out=e)` on a few columns: exp(z − row max) / row Σ."""
        np.subtract(z, row_max(z, out=self.row), out=e)
        np.exp(e, out=e)
        e /= row_sum(e, keepdims=True, out=self.row)
        return e

    # The arrays the batch's sums read (weight and bias gradients): a subclass whose rows repeat
    # writes them out over the whole batch (periodic_step.PeriodicStep); here they are the rows.
    def _summed_delta(self, k: int, delta: np.ndarray) -> np.ndarray:
        return delta

    def _summed_input(self, k: int, a: np.ndarray) -> np.ndarray:
        return a

    def _cross_entropy(self, out: np.ndarray) -> float:
        """`CrossEntropy.value(out, T)`: −Σ_k t_k·ln(clip(out_k, EPS, 1)) per row, reduced."""
        self._loss_terms(out)
        return float(self.per_sample.sum() * self.scale)

    def _loss_terms(self, out: np.ndarray) -> None:
        """Each row's −Σ_k t_k·ln(clip(out_k, EPS, 1)), into `per_sample`."""
        log_p, terms = self.log_p, self.terms
        np.clip(out, EPS, 1.0, out=log_p)
        np.log(log_p, out=log_p)
        np.multiply(self.T, log_p, out=terms)
        np.negative(row_sum(terms, out=self.row), out=self.per_sample)
