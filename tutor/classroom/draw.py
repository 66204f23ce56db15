"""A network drawn for one student: numbers from (course seed, student ID), two decimals.

The numbers come from SHA-256 of the course seed, the student ID and a counter (never
Python's `hash`, which changes between runs), so the same inputs give the same network on
any machine, and two students get different numbers. Only the numbers are drawn: the
structure (activations, loss, learning rate, biases) is the template's, and `shape` may
change the layer sizes. The result is a network file (docs/network-file.md) as TOML text,
so the worksheet's answer key is exactly `trace --network` of that file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator

from tutor.engine.examples import Example
from tutor.errors import TutorError

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MAX_LAYERS = 4  # weight layers: a worksheet is computed by hand
MAX_NEURONS = 6


class DrawError(TutorError, ValueError):
    """A student ID, course seed or shape the worksheet cannot use; the message says why."""


def check_id(value: str, what: str) -> str:
    """A student ID or course seed: 1 to 64 letters, digits, `.`, `_`, `@`, `-`."""
    if not ID_PATTERN.fullmatch(value):
        raise DrawError(
            f"{what}: expected 1 to 64 letters, digits, '.', '_', '@' or '-' "
            f"(starting with a letter or digit), got {value[:70]!r}"
        )
    return value


def parse_shape(text: str) -> list[int]:
    """`2-2-2` → [2, 2, 2]: inputs, then each layer's neurons."""
    parts = text.split("-")
    if not 2 <= len(parts) <= MAX_LAYERS + 1 or not all(p.isdigit() for p in parts):
        raise DrawError(
            f"--shape: expected sizes joined by '-' like 2-2-2 (2 to {MAX_LAYERS + 1} numbers), "
            f"got {text[:40]!r}"
        )
    sizes = [int(p) for p in parts]
    if not all(1 <= n <= MAX_NEURONS for n in sizes):
        raise DrawError(f"--shape: each size must be 1 to {MAX_NEURONS}, got {text}")
    return sizes


def _draws(course_seed: str, student: str) -> Iterator[int]:
    """An endless stream of 32-bit numbers for this (course seed, student)."""
    counter = 0
    while True:
        key = f"backprop-tutor worksheet\0{course_seed}\0{student}\0{counter}".encode()
        digest = hashlib.sha256(key).digest()
        for i in range(0, len(digest), 4):
            yield int.from_bytes(digest[i : i + 4], "big")
        counter += 1


class _Hundredths:
    """Two-decimal numbers drawn from the stream, as the exact text written to the file."""

    def __init__(self, draws: Iterator[int]) -> None:
        self.draws = draws

    def between(self, low: int, high: int) -> str:
        """A number k/100 with low ≤ k ≤ high, as `0.15` or `-0.35`."""
        k = low + next(self.draws) % (high - low + 1)
        return f"{k / 100:.2f}"

    def signed(self, low: int, high: int) -> str:
        """± a number between low/100 and high/100."""
        magnitude = self.between(low, high)
        return magnitude if next(self.draws) % 2 == 0 else "-" + magnitude

    def index(self, n: int) -> int:
        return next(self.draws) % n


def student_network_toml(
    template: Example, student: str, course_seed: str, shape: list[int] | None = None
) -> str:
    """The network file of this student's worksheet, as TOML text."""
    check_id(student, "--student")
    check_id(course_seed, "--course-seed")
    layers = template.network.layers
    sizes = shape or template.network.sizes
    n_layers = len(sizes) - 1
    hundredths = _Hundredths(_draws(course_seed, student))
    # Hidden layers take the template's first layer as their model, the output layer its last.
    models = [layers[0] if k < n_layers - 1 else layers[-1] for k in range(n_layers)]
    if n_layers == len(layers):
        models = list(layers)
    title = f"Worksheet of student {student} (course seed {course_seed})"
    lines = [
        f"# Worksheet network of student {student}, course seed {course_seed},",
        f"# drawn by backprop-tutor from the template {json.dumps(template.name)}.",
        f"title = {json.dumps(title, ensure_ascii=False)}",
        f"inputs = {sizes[0]}",
        f"loss = {json.dumps(template.loss.name)}",
        f"learning_rate = {template.learning_rate!r}",
    ]
    for k, model in enumerate(models):
        fan_in, size = sizes[k], sizes[k + 1]
        rows = [
            "[" + ", ".join(hundredths.signed(5, 95) for _ in range(fan_in)) + "]"
            for _ in range(size)
        ]
        lines += [
            "",
            "[[layers]]",
            f"size = {size}",
            f"activation = {json.dumps(model.activation.name)}",
            "weights = [" + ", ".join(rows) + "]",
        ]
        if model.bias_mode == "layer":
            lines.append(f"bias = {hundredths.between(5, 95)}")
        elif model.bias_mode == "neuron":
            lines.append(
                "bias = [" + ", ".join(hundredths.between(5, 95) for _ in range(size)) + "]"
            )
        if model.bias_mode != "none":
            lines.append(f"train_bias = {'true' if model.train_bias else 'false'}")
    inputs = [hundredths.between(5, 95) for _ in range(sizes[0])]
    targets = _targets(hundredths, models[-1].activation.name, sizes[-1])
    lines += [
        "",
        "[sample]",
        f"inputs = [{', '.join(inputs)}]",
        f"targets = [{', '.join(targets)}]",
    ]
    return "\n".join(lines) + "\n"


def _targets(hundredths: _Hundredths, activation: str, n: int) -> list[str]:
    """Targets the output activation can reach: one-hot after softmax, (−1, 1) after tanh."""
    if activation == "softmax":
        hot = hundredths.index(n)
        return ["1.0" if j == hot else "0.0" for j in range(n)]
    if activation == "tanh":
        return [hundredths.signed(1, 99) for _ in range(n)]
    return [hundredths.between(1, 99) for _ in range(n)]
