"""Lesson 9's values to compute by hand: the traced digit in the untrained 784-128-10 network.

The digit and network are those of the `mnist-digit` example (`backprop-tutor trace
mnist-digit`): the first shipped digit, a 0, through the lesson's network before training
(seed 0), dropout off. No per-neuron trace holds them (the network has 101,770 parameters),
so the values come from the engine's forward pass, with the numbers the student is given,
the working and the usual mistakes (`tutor.lessons.experiment_values`).
"""

from __future__ import annotations

import math

import numpy as np

from tutor.engine.network import Cache
from tutor.engine.trace import format_number
from tutor.experiments.mnist import SOURCE
from tutor.experiments.registry import experiment

HIDDEN_UNIT = 3  # h3: a unit whose net input is negative


def _n(x: float) -> str:
    return format_number(float(x), 9)


def traced_digit():
    """(net inputs of the hidden layer, net inputs of the output layer, outputs, label)."""
    from tutor.experiments.builtin_examples import get_example

    example = get_example("mnist-digit")
    cache = Cache()
    out = example.network.forward(np.atleast_2d(example.x), cache)
    label = int(np.argmax(example.target))
    return cache.nets[0][0], cache.nets[1][0], out[0], label


def _hidden(z_hidden: np.ndarray) -> dict:
    z = float(z_hidden[HIDDEN_UNIT - 1])
    k = HIDDEN_UNIT
    return {
        "value": max(z, 0.0),
        "given": [f"net_h{k} = {_n(z)}   (hidden unit h{k}, ReLU)"],
        "worked": [f"out_h{k} = max(0, net_h{k}) = max(0, {_n(z)}) = {_n(max(z, 0.0))}"],
        "mistakes": {
            "That is the net input; apply the activation to it: ReLU gives max(0, net).": z,
            "The hidden units here are ReLU, not sigmoid: out = max(0, net).": 1
            / (1 + math.exp(-z)),
        },
    }


def _given_nets(z_out: np.ndarray, label: int) -> list[str]:
    lines = [f"This digit (a {label}): the ten output net inputs (o1 is digit 0, …, o10 digit 9)"]
    for j in range(0, 10, 2):
        lines.append(f"  net_o{j + 1} = {_n(z_out[j]):<14}  net_o{j + 2} = {_n(z_out[j + 1])}")
    return lines


def _probability(z_out: np.ndarray, out: np.ndarray, label: int) -> dict:
    c = label + 1
    p = float(out[label])
    total = float(np.sum(np.exp(z_out)))
    return {
        "value": p,
        "given": _given_nets(z_out, label),
        "worked": [
            f"out_o{c} = e^net_o{c} / (e^net_o1 + … + e^net_o10)",
            f"       = e^{_n(z_out[label])} / {_n(total)}",
            f"       = {_n(math.exp(z_out[label]))} / {_n(total)} = {_n(p)}",
        ],
        "mistakes": {
            "Softmax takes e to the power of each net input before dividing by the sum.": float(
                z_out[label] / np.sum(z_out)
            ),
            "The output layer is softmax, not sigmoid: e^net of this unit over the sum of all ten"
            " units' e^net.": 1 / (1 + math.exp(-z_out[label])),
        },
    }


def _loss(out: np.ndarray, label: int) -> dict:
    c = label + 1
    p = float(out[label])
    loss = -math.log(p)
    return {
        "value": loss,
        "given": [f"out_o{c} = {_n(p)}   (the probability of the right digit, {label})"],
        "worked": [
            f"E = −ln out_o{c}   (the target is 1 for digit {label}, 0 for the other nine)",
            f"  = −ln {_n(p)} = {_n(loss)}",
        ],
        "mistakes": {
            "Cross-entropy takes the natural logarithm ln, not the one to base 10.": -math.log10(p),
            "E = −ln(out): the minus sign makes the loss positive.": math.log(p),
        },
    }


def _delta(out: np.ndarray, label: int) -> dict:
    c = label + 1
    p = float(out[label])
    return {
        "value": p - 1.0,
        "given": [f"out_o{c} = {_n(p)},  target t_o{c} = 1"],
        "worked": [f"δ_o{c} = out_o{c} − t_o{c} = {_n(p)} − 1 = {_n(p - 1.0)}"],
        "mistakes": {
            "Check the sign: δ = out − target for softmax with cross-entropy.": 1.0 - p,
        },
    }


@experiment(
    "mnist_digit_by_hand",
    "The traced digit in the untrained network, by hand",
    SOURCE,
)
def mnist_digit_by_hand(progress=None) -> dict:
    """The values lesson 9 asks, with what is given, the working and the usual mistakes."""
    z_hidden, z_out, out, label = traced_digit()
    c = label + 1
    parts = {
        f"hidden.out_h{HIDDEN_UNIT}": _hidden(z_hidden),
        f"softmax.out_o{c}": _probability(z_out, out, label),
        "loss.E": _loss(out, label),
        f"delta.delta_o{c}": _delta(out, label),
    }
    result: dict = {"given": {}, "worked": {}, "mistakes": {}, "label": label}
    for key, part in parts.items():
        group, name = key.split(".")
        result.setdefault(group, {})[name] = part["value"]
        for extra in ("given", "worked", "mistakes"):
            result[extra][key] = part[extra]
    return result
