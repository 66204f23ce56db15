"""Seed 001's notebook (001_bbb3b44a6a416223.txt), its online training reproduced literally.

Cells [16]-[17]: per sample, forward through Layer(8,3), Layer(3,8) with σ(z) = 1/(1 + e^−z),
error e = ŷ − x, dE/dŷ = e, backward through both layers (the derivative applied to the layer
OUTPUT: σ(out)(1 − σ(out)), the notebook's slip, or out(1 − out) when corrected), then update
at once; the epoch's loss is np.mean of the eight Σe² taken before each sample's update.

Why the engine (`train(..., TrainConfig(rule="online", shuffle=False))` with ½Σe², which has
the same gradient) does not stand in — tests/test_notebook_arithmetic.py shows both:

- Its σ is e^z/(1 + e^z) for z < 0 (overflow-free) where the notebook computes 1/(1 + e^−z):
  the two round differently in the last bit, and the encoder's off-diagonal outputs have z < 0.
- It adds an epoch's losses one after another; the notebook's np.mean adds the eight
  pairwise. So the engine's numbers leave the notebook's after the first sample.

Both reproduce the printed loss table to its 12-16 digits (neither bit for bit, on this
machine); the lessons' computed columns, heatmaps and codes are the notebook's arithmetic,
which this module keeps bit for bit (it equals a line-by-line transcription of the cells,
benchmarks/repro_b.py's `notebook_001`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tutor.engine import Activation, Network
from tutor.engine.stacked import stack_layers, unstack_into
from tutor.experiments.notebooks.ufunc_constants import ONE, constant
from tutor.progress import Progress, check_progress

ArrayFn = Callable[[np.ndarray], np.ndarray]

_add_reduce = np.add.reduce  # np.sum without its Python-level dispatch
_exp = np.exp
_outer = np.multiply.outer
MINUS_ONE = constant(-1.0)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The notebook's σ(z) = 1/(1+e^−z); |z| stays small here, so e^−z never overflows."""
    e = _exp(-z)
    e += 1.0
    return 1.0 / e


def _quirk_derivative(out: np.ndarray) -> np.ndarray:
    """Cell [15]'s derivative applied to the layer output: σ(out)(1 − σ(out))."""
    s = _sigmoid(out)
    return s * (1.0 - s)


# Lean forms of the engine's activations (same formulas; the notebook's rounding of σ).
_FAST: dict[str, tuple[ArrayFn, ArrayFn]] = {
    "sigmoid": (_sigmoid, lambda out: out * (1.0 - out)),
    "sigmoid_quirk_001": (_sigmoid, _quirk_derivative),
}


def _slope_from_output(act: Activation) -> ArrayFn:
    """out ↦ f′ for an activation whose derivative reads only out (the loop keeps no net z)."""
    derivative = act.derivative
    if derivative is None or act.slope_reads == "net":
        raise ValueError(f"train_online keeps no net input z: {act.name}'s derivative needs it")
    return lambda out: derivative(out, out)  # z unread (identity reads only its shape)


def train_online(
    net: Network,
    inputs: np.ndarray,
    lr: float,
    epochs: int,
    progress: Progress | None = None,
    done_before: int = 0,
    total: int | None = None,
) -> list[float]:
    """Online gradient descent as cell [17]: per sample e = ŷ − x, dE/dŷ = e, update at once.

    Returns the epoch losses as the notebook records them: Σe² of each sample before its
    update, averaged over the epoch with np.mean of the Python list. Trains `net` in place.
    """
    total = total if total is not None else epochs
    if _one_hot_sigmoid_pair(net, inputs):
        return _train_encoder(net, inputs, lr, epochs, progress, done_before, total)
    return _train_any(net, inputs, lr, epochs, progress, done_before, total)


