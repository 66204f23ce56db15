"""Backpropagation through a cached forward pass: every layer's dE/dW, dE/db and delta.

`Network.backward` calls it; it lives apart from the network so that a command that only runs
forward passes and traced steps (`trace mazur`) does not compile it at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tutor.engine.losses import CrossEntropy, Loss
from tutor.engine.network import SMALL_BATCH, Cache, Gradients, _buffer

if TYPE_CHECKING:
    from tutor.engine.network import Network


def backward(
    net: Network, cache: Cache, target: np.ndarray, loss: Loss, frozen_bias_gradients: bool = True
) -> Gradients:
    """Backpropagate `loss` through `net`'s cached forward pass (`Network.backward`).

    `frozen_bias_gradients=False` skips dE/db of biases that are never updated (an empty
    array in their place): a training step needs only what it applies.
    """
    out = cache.outs[-1]
    if not (type(target) is np.ndarray and target.ndim == 2):
        target = np.atleast_2d(target)
    last = net.layers[-1]
    reuse = cache.buffers is not None
    if last.activation.name == "softmax" and isinstance(loss, CrossEntropy):
        # Softmax followed by cross-entropy: dE/dnet = (ŷ − y), scaled by the reduction.
        scale = 1.0 / out.shape[0] if loss.reduction == "mean" else 1.0
        if reuse:
            dtype = np.result_type(out, target)
            delta = np.subtract(out, target, out=_buffer(cache, ("delta",), out.shape, dtype))
        else:
            delta = np.subtract(out, target)
        delta *= scale
    else:
        delta = last.activation.backward(cache.nets[-1], out, loss.grad(out, target))
    n = len(net.layers)
    dW: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    db: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    deltas: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    for k in range(n - 1, -1, -1):
        layer = net.layers[k]
        deltas[k] = delta
        dW[k] = cache.inputs[k].T @ delta
        if frozen_bias_gradients or layer.train_bias:
            db[k] = _bias_gradient(delta, layer.bias_mode)
        else:
            db[k] = _NO_GRADIENT
        if k > 0:
            if reuse:
                shape = (delta.shape[0], layer.fan_in)
                dtype = np.result_type(delta, layer.W)
                buffer = _buffer(cache, ("grad", k), shape, dtype)
                grad_in = np.matmul(delta, layer.W.T, out=buffer)
            else:
                grad_in = np.matmul(delta, layer.W.T)
            if cache.masks[k] is not None:
                grad_in *= cache.masks[k]
            prev = net.layers[k - 1]
            # grad_in is ours (fresh or our buffer), so the activation may write into it.
            delta = prev.activation.backward(
                cache.nets[k - 1], cache.outs[k - 1], grad_in, overwrite=True
            )
    return Gradients(dW, db, deltas)


_NO_GRADIENT = np.zeros(0)
_NO_GRADIENT.flags.writeable = False


def _bias_gradient(delta: np.ndarray, bias_mode: str) -> np.ndarray:
    if bias_mode == "neuron":
        # Σ over samples. With two or more columns einsum adds the rows in the same order as
        # np.sum(delta, axis=0) (row after row) but 3-4× faster on a tall, narrow delta; a
        # single column is a contiguous sum, which np.sum does pairwise: keep np.sum there.
        # A few rows: the method call is cheaper than einsum's set-up and adds in the same order.
        if delta.ndim == 2 and delta.shape[1] > 1 and delta.shape[0] > SMALL_BATCH:
            return np.einsum("ij->j", delta)
        return delta.sum(axis=0)
    if bias_mode == "layer":
        return delta.sum().reshape(1)
    return np.zeros(0, dtype=delta.dtype)
