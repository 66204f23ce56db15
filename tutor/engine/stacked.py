"""K independent networks of one shape trained together, stacked along a leading axis.

`train_stacked(nets, X, T, loss, configs)` gives each network exactly what `train(net, X, T,
loss, config)` gives it alone, bit for bit (full-batch rule): NumPy's matmul makes the same
BLAS call on every 2-D slice of a stack, element-wise operations do not see the stack, and
each reduction below adds one run's numbers in the order `train()` adds them
(tests/test_engine_stacked.py compares weights and loss histories with np.array_equal). What
is saved is Python: one pass of ~60 NumPy calls per epoch for all K runs instead of one per run.

The runs share the layer sizes, activations, bias modes, loss and epoch count; each keeps its
own weights, learning rate, L2 factor, dropout keep probabilities and dropout seed, and may
have its own inputs and targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from tutor.engine.activations import Activation
from tutor.engine.losses import CrossEntropy, Loss
from tutor.engine.network import SMALL_BATCH, Cache, Network
from tutor.engine.training import History, TrainConfig, TrainingDiverged, locate_divergence

# How many networks one stack may hold (each is a copy of a network's parameters).
MAX_RUNS = 4096
_add_reduce = np.add.reduce  # ndarray.sum without its Python-level wrapper: the same sums


class StackedTrainingDiverged(TrainingDiverged):
    """One run of a stack produced a NaN or an infinity: says which run, the epoch and where."""

    def __init__(self, run: int, epoch: int, layer: int | None, quantity: str):
        self.run = run
        super().__init__(epoch, layer, quantity)
        self.args = (f"run {run}: {self.args[0]}",)


@dataclass
class StackedLayer:
    """One layer of every run: W (K, fan_in, fan_out), b (K, 1, width), the shared activation."""

    W: np.ndarray
    b: np.ndarray | None  # None: no bias; width = fan_out ('neuron') or 1 ('layer')
    activation: Activation
    bias_mode: str
    train_bias: bool
    keep_probs: np.ndarray | None  # (K,) keep probability of this layer's input; None: all 1
    scratch: dict = field(default_factory=dict)  # arrays the dropout masks are drawn into


# on_epoch(epoch (1-based), losses (K,), layers) -> False to stop every run.
StackedEpochCallback = Callable[[int, np.ndarray, list[StackedLayer]], "bool | None"]
# on_forward(epoch (1-based), outputs (K, n, width)): every run's output in that epoch's forward
# pass, before its update (after epoch − 1 updates); read it during the call, never write it.
StackedForwardCallback = Callable[[int, np.ndarray], None]


def stack_layers(nets: Sequence[Network], same_activations: bool = True) -> list[StackedLayer]:
    """The networks' parameters copied into stacks; ValueError unless they have one shape.

    `same_activations=False` lets a layer's activation differ between runs (the stacked layer
    names the first run's): for a caller that applies each run's own function.
    """
    if not nets:
        raise ValueError("a stack needs at least one network")
    if len(nets) > MAX_RUNS:
        raise ValueError(f"a stack holds at most {MAX_RUNS} networks, got {len(nets)}")
    first = nets[0]
    layers = []
    for i, layer in enumerate(first.layers):
        for r, net in enumerate(nets):
            other = net.layers[i] if len(net.layers) == len(first.layers) else None
            if other is None or net.sizes != first.sizes:
                raise ValueError(f"network {r} has sizes {net.sizes}, network 0 {first.sizes}")
            same = (
                (other.activation.name == layer.activation.name or not same_activations)
                and other.bias_mode == layer.bias_mode
                and other.train_bias == layer.train_bias
                and other.W.dtype == layer.W.dtype
            )
            if not same:
                raise ValueError(
                    f"layer {i + 1} of network {r} differs from network 0's in activation, "
                    "bias mode, bias training or dtype"
                )
        W = np.stack([net.layers[i].W for net in nets])
        b = None
        if layer.bias_mode != "none":
            b = np.stack([net.layers[i].b for net in nets])[:, None, :]
        keeps = np.array([net.layers[i].keep_prob for net in nets])
        layers.append(
            StackedLayer(
                W,
                b,
                layer.activation,
                layer.bias_mode,
                layer.train_bias,
                keeps if np.any(keeps < 1.0) else None,
            )
        )
    return layers


def unstack_into(layers: list[StackedLayer], nets: Sequence[Network]) -> None:
    """Copy every run's weights and biases back into its network's own arrays."""
    for r, net in enumerate(nets):
        for stacked, layer in zip(layers, net.layers):
            layer.W[...] = stacked.W[r]
            if stacked.b is not None:
                layer.b[...] = stacked.b[r, 0]


def train_stacked(
    nets: Sequence[Network],
    X: np.ndarray,
    T: np.ndarray,
    loss: Loss,
    configs: TrainConfig | Sequence[TrainConfig],
    on_epoch: StackedEpochCallback | None = None,
    loss_values: bool = True,
    on_forward: StackedForwardCallback | None = None,
) -> list[History]:
    """Train every network in place, full batch, as `train()` would alone; one History each.

    X and T are shared (n × width) or one per run (K × n × width). `configs` is one
    TrainConfig for all or one per run; every rule must be 'batch' and every epoch count equal.
    `loss_values=False`, for a caller that reads only the trained networks, skips each epoch's
    loss value: the histories are empty, on_epoch hears NaN for every loss, and a NaN or an
    infinity is caught by the parameter check after the update of the epoch it appears in.
    `on_forward` hears each epoch's output stack as the forward pass made it (with the epoch's
    dropout masks, if any): without dropout, run r's slice is what `Network.forward` of run r
    alone gives after epoch − 1 updates, so a caller that looks at the trained networks' outputs
    needs no forward pass of its own.
    """
    k_runs = len(nets)
    configs = [configs] * k_runs if isinstance(configs, TrainConfig) else list(configs)
    _check_configs(configs, k_runs)
    layers = stack_layers(nets)
    X = np.asarray(X) if np.ndim(X) == 3 else np.atleast_2d(X)
    T = np.asarray(T) if np.ndim(T) == 3 else np.atleast_2d(T)
    if T.ndim == 2:
        T = np.broadcast_to(T, (k_runs, *T.shape))
    n = T.shape[1]
    rows = np.ascontiguousarray(T).reshape(k_runs * n, T.shape[2])  # the targets, run after run
    rngs = _dropout_rngs(nets, configs)
    learning_rates = np.array([c.learning_rate for c in configs])[:, None, None]
    decay = np.array([c.l2 for c in configs])[:, None, None]
    l2 = decay if np.any(decay != 0.0) else None  # none decays: train() skips the L2 term too
    update_arrays = _UpdateArrays(layers, learning_rates, _decayed_runs(decay))
    epochs = configs[0].epochs
    losses = np.empty((epochs if loss_values else 0, k_runs))
    values = np.full(k_runs, np.nan)  # what on_epoch hears without loss values
    scale = loss._scale(n)
    stopped = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, epochs + 1):
            nets_, outs, inputs, masks = _forward(layers, X, rngs)
            if on_forward is not None:
                on_forward(epoch, outs[-1])
            if loss_values:
                # Each sample's loss from (K·n) × width rows: train()'s own 2-D code path.
                per_sample = loss.per_sample(outs[-1].reshape(rows.shape), rows)
                values = _add_reduce(per_sample.reshape(k_runs, n), 1) * scale
                if not math.isfinite(_add_reduce(values)) and not np.all(np.isfinite(values)):
                    raise _locate_divergence(values, nets_, outs, epoch)
                losses[epoch - 1] = values
            dW, db = _backward(layers, nets_, outs, inputs, masks, T, loss, n)
            _update(layers, dW, db, learning_rates, l2, update_arrays)
            _check_parameters(layers, epoch)
            if on_epoch is not None and on_epoch(epoch, values, layers) is False:
                stopped = True
                break
    unstack_into(layers, nets)
    ran = losses[:epoch] if epochs and loss_values else losses
    return [History(ran[:, r].tolist(), stopped) for r in range(k_runs)]


def _check_configs(configs: list[TrainConfig], k_runs: int) -> None:
    if len(configs) != k_runs:
        raise ValueError(f"{k_runs} networks need one config or {k_runs}, got {len(configs)}")
    for config in configs:
        if config.rule != "batch":
            raise ValueError(f"train_stacked trains full batches only, not {config.rule!r}")
        if config.epochs != configs[0].epochs:
            raise ValueError("every run of a stack trains for the same number of epochs")


def _dropout_rngs(nets, configs) -> list[np.random.Generator | None]:
    """train()'s dropout generator of each run: seeded seed + 1, only when it drops out."""
    rngs: list[np.random.Generator | None] = []
    for net, config in zip(nets, configs):
        drops = any(layer.keep_prob < 1.0 for layer in net.layers)
        seed = None if config.seed is None else config.seed + 1
        rngs.append(np.random.default_rng(seed) if drops else None)
    return rngs