def _train_any(
    net: Network,
    inputs: np.ndarray,
    lr: float,
    epochs: int,
    progress: Progress | None,
    done_before: int,
    total: int,
) -> list[float]:
    """Any depth and any activation whose slope reads its output (the general form)."""
    # Python overhead dominates 8-wide vectors: 1-D arrays, no caches, fused bookkeeping.
    params = []
    for layer in net.layers:
        name = layer.activation.name
        if name in _FAST:
            f, df = _FAST[name]
        else:
            f, df = layer.activation.forward, _slope_from_output(layer.activation)
        params.append((layer.W, layer.b, f, df))
    reverse = list(range(len(params) - 1, -1, -1))
    history: list[float] = []
    for epoch in range(epochs):
        losses = []
        for x in inputs:
            outs = [x]
            a = x
            for W, b, f, _ in params:
                z = a @ W
                z += b
                a = f(z)
                outs.append(a)
            error = a - x
            losses.append(_add_reduce(error * error))  # = np.sum(error**2), same order
            # Backward through every layer before any update (the notebook's NN.backward).
            dA = error
            deltas = [error] * len(params)  # placeholders: every slot is set below
            for k in reverse:
                W, _, _, df = params[k]
                dZ = dA * df(outs[k + 1])
                deltas[k] = dZ
                if k:
                    dA = W @ dZ
            for k, (W, b, _, _) in enumerate(params):
                W -= lr * _outer(outs[k], deltas[k])
                b -= lr * deltas[k]
        history.append(float(np.mean(losses)))
        if epoch % 100 == 0:
            check_progress(progress, done_before + epoch, total, history[-1])
    return history


def _one_hot_sigmoid_pair(net: Network, inputs: np.ndarray) -> bool:
    """True for the notebook's case: two layers of one σ (either derivative), one-hot inputs."""
    names = {layer.activation.name for layer in net.layers}
    if len(net.layers) != 2 or len(names) != 1 or not names <= set(_FAST):
        return False
    if any(layer.bias_mode != "neuron" or not layer.train_bias for layer in net.layers):
        return False
    arrays = [inputs] + [a for layer in net.layers for a in (layer.W, layer.b)]
    if inputs.ndim != 2 or any(a.dtype != np.float64 for a in arrays):
        return False
    hot = inputs == 1.0
    return bool(np.all(hot.sum(axis=1) == 1) and np.all(hot | (inputs == 0.0)))


