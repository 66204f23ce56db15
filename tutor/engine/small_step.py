"""A full-batch training step of a small dense network, with few Python-level calls.

On a few rows NumPy's per-call overhead, not arithmetic, is the cost of a step: the general
path (`Network.forward`, `Loss.value`, `Network.backward`, `apply_update`, `check_parameters`)
spends more on its bookkeeping (a Cache, Gradients, per-layer branches, fresh arrays, frozen
bias checks) than on the ~40 ufunc calls of a 2-2-2 step. `SmallStep` does the same
arithmetic in the same order (the same NumPy calls on arrays of the same layout for every
matrix product and exp, whose bits depend on BLAS and on NumPy's SIMD code; exact rewritings
elsewhere), so a network trains to the same bits (tests/test_small_step.py compares the two
on random networks), and drops the rest:

- arrays are allocated once per training run and written with `out=`; constants (1, η, a
  frozen bias) are arrays of the operand's shape, since a Python float or a broadcast operand
  costs NumPy as much as the arithmetic on a few numbers;
- the sigmoid is told the signs of its net inputs (one look at the few values) and takes the
  shorter of the algebraically identical forms (see `_sigmoid_into`);
- ½Σ(t − out)² shares out − t with its gradient ((t − out)² = (out − t)² exactly); on one row
  of one or two sigmoid outputs (the worked example) the loss and the output delta are a few
  Python float operations (IEEE doubles: the same roundings) instead of six NumPy calls;
- frozen biases are checked for finiteness once (training never changes them), the updated
  arrays once per epoch as a Python sum of their values (a sum is finite only when every
  term is), `check_parameters` naming the layer when one is not;
- when the loss is not finite, the network's own forward pass is rerun on the same parameters
  to name the layer, so the report is the general path's, word for word.

It serves full-batch training of contiguous float64 networks of up to `MAX_ROWS` rows without
dropout, every activation but a hidden softmax, every loss (softmax + cross-entropy fused);
anything else takes the general path. A callback may change the network between epochs: `stale`
notices and `train` builds the step anew (or hands the remaining epochs to the general path).
"""

from __future__ import annotations

import math

import numpy as np

from tutor.engine.activations import SIGMOID
from tutor.engine.backprop import _bias_gradient
from tutor.engine.losses import CrossEntropy, HalfSquaredError, Loss
from tutor.engine.network import Cache, Dense, Network
from tutor.engine.training import check_parameters, locate_divergence

# Below this many rows the general path allocates afresh each step (see `train`'s buffers).
MAX_ROWS = 63
# A sigmoid layer of up to this many net inputs (rows × neurons) keeps a pair of constant arrays
# per sign pattern of its net inputs, at most SIGN_PATTERNS pairs (see _sigmoid_into).
SIGN_PATTERN_SIZE, SIGN_PATTERNS = 8, 256

_matmul, _add, _subtract, _multiply, _divide = (
    np.matmul,
    np.add,
    np.subtract,
    np.multiply,
    np.divide,
)
_negative, _absolute, _exp, _where, _greater_equal = (
    np.negative,
    np.absolute,
    np.exp,
    np.where,
    np.greater_equal,
)
_maximum, _add_reduce = np.maximum, np.add.reduce
_isfinite = math.isfinite
_at_least_zero = (0.0).__le__  # False for a NaN


def small_step(net: Network, X: np.ndarray, T: np.ndarray, loss: Loss, config) -> SmallStep | None:
    """The fast step for this full-batch training run, or None when the general path must run."""
    layers = net.layers
    if (
        config.rule != "batch"
        or X.ndim != 2
        or T.ndim != 2
        or not 1 <= X.shape[0] <= MAX_ROWS
        or X.dtype != np.float64
        or T.dtype != np.float64
        or any(not _fits(layer) for layer in layers)
        or any(layer.activation.name == "softmax" for layer in layers[:-1])
    ):
        return None
    if layers[-1].activation.name == "softmax" and not isinstance(loss, CrossEntropy):
        return None  # the softmax Jacobian product: rare on small nets, left to the general path
    return SmallStep(net, X, T, loss, config.learning_rate, config.l2)


def _fits(layer: Dense) -> bool:
    """A contiguous float64 layer without dropout whose frozen bias is finite (checked once)."""
    frozen = not layer.train_bias or layer.bias_mode == "none"
    return (
        layer.keep_prob == 1.0
        and layer.W.dtype == np.float64
        and layer.b.dtype == np.float64
        and layer.W.flags.c_contiguous
        and layer.b.flags.c_contiguous
        and (not frozen or bool(np.isfinite(layer.b).all()))
    )


