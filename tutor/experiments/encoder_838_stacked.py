"""Seed 001's online loop (`notebooks.encoder_838_notebook.train_online`) for K networks at once.

Cell [21] trains six 8-3-8 networks that differ only in their weights and learning rate.
Stacked along a leading axis they take one pass of NumPy calls per sample instead of six, and
each run's numbers stay train_online's on that run alone: matmul makes the same BLAS call on
every slice of a stack (a row vector times a matrix, a matrix times a column), the outer
products and updates are element-wise, and each run's Σe² and epoch mean add its own numbers
in the same order (tests/test_encoder_stacked.py compares them with np.array_equal).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.engine import Network
from tutor.engine.stacked import stack_layers, unstack_into
from tutor.experiments.notebooks import encoder_838_notebook as notebook
from tutor.experiments.registry import Progress, check_progress

_add_reduce = np.add.reduce


def _functions(activation):
    """(f, f′ from the output) exactly as train_online picks them for a layer."""
    if activation.name in notebook._FAST:
        return notebook._FAST[activation.name]
    return activation.forward, notebook._slope_from_output(activation)


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