def _train_encoder(
    net: Network,
    inputs: np.ndarray,
    lr: float,
    epochs: int,
    progress: Progress | None,
    done_before: int,
    total: int,
) -> list[float]:
    """`_train_any`'s numbers for two σ layers and one-hot inputs, in 24 NumPy calls a sample.

    Bit for bit the same arithmetic, rearranged only where IEEE rounding is exact:
    - x @ W1 for a one-hot x is row i of W1 exactly (1·w plus zeros), and W1 −= lr·outer(x, δ1)
      changes only row i, by lr·δ1 (the other rows lose 0);
    - everything but W2 is kept NEGATED: W1, the biases, both layers' outputs, the error and
      the deltas (rounding is symmetric: fl(−x ∘ y) = −fl(x ∘ y) for + − × ÷ and for BLAS's
      multiply-adds). So σ(z) = 1/(1 + e^−z) is −1/(1 + e^x) of x = −z, σ(out) for the quirk's
      σ′ needs no negation before e^x, −a1 @ W2 is −(a1 @ W2), the error −(a2 − x) is
      (−a2) + x, (−e)·σ′ is −δ, outer(−a1, −δ2) is outer(a1, δ2), and each update is the
      notebook's with its sign flipped exactly;
    - the two vector products are np.dot's: for a 1-D operand and a C-contiguous matrix, both
      wider than 1, it makes the BLAS call np.matmul makes (cblas_dgemv, the same order,
      transposition and leading dimension), with less set-up per call;
    - element-wise steps of both layers that do not depend on each other (σ′ at both outputs,
      lr·δ, the bias updates) run as one call over one buffer holding both layers;
    - the errors of an epoch are kept and squared and summed row by row at its end (the same
      pairwise sum of eight as np.sum on each), then np.mean as the notebook.
    """
    layer1, layer2 = net.layers
    quirk = layer1.activation.name == "sigmoid_quirk_001"
    h, n_out = layer2.W.shape
    w2 = layer2.W.copy()
    neg_w1 = -layer1.W
    neg_b = np.concatenate([-layer1.b, -layer2.b])  # [−b1 | −b2]
    neg_b1, neg_b2 = neg_b[:h], neg_b[h:]
    neg_outs, slopes, neg_deltas, neg_steps, spare = (np.empty(h + n_out) for _ in range(5))
    neg_a1, neg_a2 = neg_outs[:h], neg_outs[h:]
    neg_d1, neg_d2 = neg_deltas[:h], neg_deltas[h:]
    s1, s2 = slopes[:h], slopes[h:]
    neg_step1 = neg_steps[:h]
    z2 = np.empty(n_out)
    outer_buf = np.empty_like(w2)
    neg_errors = np.empty((len(inputs), n_out))
    squares = np.empty_like(neg_errors)
    samples = [(neg_w1[int(np.argmax(x))], x, e) for x, e in zip(inputs, neg_errors)]
    add, sub, mul, div, exp = np.add, np.subtract, np.multiply, np.divide, _exp
    # A width of 1 makes np.dot's operand a scalar (another BLAS call than matmul's): matmul.
    dot = np.dot if min(h, n_out) > 1 else np.matmul
    reciprocal, one, minus_one, rate = np.reciprocal, ONE, MINUS_ONE, constant(lr)
    neg_a1_column = neg_a1[:, None]  # outer(a1, δ2) as a1 column times δ2 row: the same products
    history: list[float] = []
    try:
        for epoch in range(epochs):
            # Positional out= and 0-d constants: the same calls, less argument parsing.
            for neg_w1_row, x, neg_error in samples:
                add(neg_w1_row, neg_b1, neg_a1)  # −(x @ W1 + b1)
                exp(neg_a1, neg_a1)
                add(neg_a1, one, neg_a1)
                div(minus_one, neg_a1, neg_a1)  # −a1
                dot(neg_a1, w2, z2)  # −(a1 @ W2)
                add(neg_b2, z2, neg_a2)  # −(a1 @ W2 + b2)
                exp(neg_a2, neg_a2)
                add(neg_a2, one, neg_a2)
                div(minus_one, neg_a2, neg_a2)  # −a2
                add(neg_a2, x, neg_error)  # −(a2 − x)
                if quirk:  # σ(out)(1 − σ(out)) at both layers' outputs
                    exp(neg_outs, slopes)
                    add(slopes, one, slopes)
                    reciprocal(slopes, slopes)  # 1/x: the division 1/x, one operand fewer
                    sub(one, slopes, spare)
                    mul(slopes, spare, slopes)
                else:  # out(1 − out) = (−out)·(−1 − (−out))
                    sub(minus_one, neg_outs, spare)
                    mul(neg_outs, spare, slopes)
                mul(neg_error, s2, neg_d2)  # −δ2 = (−e) ⊙ f′
                dot(w2, neg_d2, neg_d1)
                mul(neg_d1, s1, neg_d1)  # −δ1 = (W2 @ −δ2) ⊙ f′
                mul(rate, neg_deltas, neg_steps)  # −lr·δ for both layers
                sub(neg_b, neg_steps, neg_b)  # −(b − lr·δ)
                sub(neg_w1_row, neg_step1, neg_w1_row)  # −(W1[i] − lr·δ1)
                mul(neg_a1_column, neg_d2, outer_buf)  # outer(a1, δ2)
                mul(rate, outer_buf, outer_buf)
                sub(w2, outer_buf, w2)
            mul(neg_errors, neg_errors, out=squares)
            history.append(float(np.mean(_add_reduce(squares, axis=1))))
            if epoch % 100 == 0:
                check_progress(progress, done_before + epoch, total, history[-1])
    finally:  # the network as trained so far, also when the progress callback cancels
        np.negative(neg_w1, out=layer1.W)
        np.negative(neg_b1, out=layer1.b)
        layer2.W[...] = w2
        np.negative(neg_b2, out=layer2.b)
    return history


# -- K networks at once (cell [21]'s learning-rate runs) ------------------------------
# Seed 001's online loop (`train_online` above) for K networks at once.
#
# Cell [21] trains six 8-3-8 networks that differ only in their weights and learning rate.
# Stacked along a leading axis they take one pass of NumPy calls per sample instead of six, and
# each run's numbers stay train_online's on that run alone: matmul makes the same BLAS call on
# every slice of a stack (a row vector times a matrix, a matrix times a column), the outer
# products and updates are element-wise, and each run's Σe² and epoch mean add its own numbers
# in the same order (tests/test_encoder_stacked.py compares them with np.array_equal).


def _functions(activation):
    """(f, f′ from the output) exactly as train_online picks them for a layer."""
    if activation.name in _FAST:
        return _FAST[activation.name]
    return activation.forward, _slope_from_output(activation)


def _run_functions(activations: list) -> tuple:
    """(f, f′) of a stacked layer whose runs may use different activations: each run's values
    are its own function's (np.where picks them; the other functions' values are dropped)."""
    names = [a.name for a in activations]
    if len(set(names)) == 1:
        return _functions(activations[0])
    groups = [
        (np.array([n == name for n in names])[:, None, None], *_functions(activation))
        for name, activation in {a.name: a for a in activations}.items()
    ]

    def pick(which: int):
        def apply(v: np.ndarray) -> np.ndarray:
            out = groups[-1][which](v)
            for group in groups[-2::-1]:
                out = np.where(group[0], group[which](v), out)
            return out

        return apply

    return pick(1), pick(2)


