"""Lesson 8's values to compute by hand, on its own network before training.

The 2-64-64-1 network of lesson 8 (`regularization.py`: He-initialised, seed 1) and its 40
training points give three predict steps: a hidden unit after inverted dropout with a fixed,
shown mask; the weight w1 after one full-batch step with L2 weight decay; and the error with
the L2 penalty added. Each value is computed by the engine (its own dropout and its own
`apply_update` with `l2`), and each comes with the numbers the student is given, the working,
and the values of the usual mistakes (`tutor.lessons.experiment_values`).
"""

from __future__ import annotations

import numpy as np

from tutor.engine import Init, build, get_loss
from tutor.engine.network import Cache
from tutor.engine.trace import format_number
from tutor.engine.training import apply_update
from tutor.experiments.registry import experiment
from tutor.experiments.regularization import L2, LEARNING_RATE, SIZES, SOURCE, data

KEEP_PROB = 0.7  # the MNIST lab's keep probability (lesson 9), for the hand computation
SHOWN_UNITS = 4  # units h1_1 … h1_4 of the first hidden layer are shown with their mask
MASK = (1, 0, 1, 1)  # kept, dropped, kept, kept: fixed, so the question has one answer
ASKED_UNIT = 3  # h1_3: kept, with a positive output


def _n(x: float) -> str:
    return format_number(float(x), 9)


class _FixedMask:
    """Stands in for the dropout random generator: the engine keeps a unit when draw < p."""

    def __init__(self, kept: np.ndarray):
        self.kept = kept

    def random(self, shape) -> np.ndarray:
        draws = np.where(self.kept, 0.0, 0.99)  # 0 < p keeps, 0.99 ≥ p drops
        return np.broadcast_to(draws, shape).copy()


def lesson_network():
    """Lesson 8's network before training, and its training data."""
    X, T, _, _ = data()
    return build(SIZES, ["relu", "relu", "sigmoid"], Init("he"), seed=1), X, T


def dropout_values(net, x: np.ndarray) -> dict:
    """Unit h1_3 of the first hidden layer after inverted dropout with the fixed mask."""
    kept = np.ones(SIZES[1], dtype=bool)
    kept[:SHOWN_UNITS] = np.array(MASK, dtype=bool)
    dropped_net = net.copy()
    dropped_net.layers[1].keep_prob = KEEP_PROB  # dropout on the first hidden layer's outputs
    cache = Cache()
    dropped_net.forward(x[None, :], cache, _FixedMask(kept))
    out = cache.outs[0][0]  # h1's ReLU outputs, before dropout
    after = cache.inputs[1][0]  # what the second hidden layer receives: after dropout
    k = ASKED_UNIT - 1
    given = [
        f"The first training point: x = ({_n(x[0])}, {_n(x[1])})",
        "First hidden layer, units 1 to 4: ReLU output before dropout, mask",
        *(f"  out_h1_{j + 1} = {_n(out[j]):<12}  m{j + 1} = {MASK[j]}" for j in range(SHOWN_UNITS)),
        f"(mask 1: kept, 0: dropped);  keep probability p = {KEEP_PROB:g}",
    ]
    worked = [
        f"h1_{ASKED_UNIT} is kept (m{ASKED_UNIT} = 1); inverted dropout divides it by p:",
        f"out_h1_{ASKED_UNIT}·m{ASKED_UNIT}/p = {_n(out[k])}·1/{KEEP_PROB:g} = {_n(after[k])}",
        "(a dropped unit gives 0; at test time nothing is dropped and nothing is divided)",
    ]
    mistakes = {
        "Inverted dropout also rescales: a kept unit is divided by the keep probability p.": out[k],
        "Multiplying by p is the original dropout's test-time scaling; in training, inverted "
        "dropout divides a kept unit by p.": out[k] * KEEP_PROB,
    }
    return {"value": float(after[k]), "given": given, "worked": worked, "mistakes": mistakes}


def l2_values(net, X: np.ndarray, T: np.ndarray) -> dict:
    """w1 (i1 → h1_1) after one full-batch step with weight decay, by the engine's update."""
    loss = get_loss("bce")
    error, grads = net.gradients(X, T, loss)
    w, g = float(net.layers[0].W[0, 0]), float(grads.dW[0][0, 0])
    stepped = net.copy()
    apply_update(stepped, grads, LEARNING_RATE, L2)
    w_new = float(stepped.layers[0].W[0, 0])
    eta, lam = LEARNING_RATE, L2
    given = [
        f"w1 (i1 → h1_1) = {_n(w)}",
        f"∂E/∂w1 = {_n(g)}   (gradient of the mean error of the 40 points)",
        f"η = {eta:g},  λ = {lam:g}",
    ]
    worked = [
        "w1+ = w1 − η·(∂E/∂w1 + λ·w1)",
        f"    = {_n(w)} − {eta:g}·({_n(g)} + {lam:g}·{_n(w)})",
        f"    = {_n(w)} − {eta:g}·{_n(g + lam * w)} = {_n(w_new)}",
    ]
    mistakes = {
        "Check the sign of the L2 term: the penalty (λ/2)·w² adds +λ·w to the gradient, "
        "so it shrinks the weight.": w - eta * (g - lam * w),
        "The L2 term λ·w is part of the gradient: add it to ∂E/∂w1 before the step.": w - eta * g,
        "λ·w is a gradient like ∂E/∂w1: multiply it by η too.": w - eta * g - lam * w,
        "Step against the gradient: w1+ = w1 − η·(…), not +.": w + eta * (g + lam * w),
    }
    penalty = float(sum(np.sum(layer.W**2) for layer in net.layers))
    e_l2 = error + lam / 2 * penalty
    penalty_given = [
        f"E = {_n(error)}   (mean cross-entropy of the 40 points)",
        f"Σw² = {_n(penalty)}   (all weights, not the biases)",
        f"λ = {lam:g}",
    ]
    penalty_worked = [
        "E' = E + (λ/2)·Σw²",
        f"   = {_n(error)} + ({lam:g}/2)·{_n(penalty)} = {_n(e_l2)}",
    ]
    penalty_mistakes = {
        "E' = E + (λ/2)·Σw²: keep the ½, whose 2 cancels in the gradient λ·w.": error
        + lam * penalty,
    }
    return {
        "l2": {"value": w_new, "given": given, "worked": worked, "mistakes": mistakes},
        "penalty": {
            "value": e_l2,
            "given": penalty_given,
            "worked": penalty_worked,
            "mistakes": penalty_mistakes,
        },
    }


@experiment(
    "regularization_by_hand",
    "Dropout and L2 on one step of the lesson's network, by hand",
    SOURCE,
)
def regularization_by_hand(progress=None) -> dict:
    """The three values lesson 8 asks, with what is given, the working and the usual mistakes."""
    net, X, T = lesson_network()
    parts = {"dropout": dropout_values(net, X[0]), **l2_values(net, X, T)}
    keys = {"dropout": "out_h1_3", "l2": "w1", "penalty": "E"}
    result: dict = {"given": {}, "worked": {}, "mistakes": {}}
    for part, name in keys.items():
        key = f"{part}.{name}"
        result[part] = {name: parts[part]["value"]}
        for extra in ("given", "worked", "mistakes"):
            result[extra][key] = parts[part][extra]
    return result