def _dropout_mask(layer: StackedLayer, a: np.ndarray, rngs) -> np.ndarray:
    """Each run's inverted-dropout mask for this layer's input, drawn from that run's generator
    as train() draws it alone; ones (1.0 / 1) for a run that keeps every unit of this layer.

    train() computes (u < p) as 0.0 or 1.0, then ÷ p: here (u < p) · (1 ÷ p), the same two
    values. The draws and the mask are written into arrays kept from one epoch to the next.
    """
    keep_probs = layer.keep_probs
    assert keep_probs is not None  # called only for a layer some run drops out on
    shape = (len(keep_probs), a.shape[-2], a.shape[-1])
    scratch = layer.scratch.get(shape)
    if scratch is None or scratch[2].dtype != a.dtype:
        keeps = keep_probs[:, None, None]
        one = np.ones((), dtype=a.dtype)
        # In the mask's precision, as train()'s mask /= p; u of a run keeping all stays 0 < 1.
        inverse = one / keeps.astype(a.dtype)
        # A run keeping every unit has the mask 1.0 throughout (its u stays 0 < 1, · 1 ÷ 1):
        # written once; when some run keeps all, each dropping run's mask is made on its own.
        dropping = [r for r, keep in enumerate(keep_probs) if keep < 1.0]
        runs = (
            None
            if len(dropping) == len(keep_probs)
            else [(r, keeps[r], inverse[r]) for r in dropping]
        )
        scratch = (np.zeros(shape), keeps, np.ones(shape, a.dtype), inverse, dropping, runs)
        layer.scratch[shape] = scratch
    draws, keeps, mask, inverse, dropping, runs = scratch
    for r in dropping:
        rngs[r].random(out=draws[r])
    # The comparison's True/False written as 1.0/0.0, then scaled in place: (u < p) · (1 ÷ p)
    # without a boolean array to cast in the product.
    if runs is None:
        np.less(draws, keeps, out=mask)
        return np.multiply(mask, inverse, out=mask)
    for r, keep, scale in runs:
        np.less(draws[r], keep, out=mask[r])
        np.multiply(mask[r], scale, out=mask[r])
    return mask


