"""One digit traced through the trained network: forward, softmax, backward, layer by layer.

A layer has ~100k weights, so the screen shows shapes and summary statistics
(min/mean/max/norm), the ten softmax outputs, the hidden units that push the
predicted class most, and the gradient norms; `to_json` keeps every array in full.
Dropout is off (inference), so the traced pass is deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from tutor.atomic import write_text_atomic
from tutor.engine.losses import CROSS_ENTROPY
from tutor.engine.network import Cache, Network
from tutor.mnist.train import one_hot, to_inputs

SHADES = " ░▒▓█"


def draw_digit(image: np.ndarray) -> str:
    """28 lines of 56 characters: each pixel as two shade characters (darker = more ink)."""
    levels = (image.reshape(28, 28).astype(np.int64) * len(SHADES)) // 256
    return "\n".join("".join(SHADES[v] * 2 for v in row) for row in levels)


@dataclass
class LayerTrace:
    """Everything one layer computed for the sample (arrays have a leading batch axis of 1)."""

    k: int  # 1-based layer number
    unit: str  # 'h', 'h1', 'h2', … for hidden layers, 'o' for the output layer
    activation: str
    W: np.ndarray
    b: np.ndarray
    a_in: np.ndarray
    net: np.ndarray
    out: np.ndarray
    delta: np.ndarray  # dE/dnet
    dW: np.ndarray
    db: np.ndarray


@dataclass
class Contribution:
    """A hidden unit's share out_j · W[j, c] of the predicted class's net input."""

    unit: int
    out: float
    weight: float
    value: float


@dataclass
class SampleTrace:
    """The traced forward and backward pass of one digit."""

    index: int
    label: int
    image: np.ndarray
    x: np.ndarray
    layers: list[LayerTrace]
    probs: np.ndarray  # the ten softmax outputs
    predicted: int
    loss: float  # E = −log p(label)
    top_units: list[Contribution]

    def grad_norms(self) -> list[dict[str, float]]:
        """‖dE/dW‖, ‖dE/db‖ and ‖δ‖ of each layer (Frobenius / Euclidean norms)."""
        return [
            {
                "layer": lt.k,
                "dW": float(np.linalg.norm(lt.dW)),
                "db": float(np.linalg.norm(lt.db)),
                "delta": float(np.linalg.norm(lt.delta)),
            }
            for lt in self.layers
        ]


def _unit_names(n_layers: int) -> list[str]:
    hidden = ["h"] if n_layers == 2 else [f"h{k}" for k in range(1, n_layers)]
    return [*hidden, "o"]


def trace_sample(
    net: Network, image: np.ndarray, label: int, index: int = 0, n_top: int = 5
) -> SampleTrace:
    """Forward and backward pass of one uint8 image (784,) with its label, in the net's dtype."""
    dtype = net.layers[0].W.dtype
    x = to_inputs(image.reshape(1, -1), dtype)
    target = one_hot(np.array([label]), dtype)
    cache = Cache()
    probs = net.forward(x, cache)
    grads = net.backward(cache, target, CROSS_ENTROPY)
    names = _unit_names(len(net.layers))
    layers = [
        LayerTrace(
            k + 1,
            names[k],
            layer.activation.name,
            layer.W,
            layer.b,
            cache.inputs[k],
            cache.nets[k],
            cache.outs[k],
            grads.deltas[k],
            grads.dW[k],
            grads.db[k],
        )
        for k, layer in enumerate(net.layers)
    ]
    predicted = int(np.argmax(probs[0]))
    last = layers[-1]
    shares = last.a_in[0] * last.W[:, predicted]
    top = np.argsort(-shares, kind="stable")[:n_top]
    top_units = [
        Contribution(int(j), float(last.a_in[0, j]), float(last.W[j, predicted]), float(shares[j]))
        for j in top
    ]
    loss = CROSS_ENTROPY.value(probs, target)
    return SampleTrace(
        index, int(label), image.reshape(-1), x[0], layers, probs[0], predicted, loss, top_units
    )


def _stats(a: np.ndarray) -> str:
    a = np.asarray(a, dtype=np.float64)
    return f"{a.min():>10.4g} {a.mean():>10.4g} {a.max():>10.4g} {np.linalg.norm(a):>10.4g}"