class _Layer:
    """One layer's arrays (the network's own W and b) and the buffers its step writes.

    Constants are whole arrays (`ones`, `lr`): NumPy converts a Python float operand on every
    call, which costs as much as the arithmetic on a few numbers; the values are the same.
    """

    __slots__ = (
        "layer", "W", "Wt", "b", "added", "frozen", "mode", "trains_bias", "act", "sigmoid",
        "net", "net_flat", "out", "out_t", "e", "numerator", "dW", "ones", "lr", "signs",
    )  # fmt: skip

    def __init__(self, layer: Dense, rows: int, learning_rate):
        self.layer, self.W, self.Wt, self.b = layer, layer.W, layer.W.T, layer.b
        self.mode = layer.bias_mode
        self.trains_bias = layer.train_bias and layer.bias_mode != "none"
        self.act = layer.activation
        self.sigmoid = layer.activation is SIGMOID
        shape = (rows, layer.fan_out)
        # What net += b adds: a frozen bias written out to net's shape (the same numbers; a
        # broadcast add costs twice a plain one), whose values `stale` compares.
        frozen = not layer.train_bias and layer.bias_mode != "none"
        self.frozen = layer.b.tolist() if frozen else None
        self.added = np.broadcast_to(layer.b, shape).copy() if frozen else layer.b
        self.net, self.out, self.e = np.empty(shape), np.empty(shape), np.empty(shape)
        self.numerator, self.ones = np.empty(shape), np.ones(shape)
        self.net_flat, self.out_t = self.net.reshape(-1), self.out.T  # views
        self.dW = np.empty(layer.W.shape)
        self.lr = np.full(layer.W.shape, learning_rate, dtype=np.float64)
        # Sign pattern of net (z ≥ 0 per entry) -> (±1 making z·(±1) = −|z|, the 1/0 floor of
        # the numerator). Patterns of at most SIGN_PATTERN_SIZE entries are kept.
        self.signs: dict[tuple[bool, ...], tuple[np.ndarray, np.ndarray]] | None = (
            {} if rows * layer.fan_out <= SIGN_PATTERN_SIZE else None
        )