def train_online_stacked(
    nets: Sequence[Network],
    inputs: np.ndarray,
    learning_rates: Sequence[float],
    epochs: int,
    progress: Progress | None = None,
) -> list[list[float]]:
    """train_online(net, inputs, lr, epochs) for every (net, lr) pair, in one stack.

    The networks share their layer sizes; a layer's activation may differ between runs (the
    quirk's and the corrected σ′ side by side). Trains the networks in place and returns each
    one's epoch losses. Progress counts epochs (every 100, as train_online) with the first
    run's loss.
    """
    layers = stack_layers(nets, same_activations=False)
    lr = np.asarray(learning_rates, dtype=float)[:, None, None]
    if lr.shape[0] != len(nets):
        raise ValueError(f"{len(nets)} networks need {len(nets)} learning rates, got {len(lr)}")
    if all(_one_hot_sigmoid_pair(net, inputs) for net in nets):
        return _train_encoders_stacked(nets, inputs, lr, epochs, progress)
    params = [
        (layer.W, layer.b, *_run_functions([net.layers[i].activation for net in nets]))
        for i, layer in enumerate(layers)
    ]
    reverse = list(range(len(params) - 1, -1, -1))
    rows = [x[None, :] for x in inputs]  # each sample as a 1-row matrix, shared by every run
    losses = np.empty((len(nets), len(rows)))
    history = np.empty((epochs, len(nets)))
    for epoch in range(epochs):
        for i, x in enumerate(rows):
            outs = [x]
            a = x
            for W, b, f, _ in params:
                z = np.matmul(a, W)  # (K, 1, fan_out): each run's row vector times its matrix
                z += b
                a = f(z)
                outs.append(a)
            error = a - x
            losses[:, i] = _add_reduce(error * error, axis=-1)[:, 0]
            dA = error
            deltas = [error] * len(params)
            for k in reverse:
                W, _, _, df = params[k]
                dZ = dA * df(outs[k + 1])
                deltas[k] = dZ
                if k:
                    dA = np.matmul(W, dZ.swapaxes(-1, -2)).swapaxes(-1, -2)  # W @ dZ per run
            for k, (W, b, _, _) in enumerate(params):
                W -= lr * (outs[k].swapaxes(-1, -2) * deltas[k])  # lr · outer(out_k, δ_k)
                b -= lr * deltas[k]
        history[epoch] = np.mean(losses, axis=1)
        if epoch % 100 == 0:
            check_progress(progress, epoch, epochs, float(history[epoch, 0]))
    unstack_into(layers, nets)
    return [history[:, r].tolist() for r in range(len(nets))]