def _shape(a: np.ndarray) -> str:
    return "(" + ", ".join(str(d) for d in a.shape) + ")"


def format_trace(tr: SampleTrace) -> str:
    """The on-screen summary of a traced sample."""
    p = tr.probs
    lines = [
        f"digit #{tr.index}: label {tr.label}, predicted {tr.predicted} "
        f"(p = {p[tr.predicted]:.4f}){'' if tr.label == tr.predicted else '  ✗ misclassified'}",
        draw_digit(tr.image),
        "",
        "forward pass (dropout off: inference)",
        f"  {'quantity':<14}{'shape':<12}{'min':>10} {'mean':>10} {'max':>10} {'norm':>10}",
        f"  {'x':<14}{_shape(tr.x[None]):<12}{_stats(tr.x)}",
    ]
    for lt in tr.layers:
        lines.append(
            f"  layer {lt.k}: net_{lt.unit} = a @ W{lt.k} + b{lt.k}, out = {lt.activation}"
        )
        for name, arr in ((f"W{lt.k}", lt.W), (f"b{lt.k}", lt.b)):
            lines.append(f"  {name:<14}{_shape(arr):<12}{_stats(arr)}")
        for name, arr in ((f"net_{lt.unit}", lt.net), (f"out_{lt.unit}", lt.out)):
            lines.append(f"  {name:<14}{_shape(arr):<12}{_stats(arr)}")
    lines += ["", f"softmax outputs (sum {float(np.sum(p, dtype=np.float64)):.6f}):"]
    for k in range(10):
        bar = "█" * int(round(40 * float(p[k])))
        mark = "  ← label" if k == tr.label else ""
        lines.append(f"  {k}: {float(p[k]):.6f} {bar}{mark}")
    last = tr.layers[-1]
    hidden = tr.layers[-2].unit if len(tr.layers) > 1 else "x"
    lines += [
        "",
        f"top hidden units pushing class {tr.predicted} "
        f"(out_{hidden}[j] · W{last.k}[j, {tr.predicted}]; "
        f"net_o[{tr.predicted}] = {float(last.net[0, tr.predicted]):.4f}):",
    ]
    for c in tr.top_units:
        lines.append(f"  unit {c.unit:>4}: {c.out:>8.4f} × {c.weight:>8.4f} = {c.value:>8.4f}")
    lines += ["", f"backward pass: E = −log p({tr.label}) = {tr.loss:.6f}"]
    lines.append(
        f"  {'quantity':<14}{'shape':<12}{'min':>10} {'mean':>10} {'max':>10} {'norm':>10}"
    )
    for lt in reversed(tr.layers):
        for name, arr in (
            (f"delta_{lt.unit}", lt.delta),
            (f"dE/dW{lt.k}", lt.dW),
            (f"dE/db{lt.k}", lt.db),
        ):
            lines.append(f"  {name:<14}{_shape(arr):<12}{_stats(arr)}")
    return "\n".join(lines)


def to_json(tr: SampleTrace) -> dict:
    """Every value of the trace, arrays in full (nested lists)."""
    return {
        "index": tr.index,
        "label": tr.label,
        "predicted": tr.predicted,
        "loss": tr.loss,
        "image": tr.image.astype(int).tolist(),
        "x": tr.x.tolist(),
        "softmax": tr.probs.tolist(),
        "top_units": [c.__dict__ for c in tr.top_units],
        "grad_norms": tr.grad_norms(),
        "layers": [
            {
                "layer": lt.k,
                "unit": lt.unit,
                "activation": lt.activation,
                "W": lt.W.tolist(),
                "b": lt.b.tolist(),
                "input": lt.a_in[0].tolist(),
                f"net_{lt.unit}": lt.net[0].tolist(),
                f"out_{lt.unit}": lt.out[0].tolist(),
                f"delta_{lt.unit}": lt.delta[0].tolist(),
                f"dE_dW{lt.k}": lt.dW.tolist(),
                f"dE_db{lt.k}": lt.db.tolist(),
            }
            for lt in tr.layers
        ],
    }


def export_json(path, document: dict) -> None:
    """Write `document` as JSON, atomically."""
    write_text_atomic(path, json.dumps(document, allow_nan=False) + "\n")