def _forward(layers: list[StackedLayer], X: np.ndarray, rngs):
    nets, outs, inputs, masks = [], [], [], []
    a = X
    for layer in layers:
        mask = None
        if layer.keep_probs is not None:
            mask = _dropout_mask(layer, a, rngs)
            a = a * mask
        z = np.matmul(a, layer.W)
        if layer.b is not None:
            z += layer.b
        inputs.append(a)
        nets.append(z)
        masks.append(mask)
        a = layer.activation.forward(z)
        outs.append(a)
    return nets, outs, inputs, masks


def _samples_first(a: np.ndarray) -> np.ndarray:
    """(K, n, width) seen as (n, K, width): a Loss reads axis 0 as the samples it averages."""
    return a.transpose(1, 0, 2)


def _backward(layers, nets, outs, inputs, masks, T, loss: Loss, n: int):
    out = outs[-1]
    last = layers[-1]
    if last.activation.name == "softmax" and isinstance(loss, CrossEntropy):
        delta = np.subtract(out, T)
        delta *= 1.0 / n if loss.reduction == "mean" else 1.0
    else:
        grad = loss.grad(_samples_first(out), _samples_first(T))
        grad = np.ascontiguousarray(_samples_first(grad))
        delta = last.activation.backward(nets[-1], out, grad)
    dW: list[np.ndarray] = [None] * len(layers)  # type: ignore[list-item]
    db: list[np.ndarray | None] = [None] * len(layers)
    for k in range(len(layers) - 1, -1, -1):
        layer = layers[k]
        a = inputs[k]
        dW[k] = np.matmul(a.swapaxes(-1, -2), delta)
        if layer.b is not None and layer.train_bias:
            db[k] = _bias_gradient(delta, layer.bias_mode)
        if k > 0:
            grad_in = _grad_in(delta, layer.W)
            if masks[k] is not None:
                grad_in *= masks[k]
            prev = layers[k - 1]
            delta = prev.activation.backward(nets[k - 1], outs[k - 1], grad_in, overwrite=True)
    return dW, db


# From this many products on, einsum's outer product beats matmul's loop (measured: ~3,800
# of them 14 µs against 17; 176 of them 7.5 µs against 3.1).
OUTER_BY_EINSUM = 4096


def _grad_in(delta: np.ndarray, W: np.ndarray) -> np.ndarray:
    """δ @ Wᵀ of every run, each slice's bits as train()'s `delta @ W.T` alone.

    A layer of one unit (δ (K, n, 1), n > 1, fan_in > 1) makes an outer product, which matmul
    computes in its loop for a column times a row as 0 + δ_i·w_j per element; for a large one
    in float64, einsum's products plus 0 are those very numbers (a −0 product becomes +0 in
    both; NaN and ±∞ pass alike) at less cost per element.
    """
    k_runs, rows, width = delta.shape
    fan_in = W.shape[-2]
    if width == 1 and rows > 1 and fan_in > 1 and k_runs * rows * fan_in >= OUTER_BY_EINSUM:
        if delta.dtype == W.dtype == np.float64:
            grad_in = np.einsum("ki,kj->kij", delta[..., 0], W[..., 0])
            grad_in += 0.0
            return grad_in
    return np.matmul(delta, W.swapaxes(-1, -2))


