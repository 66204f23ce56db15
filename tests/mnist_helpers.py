"""Shared by the MNIST tests: IDX file writers and one BLAS thread for small products."""

from __future__ import annotations

import gzip
import struct
import zlib

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


def gzip_repeated(
    head: bytes, tile: bytes, copies: int, tail: bytes = b"", level: int = 1
) -> bytes:
    """The gzip file of `head + tile * copies + tail` at `level`, the tile compressed once.

    One gzip member holding one deflate stream, as MNIST's own files are. After a full flush
    deflate refers to nothing before it, so the tile's compressed blocks (from one full flush
    to the next) inflate to the tile wherever they stand, and are written `copies` times: the
    full-size set's 47 MB are compressed as 3.9 MB (the 5,000 shipped digits), a bomb's 64 MiB
    of zeros as one MiB.
    """
    deflate = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate
    packed_head = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    packed_tile = deflate.compress(tile) + deflate.flush(zlib.Z_FULL_FLUSH)
    packed_tail = deflate.compress(tail) + deflate.flush(zlib.Z_FINISH)  # ends the last block
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(tile, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + copies * len(tile) + len(tail)
    # gzip's header as Python's gzip writes it (no name, mtime 0, the level's XFL flag,
    # unknown OS), and its trailer (CRC-32 and size of the data).
    flags = {1: b"\x04", 9: b"\x02"}.get(level, b"\x00")
    header = b"\x1f\x8b\x08\x00" + struct.pack("<L", 0) + flags + b"\xff"
    trailer = struct.pack("<LL", crc, size & 0xFFFFFFFF)
    return header + packed_head + packed_tile * copies + packed_tail + trailer


def write_tiled_idx_folder(folder, images, labels, train_copies: int, test_copies: int) -> None:
    """`write_idx_folder(folder, train, test, gz_test=True)` for `train_copies` (and
    `test_copies`) copies of (images, labels) one after the other, each image file compressed
    once per tile (`gzip_repeated`)."""
    for prefix, copies in (("train", train_copies), ("t10k", test_copies)):
        image_head = struct.pack(">IIII", 2051, copies * len(images), 28, 28)
        label_head = struct.pack(">II", 2049, copies * len(labels))
        for name, head, tile in (
            (f"{prefix}-images-idx3-ubyte", image_head, images.tobytes()),
            (f"{prefix}-labels-idx1-ubyte", label_head, labels.tobytes()),
        ):
            (folder / f"{name}.gz").write_bytes(gzip_repeated(head, tile, copies))


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Small matrix products: one BLAS thread is steadier on a busy machine."""
    with blas_threads(1):
        yield