def _train_encoders_stacked(
    nets: Sequence[Network],
    inputs: np.ndarray,
    lr: np.ndarray,
    epochs: int,
    progress: Progress | None,
) -> list[list[float]]:
    """`_train_encoder` for K networks at once (cell [18]'s variants, cell [21]'s runs): its
    NumPy calls a sample, each over the stack, so K runs cost little more than one.

    Each run's numbers are `_train_encoder`'s on that run alone, bit for bit: the element-wise
    steps are the same IEEE operations per element (a run's learning rate repeated over its
    values instead of broadcast), and the two products per sample are the general stacked
    loop's (`np.matmul` of each run's (1, h) row by its (h, n) matrix, and of its (h, n) matrix
    by its (n, 1) column: the same BLAS call on every slice as the lone run's vector products).
    Every buffer holds [layer 1 of all runs | layer 2 of all runs], each half contiguous (NumPy
    is ~3× slower on strided views of these tiny arrays). Runs with the quirk's σ′ and with
    the correct one share a stack: both slopes are computed, each run's own copied in.
    `lr` is (K, 1, 1).

    It repeats `_train_encoder`'s loop rather than replacing it: one run through this stack gives
    the same bits but costs 10-30 % more (0.45-0.62 s against 0.43-0.47 s for 3000 epochs), and
    `verify` trains seed 001 alone.
    """
    k_runs = len(nets)
    h, n_out = nets[0].layers[1].W.shape
    split = k_runs * h

    def halves(buffer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return buffer[:split].reshape(k_runs, 1, h), buffer[split:].reshape(k_runs, 1, n_out)

    w2 = np.stack([net.layers[1].W for net in nets])  # (K, h, n)
    # (inputs, K, 1, h): the rows of one input, every run's, side by side (contiguous)
    neg_w1 = -np.stack([net.layers[0].W for net in nets], axis=1)[:, :, None, :]
    neg_b = np.concatenate([-np.concatenate([net.layers[i].b for net in nets]) for i in (0, 1)])
    neg_b1, neg_b2 = halves(neg_b)  # [−b1 of every run | −b2 of every run]
    rates = np.concatenate([np.repeat(lr.ravel(), h), np.repeat(lr.ravel(), n_out)])
    rates_w2 = np.broadcast_to(lr, w2.shape).copy()
    outs, slopes, deltas, steps, spare = (np.empty(split + k_runs * n_out) for _ in range(5))
    a1, a2 = halves(outs)
    d1, d2 = halves(deltas)
    s1, s2 = halves(slopes)
    step1 = halves(steps)[0]
    d1_column, d2_column = d1.swapaxes(1, 2), d2.swapaxes(1, 2)  # (K, h, 1), (K, n, 1)
    a1_column = a1.swapaxes(1, 2)  # (K, h, 1)
    quirk = [net.layers[0].activation.name == "sigmoid_quirk_001" for net in nets]
    correct_values = np.concatenate([np.repeat(np.logical_not(quirk), size) for size in (h, n_out)])
    has_quirk, has_correct = any(quirk), not all(quirk)
    mixed = has_quirk and has_correct
    correct_slopes = np.empty_like(slopes) if mixed else slopes
    outer_buf = np.empty_like(w2)
    errors = np.empty((len(inputs), k_runs, 1, n_out))  # sample by sample, each contiguous
    squares = np.empty_like(errors)
    samples = [(neg_w1[int(np.argmax(x))], x, errors[i]) for i, x in enumerate(inputs)]
    add, sub, mul, div, exp, matmul = np.add, np.subtract, np.multiply, np.divide, _exp, np.matmul
    negative, copyto, one = np.negative, np.copyto, ONE
    history = np.empty((epochs, k_runs))
    try:
        for epoch in range(epochs):
            # Positional out= and a 0-d 1.0, as _train_encoder: the same calls.
            for neg_w1_row, x, error in samples:
                add(neg_w1_row, neg_b1, a1)  # −(x @ W1 + b1)
                exp(a1, a1)
                add(a1, one, a1)
                div(one, a1, a1)
                matmul(a1, w2, a2)
                sub(neg_b2, a2, a2)  # −(a1 @ W2 + b2)
                exp(a2, a2)
                add(a2, one, a2)
                div(one, a2, a2)
                sub(a2, x, error)
                if has_quirk:  # σ(out)(1 − σ(out)) at both layers' outputs
                    negative(outs, slopes)
                    exp(slopes, slopes)
                    add(slopes, one, slopes)
                    div(one, slopes, slopes)
                    sub(one, slopes, spare)
                    mul(slopes, spare, slopes)
                if has_correct:  # out(1 − out)
                    sub(one, outs, spare)
                    mul(outs, spare, correct_slopes)
                    if mixed:
                        copyto(slopes, correct_slopes, where=correct_values)
                mul(error, s2, d2)  # δ2 = e ⊙ f′
                matmul(w2, d2_column, d1_column)
                mul(d1, s1, d1)  # δ1 = (W2 @ δ2) ⊙ f′
                mul(rates, deltas, steps)  # lr·δ for both layers
                add(neg_b, steps, neg_b)  # −(b − lr·δ)
                add(neg_w1_row, step1, neg_w1_row)  # −(W1[i] − lr·δ1)
                mul(rates_w2, mul(a1_column, d2, outer_buf), outer_buf)
                sub(w2, outer_buf, w2)
            mul(errors, errors, out=squares)
            sums = np.ascontiguousarray(_add_reduce(squares, axis=3)[..., 0].T)  # (K, samples)
            history[epoch] = np.mean(sums, axis=1)
            if epoch % 100 == 0:
                check_progress(progress, epoch, epochs, float(history[epoch, 0]))
    finally:  # the networks as trained so far, also when the progress callback cancels
        for k, net in enumerate(nets):
            layer1, layer2 = net.layers
            np.negative(neg_w1[:, k, 0], out=layer1.W)
            np.negative(neg_b1[k, 0], out=layer1.b)
            layer2.W[...] = w2[k]
            np.negative(neg_b2[k, 0], out=layer2.b)
    return [history[:, k].tolist() for k in range(k_runs)]
