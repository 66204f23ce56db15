"""Lesson 1's values to compute by hand: the slides' seeded sigmoid neuron before training.

The neuron is `single_neuron`'s (3 inputs, no bias, weights 2·random − 1 with seed 2, the
slides' four training rows); the student computes, from the printed starting weights, the net
input and the output for the row [1, 1, 1], then the first update of w1 that the slides'
`W += Xᵀ·(error·out·(1 − out))` makes. The engine computes each answer (its forward pass and
one full-batch step of its own training loop); the usual mistakes are recomputed here so a
hint names one only when the typed value is that mistake's.
"""

from __future__ import annotations

import math

import numpy as np

from tutor.engine import Init, build, get_loss, train
from tutor.engine.network import Cache
from tutor.engine.trace import format_number
from tutor.engine.training import TrainConfig
from tutor.experiments.neuron import NEURON_T, NEURON_X, SEED_FILE
from tutor.experiments.registry import experiment

ROW = 1  # the training row [1, 1, 1], target 1


def _n(x: float) -> str:
    return format_number(float(x), 9)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@experiment(
    "neuron_by_hand",
    "The slides' seeded neuron before training: one net input, one output, one update",
    f"{SEED_FILE}, slides 'Initialize Weights…' to 'Train the Neural Network'",
)
def neuron_by_hand(progress=None) -> dict:
    """The values lesson 1 asks, with what is given, the working and the usual mistakes."""
    net = build([3, 1], ["sigmoid"], Init("uniform", low=-1.0, high=1.0), seed=2, bias_mode="none")
    w = net.layers[0].W[:, 0].copy()
    cache = Cache()
    outs = net.forward(NEURON_X, cache)[:, 0]
    nets = cache.nets[0][:, 0]
    z, out = float(nets[ROW]), float(outs[ROW])
    trained = net.copy()  # one step of the engine's own loop, η = 1 on Σ ½(t − out)²
    train(trained, NEURON_X, NEURON_T, get_loss("half_sse"), TrainConfig(1.0, 1))
    w1_after = float(trained.layers[0].W[0, 0])
    t = NEURON_T[:, 0]
    slope = outs * (1 - outs)
    weights = "   ".join(f"w{k + 1} = {_n(v)}" for k, v in enumerate(w))
    rows = [
        f"  row {r + 1}: x = {NEURON_X[r].astype(int).tolist()}, t = {int(t[r])}, "
        f"out = {_n(outs[r])}"
        for r in range(4)
    ]
    terms = " + ".join(
        f"{int(NEURON_X[r, 0])}·({int(t[r])} − {_n(outs[r])})·{_n(slope[r])}" for r in range(4)
    )
    parts = {
        "net_of_row_2": {
            "value": z,
            "given": [f"Starting weights: {weights}", "Row: x = [1, 1, 1], target 1"],
            "worked": [
                "net = w1·x1 + w2·x2 + w3·x3",
                f"    = {_n(w[0])}·1 + {_n(w[1])}·1 + {_n(w[2])}·1 = {_n(z)}",
            ],
            "mistakes": {
                "The neuron has three inputs: x3 = 1 adds w3 too.": float(w[0] + w[1]),
            },
        },
        "out_of_row_2": {
            "value": out,
            "given": [f"net = {_n(z)} (the previous step's answer)"],
            "worked": [f"out = 1/(1 + e^−net) = 1/(1 + e^−({_n(z)})) = {_n(out)}"],
            "mistakes": {
                "That is the net input; apply the sigmoid to it.": z,
                "The minus sign matters: σ(net) = 1/(1 + e^−net), not 1/(1 + e^net).": _sigmoid(
                    -z
                ),
            },
        },
        "w1_after_step_1": {
            "value": w1_after,
            "given": [f"Starting weights: {weights}", "The four rows before the update:", *rows],
            "worked": [
                "w1+ = w1 + Σ_rows x1·(t − out)·out·(1 − out)",
                f"    = {_n(w[0])} + ({terms})",
                f"    = {_n(w1_after)}",
            ],
            "mistakes": {
                "Each row's error is multiplied by the sigmoid's slope out·(1 − out).": float(
                    w[0] + np.sum(NEURON_X[:, 0] * (t - outs))
                ),
                "The slides' update adds the adjustment: w1 + Σ x1·(t − out)·out·(1 − out).": float(
                    w[0] - np.sum(NEURON_X[:, 0] * (t - outs) * slope)
                ),
            },
        },
    }
    result: dict = {"given": {}, "worked": {}, "mistakes": {}}
    for key, part in parts.items():
        result[key] = part["value"]
        for extra in ("given", "worked", "mistakes"):
            result[extra][key] = part[extra]
    return result
