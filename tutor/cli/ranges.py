"""argparse `type=` functions that enforce each numeric option's documented range.

A value out of range, or not a number, is argparse's one-line error
(`backprop-tutor trace: error: argument --rounds: expected a whole number 1 to
1,000,000, got '10**12'`), exit status 2, before any work starts. The ranges are
listed in README.md ("Limits").
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

# MNIST hidden layers (`mnist --hidden`): sizes, depth and the parameters they make.
MNIST_INPUTS, MNIST_OUTPUTS = 784, 10
MAX_HIDDEN_UNITS = 4096
MAX_HIDDEN_LAYERS = 8
MAX_MNIST_PARAMETERS = 10_000_000  # 40 MB of float32 weights


def _shown(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:27] + "...")


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number low ≤ n ≤ high."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected a whole number {low:,} to {high:,}, got {_shown(text)}"
            )
        return value

    parse.__name__ = "whole number"
    return parse


def real(
    low: float, high: float, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """A finite number in the interval; open ends say so in the message."""
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    interval = f"{left}{low:g}, {high:g}{right}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        inside = (
            math.isfinite(value)
            and (value > low if low_open else value >= low)
            and (value < high if high_open else value <= high)
        )
        if not inside:
            raise argparse.ArgumentTypeError(f"expected a number in {interval}, got {_shown(text)}")
        return value

    parse.__name__ = "number"
    return parse


def hidden_sizes(text: str) -> tuple[int, ...]:
    """`128` or `256,128`: MNIST hidden layer sizes within the size and parameter limits."""
    parts = text.split(",")
    size = whole(1, MAX_HIDDEN_UNITS)
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise argparse.ArgumentTypeError(
            f"{len(parts)} hidden layers; the limit is {MAX_HIDDEN_LAYERS}"
        )
    try:
        hidden = tuple(size(p) for p in parts)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected sizes like 128 or 256,128, each 1 to {MAX_HIDDEN_UNITS:,}; "
            f"got {_shown(text)}"
        ) from None
    sizes = [MNIST_INPUTS, *hidden, MNIST_OUTPUTS]
    parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if parameters > MAX_MNIST_PARAMETERS:
        raise argparse.ArgumentTypeError(
            f"a {'-'.join(map(str, sizes))} network has {parameters:,} weights and biases; "
            f"the limit is {MAX_MNIST_PARAMETERS:,}"
        )
    return hidden


PRECISION = whole(1, 17)  # decimals shown: float64 has 17 significant digits
MAX_ROUNDS = 1_000_000
SEED = whole(0, 2**32 - 1)
