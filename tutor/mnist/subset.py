"""The 5,000 real MNIST digits shipped with the tutor, and their fixed train/test split."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from tutor.mnist.data import Dataset, MnistDataError

SUBSET_PATH = Path(__file__).resolve().parent / "shipped" / "mnist_5k.npz"
TEST_PER_CLASS = 100


def load_subset(path: Path = SUBSET_PATH) -> tuple[np.ndarray, np.ndarray]:
    """Images uint8 (5000, 784) and labels uint8 (5000,), 500 of each digit.

    The shipped file is inflated once per process (~20 ms each time: the MNIST lesson's run,
    its traced digit and the matrix form each asked for it) and shared read-only; any other
    file is read afresh."""
    if path == SUBSET_PATH:
        return _shipped_subset()
    return _read_subset(path)


@functools.cache
def _shipped_subset() -> tuple[np.ndarray, np.ndarray]:
    images, labels = _read_subset(SUBSET_PATH)
    images.flags.writeable = labels.flags.writeable = False  # shared: nobody may change it
    return images, labels


def _read_subset(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path) as archive:
            images, labels = archive["images"], archive["labels"]
    except (OSError, KeyError, ValueError) as error:
        raise MnistDataError(f"{path}: cannot read the shipped MNIST subset: {error}") from None
    if images.shape != (len(labels), 784) or images.dtype != np.uint8 or labels.max() > 9:
        raise MnistDataError(f"{path}: the shipped MNIST subset is malformed")
    return images, labels


def split_subset(
    images: np.ndarray, labels: np.ndarray, test_per_class: int = TEST_PER_CLASS
) -> Dataset:
    """Hold out the last `test_per_class` digits of each class; train on the rest (no RNG)."""
    test = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        test[np.flatnonzero(labels == digit)[-test_per_class:]] = True
    return Dataset(
        images[~test],
        labels[~test],
        images[test],
        labels[test],
        f"shipped MNIST subset ({(~test).sum()} train / {test.sum()} held out)",
    )


def subset_dataset() -> Dataset:
    """The shipped subset, split 4,000 train / 1,000 held out."""
    return split_subset(*load_subset())
