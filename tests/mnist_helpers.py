"""Shared by the MNIST tests: IDX file writers and one BLAS thread for small products."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from tutor.mnist.blas import blas_threads


def idx_images(images: np.ndarray, magic: int = 2051, rows: int = 28) -> bytes:
    """An IDX3 image file's bytes (big-endian header, then the pixels)."""
    return struct.pack(">IIII", magic, len(images), rows, 28) + images.tobytes()


def idx_labels(labels: np.ndarray, magic: int = 2049) -> bytes:
    """An IDX1 label file's bytes."""
    return struct.pack(">II", magic, len(labels)) + labels.tobytes()


def write_idx_folder(folder, train, test, gz_train=True, gz_test=False) -> None:
    """The four files under LeCun's names; `train` and `test` are (images, labels)."""
    for prefix, (images, labels), gz in (("train", train, gz_train), ("t10k", test, gz_test)):
        for name, data in (
            (f"{prefix}-images-idx3-ubyte", idx_images(images)),
            (f"{prefix}-labels-idx1-ubyte", idx_labels(labels)),
        ):
            # compresslevel 1: the 47 MB full-size set compresses in about a second.
            packed = gzip.compress(data, compresslevel=1) if gz else data
            (folder / (name + (".gz" if gz else ""))).write_bytes(packed)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Small matrix products: one BLAS thread is steadier on a busy machine."""
    with blas_threads(1):
        yield
