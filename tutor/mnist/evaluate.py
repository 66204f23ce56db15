"""Evaluate a trained classifier: accuracy, per-class accuracy, confusion matrix, worst digits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.engine.network import Network
from tutor.mnist.train import to_inputs


@dataclass
class Worst:
    """A badly classified digit: its index, true and predicted label, and p(true label)."""

    index: int
    label: int
    predicted: int
    p_true: float


@dataclass
class Evaluation:
    """How well the network does on a set of digits (dropout off: inference)."""

    accuracy: float
    per_class: list[float]  # accuracy on the digits of each class 0-9
    counts: list[int]  # how many digits of each class
    confusion: np.ndarray  # (10, 10) ints: row = true label, column = predicted
    worst: list[Worst]  # the lowest probabilities given to the true label, lowest first
    n: int


def predict_proba(net: Network, images: np.ndarray, dtype=np.float32, chunk: int = 2000):
    """Softmax outputs (n, 10) for uint8 images, without dropout, a chunk at a time."""
    parts = [
        net.predict(to_inputs(images[s : s + chunk], dtype)) for s in range(0, len(images), chunk)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 10), dtype=dtype)


def evaluate(
    net: Network, images: np.ndarray, labels: np.ndarray, dtype=np.float32, n_worst: int = 5
) -> Evaluation:
    """Accuracy, per-class accuracy, confusion matrix and the `n_worst` worst-classified digits."""
    probs = predict_proba(net, images, dtype)
    predicted = probs.argmax(axis=1)
    labels = labels.astype(np.int64)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    counts = confusion.sum(axis=1)
    per_class = [
        float(confusion[k, k] / counts[k]) if counts[k] else float("nan") for k in range(10)
    ]
    p_true = probs[np.arange(len(labels)), labels]
    order = np.argsort(p_true, kind="stable")[:n_worst]
    worst = [Worst(int(i), int(labels[i]), int(predicted[i]), float(p_true[i])) for i in order]
    accuracy = float(np.mean(predicted == labels)) if len(labels) else float("nan")
    return Evaluation(accuracy, per_class, counts.tolist(), confusion, worst, len(labels))


def per_class_table(ev: Evaluation) -> dict:
    """The experiment-table form of the per-class accuracy."""
    return {
        "columns": ["digit", "digits", "correct", "accuracy"],
        "rows": [
            [k, ev.counts[k], int(ev.confusion[k, k]), _percent(ev.per_class[k])] for k in range(10)
        ],
        "caption": "Accuracy on the held-out digits of each class",
    }


def confusion_table(ev: Evaluation) -> dict:
    """The experiment-table form of the confusion matrix (rows true, columns predicted)."""
    return {
        "columns": ["true \\ predicted", *[str(k) for k in range(10)]],
        "rows": [[k, *ev.confusion[k].tolist()] for k in range(10)],
        "caption": "Confusion matrix: row = true digit, column = predicted digit",
    }


def worst_table(ev: Evaluation) -> dict:
    """The worst-classified digits as an experiment table."""
    return {
        "columns": ["index", "true", "predicted", "p(true)"],
        "rows": [[w.index, w.label, w.predicted, float(f"{w.p_true:.3g}")] for w in ev.worst],
        "caption": "Worst-classified digits: lowest probability given to the true label",
    }


def format_report(ev: Evaluation) -> str:
    """A plain-text report: accuracy, per-class accuracy and the confusion matrix."""
    lines = [f"accuracy {ev.accuracy:.2%} on {ev.n} digits", "", "per class:"]
    lines.append("  digit  " + " ".join(f"{k:>6}" for k in range(10)))
    lines.append("  acc    " + " ".join(f"{a:>6.1%}" if a == a else "     —" for a in ev.per_class))
    lines += ["", "confusion matrix (row = true digit, column = predicted):"]
    lines.append("       " + " ".join(f"{k:>5}" for k in range(10)))
    for k in range(10):
        lines.append(f"  {k:>3}  " + " ".join(f"{v:>5}" for v in ev.confusion[k]))
    return "\n".join(lines)


def _percent(fraction: float) -> str:
    """A percentage six wide (' 98.0%'), to line up; a dash for a class with no digits (NaN)."""
    return "     —" if fraction != fraction else f"{fraction:>6.1%}"  # right-aligned
