"""Issue 9, items 4 and 15: MNIST files are read bounded (gzip bombs), and a BOM is no digit.

A 3.1 MB `train-images-idx3-ubyte.gz` inflating to 3 GiB reached 3.1 GB RSS, then a
MemoryError traceback. Now the gzip stream is read only as far as the IDX header
declares, the declared count is checked against a limit first, and bytes past the
declared end are counted in small chunks, never held. These tests build small bombs
(tens of MB of zeros, compressed to tens of KB) and measure the peak allocation.
"""

from __future__ import annotations

import gzip
import struct
import tracemalloc

import numpy as np
import pytest

from tests.mnist_helpers import gzip_repeated, idx_images, idx_labels
from tutor.mnist import data
from tutor.mnist.data import MnistDataError, load_csv, load_full, load_idx_images, load_idx_labels

MIB = 1024 * 1024


def gzip_of(header: bytes, zeros: int, chunk: bytes = b"") -> bytes:
    """gzip bytes (level 9) of `header + chunk` then `zeros` zero bytes, one MiB of zeros
    compressed once and its blocks repeated (`gzip_repeated`), the zeros never held."""
    return gzip_repeated(header + chunk, bytes(MIB), zeros // MIB, bytes(zeros % MIB), level=9)


def test_the_bombs_inflate_to_their_header_and_zeros():
    for header, zeros, chunk in ((b"IDX", 3 * MIB + 5, b""), (b"", MIB, b"5,0\n"), (b"h", 7, b"")):
        packed = gzip_of(header, zeros, chunk)
        assert gzip.decompress(packed) == header + chunk + bytes(zeros)
        assert len(packed) < 4_000 + zeros // 1000


def peak_mib(load, path) -> float:
    """The peak of Python allocations while `load(path)` runs, in MiB (it must raise)."""
    tracemalloc.start()
    try:
        with pytest.raises(MnistDataError) as error:
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    peak_mib.message = str(error.value)
    return peak / MIB


def test_bomb_past_the_declared_images_is_refused_without_inflating_it(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip_of(struct.pack(">IIII", 2051, 10, 28, 28), 64 * MIB))
    assert path.stat().st_size < 200_000  # 64 MiB of zeros behind a 10-image header
    peak = peak_mib(load_idx_images, path)
    assert "IDX file too long: header says 10 images (7840 bytes), found more than" in (
        peak_mib.message
    )
    assert peak < 8, f"{peak:.1f} MiB allocated reading a 10-image file"


def test_bomb_past_the_declared_labels_is_refused(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip_of(struct.pack(">II", 2049, 3), 32 * MIB))
    peak = peak_mib(load_idx_labels, path)
    assert "IDX file too long: header says 3 labels, found more than" in peak_mib.message
    assert peak < 8


def test_declared_count_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip_of(struct.pack(">IIII", 2051, 4_000_000, 28, 28), 0))
    with pytest.raises(MnistDataError, match="header says 4,000,000 images; the limit is 250,000"):
        load_idx_images(path)


def test_declared_count_within_a_patched_limit_reads_streamed(tmp_path, monkeypatch):
    """A header of 5,000 zero images (3.9 MB) over a limit of 1,000: refused, nothing inflated."""
    monkeypatch.setattr(data, "MAX_DIGITS", 1000)
    path = tmp_path / "img.gz"
    path.write_bytes(gzip_of(struct.pack(">IIII", 2051, 5000, 28, 28), 5000 * 784))
    peak = peak_mib(load_idx_images, path)
    assert "header says 5,000 images; the limit is 1,000 per file" in peak_mib.message
    assert peak < 1


def test_csv_bomb_is_refused_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MAX_CSV_BYTES", 2 * MIB)
    path = tmp_path / "mnist_train.csv"
    path.write_bytes(gzip_of(b"", 40 * MIB, chunk=b"5," + b"0," * 783 + b"0\n"))
    peak = peak_mib(load_csv, path)
    assert "more than 2 MiB of CSV text; the limit is 2 MiB" in peak_mib.message
    assert peak < 8


def test_truncated_bomb_is_a_named_error(tmp_path):
    path = tmp_path / "img.gz"
    path.write_bytes(gzip_of(struct.pack(">IIII", 2051, 100, 28, 28), 100 * 784)[:-40])
    with pytest.raises(MnistDataError, match="truncated or corrupt gzip data"):
        load_idx_images(path)


def test_images_file_is_a_fifo(tmp_path):
    import os

    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"")
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(b"")
    os.remove(tmp_path / "train-images-idx3-ubyte")
    os.mkfifo(tmp_path / "train-images-idx3-ubyte")
    # is_file() is false for a FIFO: the folder is not taken as IDX; the FIFO never blocks
    with pytest.raises(MnistDataError):
        load_full(tmp_path)
    with pytest.raises(MnistDataError, match="a FIFO"):
        load_idx_images(tmp_path / "train-images-idx3-ubyte")


def test_idx_round_trip_still_exact(tmp_path):
    images = np.arange(3 * 784, dtype=np.uint8).reshape(3, 784)
    (tmp_path / "img").write_bytes(idx_images(images))
    (tmp_path / "lab").write_bytes(idx_labels(np.array([1, 2, 3], dtype=np.uint8)))
    assert np.array_equal(load_idx_images(tmp_path / "img"), images)
    assert load_idx_labels(tmp_path / "lab").tolist() == [1, 2, 3]


def test_csv_with_a_utf8_bom_reads_every_row(tmp_path):
    """Item 15: the BOM used to turn the first label into a non-number: 29 rows of 30 read."""
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(30, 784), dtype=np.uint8)
    labels = np.arange(30, dtype=np.uint8) % 10
    lines = [",".join(str(v) for v in [lab, *img]) for img, lab in zip(images, labels)]
    for header in (False, True):
        head = ["label," + ",".join(f"p{k}" for k in range(784))] if header else []
        path = tmp_path / f"bom-{header}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + "\n".join(head + lines).encode() + b"\n")
        got_images, got_labels = load_csv(path)
        assert len(got_labels) == 30
        assert got_labels.tolist() == labels.tolist()
        assert np.array_equal(got_images, images)