class SmallStep:
    """Forward, loss, backward and update of one full-batch step; see the module docstring."""

    def __init__(self, net: Network, X: np.ndarray, T: np.ndarray, loss: Loss, lr, l2):
        self.network, self.X, self.T, self.loss = net, X, T, loss
        self.lr, self.l2 = lr, l2
        rows = X.shape[0]
        self.layers = [_Layer(layer, rows, lr) for layer in net.layers]
        self.Xt = X.T
        self.scale = loss._scale(rows)
        last = net.layers[-1]
        self.fused_softmax = last.activation.name == "softmax"
        self.half_sse = type(loss) is HalfSquaredError
        # ½Σ(t − out)² of one row of one or two outputs adds up in Python (a + b: no order).
        self.one_short_row = rows == 1 and last.fan_out <= 2
        self.diff = np.empty((rows, last.fan_out))
        self.diff_flat = self.diff.reshape(-1)
        # The worked example's case, written out in Python floats (see _sigmoid_row_loss).
        self.sigmoid_row = self.half_sse and self.one_short_row and last.activation is SIGMOID
        self.target_row = T.reshape(-1).tolist()
        self.out_row = self.layers[-1].out.reshape(-1)  # a view of the output buffer
        # What an epoch's check adds up: every array the update writes, as flat views.
        self.updated = [layer.W.reshape(-1) for layer in net.layers] + [
            layer.b.reshape(-1)
            for layer in net.layers
            if layer.train_bias and layer.bias_mode != "none"
        ]

    def stale(self) -> bool:
        """True when a callback changed what this step was built on: the network's layers,
        their arrays (new ones, not values in place), their settings, or a frozen bias's values.
        """
        layers = self.network.layers
        return len(layers) != len(self.layers) or any(
            layer is not mine.layer
            or layer.W is not mine.W
            or layer.b is not mine.b
            or layer.activation is not mine.act
            or layer.bias_mode != mine.mode
            or (layer.train_bias and layer.bias_mode != "none") != mine.trains_bias
            or layer.keep_prob != 1.0
            or (mine.frozen is not None and layer.b.tolist() != mine.frozen)
            for layer, mine in zip(layers, self.layers)
        )

    def step(self, epoch: int) -> float:
        """One step; returns the loss before the update. TrainingDiverged as `train` reports it."""
        a = self.X
        for layer in self.layers:
            net = _matmul(a, layer.W, layer.net)
            if layer.mode != "none":
                _add(net, layer.added, net)
            if layer.sigmoid:
                a = _sigmoid_into(layer)
            else:
                layer.out = a = layer.act.forward(net)
                layer.out_t = a.T
        value, grad = self._loss(a)
        if not _isfinite(value):
            cache = Cache()
            self.network.forward(self.X, cache)  # the same numbers, kept layer by layer
            raise locate_divergence(cache, epoch)
        self._backward_and_update(grad)
        # check_parameters' test: a sum is finite only when every term is.
        total = 0.0
        for flat in self.updated:
            total += sum(flat.tolist())
        if not _isfinite(total):
            check_parameters(self.network, epoch)
        return value

    def _loss(self, out: np.ndarray) -> tuple[float, np.ndarray | None]:
        """The loss value and, for ½Σ(t − out)², dE/dout (else None: computed after the check)."""
        if self.sigmoid_row:
            return self._sigmoid_row_loss(), None
        if not self.half_sse:
            return self.loss.value(out, self.T), None
        # Loss.value: (0.5 · Σ_row (t − out)²).sum() · scale, and (t − out)² = (out − t)²;
        # Loss.grad: (out − t)·scale.
        d = _subtract(out, self.T, self.diff)
        if self.one_short_row:
            row = self.diff_flat.tolist()
            total = row[0] * row[0] if len(row) == 1 else row[0] * row[0] + row[1] * row[1]
            value = 0.5 * total * self.scale
        else:
            value = float(_add_reduce(0.5 * _add_reduce(d * d, -1), None) * self.scale)
        return value, d if self.scale == 1.0 else d * self.scale

    def _sigmoid_row_loss(self) -> float:
        """½Σ(t − out)² of one row of one or two sigmoid outputs, leaving the output delta
        (out − t)·(out·(1 − out)) in self.diff: the array forms' operations on two numbers,
        in Python floats (IEEE doubles, the same roundings) without six NumPy calls."""
        o, t, delta = self.out_row.tolist(), self.target_row, self.diff_flat
        d0 = o[0] - t[0]
        delta[0] = d0 * (o[0] * (1.0 - o[0]))
        if len(o) == 1:
            return 0.5 * (d0 * d0) * self.scale
        d1 = o[1] - t[1]
        delta[1] = d1 * (o[1] * (1.0 - o[1]))
        return 0.5 * (d0 * d0 + d1 * d1) * self.scale

    def _backward_and_update(self, grad: np.ndarray | None) -> None:
        """Network.backward (frozen bias gradients skipped) then apply_update, layer by layer.

        A layer's update comes right after the last use of its W (its grad_in): the same
        numbers as updating every layer at the end.
        """
        layers, T = self.layers, self.T
        last = layers[-1]
        out = last.out
        if self.sigmoid_row:
            delta = self.diff  # written by _sigmoid_row_loss
        elif self.fused_softmax:
            delta = _subtract(out, T)
            delta *= 1.0 / out.shape[0] if self.loss.reduction == "mean" else 1.0
        else:
            if grad is None:
                grad = self.loss.grad(out, T)
            if last.sigmoid:  # grad · out·(1 − out)
                slope = _subtract(last.ones, out, last.e)
                delta = _multiply(grad, _multiply(out, slope, slope), slope)
            else:
                delta = last.act.backward(last.net, out, grad)
        for k in range(len(layers) - 1, -1, -1):
            layer = layers[k]
            dW = _matmul(self.Xt if k == 0 else layers[k - 1].out_t, delta, layer.dW)
            db = _bias_gradient(delta, layer.mode) if layer.trains_bias else None
            if k > 0:
                grad_in = _matmul(delta, layer.Wt)
                prev = layers[k - 1]
                if prev.sigmoid:
                    slope = _subtract(prev.ones, prev.out, prev.e)
                    delta = _multiply(grad_in, _multiply(prev.out, slope, slope), grad_in)
                else:
                    delta = prev.act.backward(prev.net, prev.out, grad_in, overwrite=True)
            # apply_update: W ← W − η·(dE/dW + l2·W), b ← b − η·dE/db.
            if self.l2:
                dW = dW + self.l2 * layer.W
            _subtract(layer.W, _multiply(layer.lr, dW, dW), layer.W)
            if db is not None:
                _subtract(layer.b, _multiply(self.lr, db, db), layer.b)


def _sigmoid_into(layer: _Layer) -> np.ndarray:
    """activations.sigmoid(layer.net) written into layer.out, the same numbers.

    sigmoid computes e = exp(−|z|), then where(z ≥ 0, 1, e) / (1 + e). Knowing the signs
    (one look at the few values) the same numbers take fewer calls: −|z| = z·(∓1) exactly, and
    max(e, 1) = 1, max(e, 0) = e since 0 ≤ e ≤ 1. A NaN gives NaN whichever sign it is taken for.
    """
    z, e, ones, out = layer.net, layer.e, layer.ones, layer.out
    values = layer.net_flat.tolist()
    # min skips a NaN after the first value: fine, a NaN gives NaN by either form.
    if min(values) >= 0.0:
        _exp(_negative(z, e), e)
        return _divide(ones, _add(e, ones, e), out)
    signs = tuple(map(_at_least_zero, values))
    known = layer.signs
    pair = known.get(signs) if known is not None else None
    if pair is None and known is not None and len(known) < SIGN_PATTERNS:
        mask = np.array(signs).reshape(z.shape)
        pair = known[signs] = (np.where(mask, -1.0, 1.0), np.where(mask, 1.0, 0.0))
    if pair is None:  # as activations.sigmoid writes it
        _exp(_negative(_absolute(z, e), e), e)
        numerator = _where(_greater_equal(z, 0), ones, e)
    else:
        _exp(_multiply(z, pair[0], e), e)
        numerator = _maximum(e, pair[1], out=layer.numerator)
    return _divide(numerator, _add(e, ones, e), out)