def _bias_gradient(delta: np.ndarray, bias_mode: str) -> np.ndarray:
    """Σ over each run's samples, added as backprop._bias_gradient adds one run's; (K, 1, width)."""
    if bias_mode == "neuron":
        rows, width = delta.shape[1], delta.shape[2]
        if width > 1 and rows > SMALL_BATCH:
            return np.einsum("kij->kj", delta)[:, None, :]
        return _add_reduce(delta, 1)[:, None, :]
    return _add_reduce(delta.reshape(delta.shape[0], -1), 1)[:, None, None]


def _decayed_runs(decay: np.ndarray) -> list[tuple[slice, np.ndarray]]:
    """The runs with λ ≠ 0 as slices of consecutive runs, each with its λ (k, 1, 1)."""
    runs = np.flatnonzero(decay[:, 0, 0])
    groups, start = [], 0
    for i in range(1, len(runs) + 1):
        if i == len(runs) or runs[i] != runs[i - 1] + 1:
            part = slice(int(runs[start]), int(runs[i - 1]) + 1)
            groups.append((part, decay[part]))
            start = i
    return groups


class _UpdateArrays:
    """Each run's η and λ repeated over each float64 layer's weight shape, made once a stack.

    A product with a (K, 1, 1) factor is broadcast along every row (an inner loop a row); with
    the factor written out at the weights' shape it is one element-wise pass: the same products.
    """

    def __init__(self, layers, learning_rates: np.ndarray, decayed) -> None:
        self.rates: list[np.ndarray | None] = []
        self.decays: list[list[tuple[slice, np.ndarray]]] = []
        for layer in layers:
            full = layer.W.dtype == learning_rates.dtype
            shape = layer.W.shape
            self.rates.append(np.broadcast_to(learning_rates, shape).copy() if full else None)
            self.decays.append(
                [(part, np.broadcast_to(d, layer.W[part].shape).copy()) for part, d in decayed]
                if full
                else []
            )


def _update(
    layers,
    dW,
    db,
    learning_rates: np.ndarray,
    l2: np.ndarray | None,
    arrays: _UpdateArrays,
) -> None:
    """w ← w − η·dE/dw per run (training.apply_update's arithmetic); L2 only where λ ≠ 0.

    In place on dW (this epoch's own arrays) when it has the weights' and η's dtype: dE/dW + λ·W
    on the runs with λ ≠ 0 (`_decayed_runs`) only, then η·(…) and the subtraction, with η and λ
    written out at the weights' shape (`arrays`): the products and sums of the other branch
    (neither depends on operand order).
    """
    for k, (layer, grad_W, grad_b) in enumerate(zip(layers, dW, db)):
        rates = arrays.rates[k]  # None unless the weights have η's dtype
        if rates is not None and grad_W.dtype == layer.W.dtype:
            for part, decay in arrays.decays[k]:
                decayed_grad = grad_W[part]
                decayed_grad += np.multiply(layer.W[part], decay)
            layer.W -= np.multiply(grad_W, rates, out=grad_W)
        else:
            if l2 is not None:
                with_l2 = grad_W + l2 * layer.W
                grad_W = np.where(l2 != 0.0, with_l2, grad_W)
            layer.W -= learning_rates * grad_W
        if grad_b is not None:
            layer.b -= learning_rates * grad_b


def _locate_divergence(values, nets, outs, epoch: int) -> StackedTrainingDiverged:
    """The first run whose loss is not finite, and its first layer with a non-finite value."""
    run = int(np.flatnonzero(~np.isfinite(values))[0])
    one_run = Cache(nets=[net_k[run] for net_k in nets], outs=[out_k[run] for out_k in outs])
    found = locate_divergence(one_run, epoch)  # the same search as a single run's
    return StackedTrainingDiverged(run, epoch, found.layer, found.quantity)


def _check_parameters(layers: list[StackedLayer], epoch: int) -> None:
    """StackedTrainingDiverged for the first run with a non-finite weight or bias."""
    total = 0.0
    for layer in layers:
        total += float(_add_reduce(layer.W, None))
        if layer.b is not None:
            total += float(_add_reduce(layer.b, None))
    if math.isfinite(total):
        return
    for r in range(layers[0].W.shape[0]):
        for k, layer in enumerate(layers, start=1):
            finite = np.isfinite(layer.W[r]).all()
            if layer.b is not None:
                finite = finite and np.isfinite(layer.b[r]).all()
            if not finite:
                raise StackedTrainingDiverged(r, epoch, k, "weights after the update")
