"""Load MNIST from IDX files (gzip or raw) or CSV files, checking every shape and range.

A bad file raises `MnistDataError` whose message names the file and what is
wrong with it (truncated, wrong magic number, wrong column count, a pixel out
of 0-255, a label out of 0-9), so the CLI prints one clear line.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from tutor.errors import FileFormatError
from tutor.safe_files import InputRefused, describe_size, open_regular

IMAGE_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABEL_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
SIDE = 28
PIXELS = SIDE * SIDE
ENV_VAR = "BACKPROP_TUTOR_MNIST"
# Bounds (README "Limits"): files are at most 256 MiB on disk (tutor.safe_files); an
# IDX file declares at most MAX_DIGITS digits (the full MNIST has 60,000 + 10,000), so
# at most 196 MB of pixels are inflated; a CSV inflates to at most MAX_CSV_BYTES.
MAX_DIGITS = 250_000
MAX_CSV_BYTES = 512 * 1024 * 1024
EXCESS_COUNTED = 1024 * 1024  # bytes past the declared end counted for the message

# Standard names (LeCun's site), and the dotted variant some mirrors use.
IDX_NAMES = {
    "train_images": ("train-images-idx3-ubyte", "train-images.idx3-ubyte"),
    "train_labels": ("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
    "test_images": ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
    "test_labels": ("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"),
}
CSV_NAMES = ("mnist_train.csv", "mnist_test.csv")


class MnistDataError(FileFormatError, ValueError):
    """A data file is missing, truncated or malformed; the message names it."""


@dataclass
class Dataset:
    """Training and test digits: images uint8 (n, 784), labels uint8 (n,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str


# What `_open` gives: the file itself, or a gzip stream over it.
Stream = BinaryIO | gzip.GzipFile


def _open(path: Path) -> Stream:
    """A regular file opened for reading, gunzipped as a stream when it is gzip (by its magic).

    Nothing is decompressed here: readers take what the header declares, so a small file
    that inflates to gigabytes (a gzip bomb) is never inflated beyond that.
    """
    try:
        raw = open_regular(path, "MNIST")
    except InputRefused as refused:
        raise MnistDataError(f"{path}: {refused.reason}") from None
    except OSError as error:
        raise MnistDataError(f"{path}: cannot read: {error.strerror or error}") from None
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return _ClosingGzip(raw)
    raw.seek(0)
    return raw


class _ClosingGzip(gzip.GzipFile):
    """A GzipFile that closes the file it reads from too."""

    def __init__(self, raw: BinaryIO):
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _read(path: Path, stream: Stream, n: int) -> bytes:
    """Up to `n` bytes (fewer at the end of the data); corrupt gzip data as MnistDataError."""
    try:
        return stream.read(n)
    except (EOFError, OSError, zlib.error):
        raise MnistDataError(f"{path}: truncated or corrupt gzip data") from None


def _count_rest(path: Path, stream: Stream) -> str:
    """How many bytes remain, counted in chunks up to 1 MiB more, as the message says it."""
    total = 0
    while total <= EXCESS_COUNTED:
        chunk = _read(path, stream, 64 * 1024)
        if not chunk:
            return str(total)
        total += len(chunk)
    return f"more than {EXCESS_COUNTED:,}"


def _idx_header(path: Path, data: bytes, magic: int, ndim: int, what: str) -> list[int]:
    """Check the magic number and return the dimensions."""
    if len(data) < 4:
        raise MnistDataError(f"{path}: truncated IDX file: {len(data)} bytes, no header")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise MnistDataError(
            f"{path}: not an IDX {what} file: magic number {found}, expected {magic}"
        )
    end = 4 + 4 * ndim
    if len(data) < end:
        raise MnistDataError(f"{path}: truncated IDX file: header cut after {len(data)} bytes")
    return [int.from_bytes(data[k : k + 4], "big") for k in range(4, end, 4)]


def _check_count(path: Path, n: int, what: str) -> None:
    if n > MAX_DIGITS:
        raise MnistDataError(
            f"{path}: header says {n:,} {what}; the limit is {MAX_DIGITS:,} per file"
        )


def load_idx_images(path: str | os.PathLike) -> np.ndarray:
    """Images of an IDX3 file as uint8 (n, 784)."""
    path = Path(path)
    with _open(path) as stream:
        n, rows, cols = _idx_header(path, _read(path, stream, 16), IMAGE_MAGIC, 3, "image")
        if (rows, cols) != (SIDE, SIDE):
            raise MnistDataError(f"{path}: images are {rows}×{cols}, expected {SIDE}×{SIDE}")
        _check_count(path, n, "images")
        expected = n * PIXELS
        data = _read(path, stream, expected)
        got = len(data)
        if got < expected:
            raise MnistDataError(
                f"{path}: truncated IDX file: header says {n} images ({expected} bytes), "
                f"found {got} bytes"
            )
        extra = _count_rest(path, stream)
        if extra != "0":
            found = f"{expected + int(extra)}" if extra.isdigit() else f"{extra} more"
            raise MnistDataError(
                f"{path}: IDX file too long: header says {n} images ({expected} bytes), "
                f"found {found} bytes"
            )
    return np.frombuffer(data, dtype=np.uint8).reshape(n, PIXELS).copy()


def load_idx_labels(path: str | os.PathLike) -> np.ndarray:
    """Labels of an IDX1 file as uint8 (n,), each checked to be 0-9."""
    path = Path(path)
    with _open(path) as stream:
        (n,) = _idx_header(path, _read(path, stream, 8), LABEL_MAGIC, 1, "label")
        _check_count(path, n, "labels")
        data = _read(path, stream, n)
        got = len(data)
        extra = _count_rest(path, stream) if got == n else "0"
    if got < n:
        raise MnistDataError(
            f"{path}: truncated IDX file: header says {n} labels, found {got} bytes"
        )
    if extra != "0":
        found = f"{n + int(extra)}" if extra.isdigit() else f"{extra} more"
        raise MnistDataError(
            f"{path}: IDX file too long: header says {n} labels, found {found} bytes"
        )
    labels = np.frombuffer(data, dtype=np.uint8).copy()
    _check_labels(path, labels, lambda i: f"entry {i} (counting from 0)")
    return labels


def _check_labels(path: Path, labels: np.ndarray, where) -> None:
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        i = int(bad[0])
        raise MnistDataError(f"{path}: {where(i)}: label {int(labels[i])} is outside 0-9")


def load_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """A CSV of digits, one per line: label then 784 pixels; an optional header line."""
    path = Path(path)
    with _open(path) as stream:
        raw = _read(path, stream, MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        limit = describe_size(MAX_CSV_BYTES)
        raise MnistDataError(f"{path}: more than {limit} of CSV text; the limit is {limit}")
    # utf-8-sig: a byte-order mark (Excel's CSVs) is not part of the first label.
    text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise MnistDataError(f"{path}: empty CSV file")
    skip = first + 1 if _is_header(lines[first]) else first
    if not any(line.strip() for line in lines[skip:]):
        raise MnistDataError(f"{path}: no digits after the header")
    try:
        table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.int32, skiprows=skip, ndmin=2)
    except (ValueError, OverflowError):
        table = None  # find the exact line and column below
    if table is None or table.shape[1] != PIXELS + 1:
        _diagnose_csv(path, lines, skip)
        raise MnistDataError(f"{path}: cannot parse as CSV")  # pragma: no cover
    line_of = _data_line_numbers(lines, skip)
    labels, pixels = table[:, 0], table[:, 1:]
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        i = int(bad[0])
        raise MnistDataError(f"{path}, line {line_of[i]}: label {labels[i]} is outside 0-9")
    bad_rows, bad_cols = np.nonzero((pixels < 0) | (pixels > 255))
    if bad_rows.size:
        i, j = int(bad_rows[0]), int(bad_cols[0])
        raise MnistDataError(
            f"{path}, line {line_of[i]}, column {j + 2}: pixel value {pixels[i, j]} "
            "is outside 0-255"
        )
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def _is_header(line: str) -> bool:
    """A first line with a token that is not a number is a header (e.g. 'label,1x1,…')."""
    for tok in line.split(","):
        try:
            float(tok)
        except ValueError:
            return True
    return False


def _data_line_numbers(lines: list[str], skip: int) -> list[int]:
    """1-based line numbers of the non-blank data lines."""
    return [k + 1 for k in range(skip, len(lines)) if lines[k].strip()]


def _diagnose_csv(path: Path, lines: list[str], skip: int) -> None:
    """Raise the first precise problem of a CSV the fast parser rejected."""
    for k in range(skip, len(lines)):
        if not lines[k].strip():
            continue
        tokens = lines[k].split(",")
        if len(tokens) != PIXELS + 1:
            raise MnistDataError(
                f"{path}, line {k + 1}: expected {PIXELS + 1} columns "
                f"(label then {PIXELS} pixels), found {len(tokens)}"
            )
        for j, tok in enumerate(tokens):
            try:
                value = int(tok)
            except ValueError:
                raise MnistDataError(
                    f"{path}, line {k + 1}, column {j + 1}: {tok.strip()!r} is not an integer"
                ) from None
            if j == 0 and not 0 <= value <= 9:
                raise MnistDataError(f"{path}, line {k + 1}: label {value} is outside 0-9")
            if j > 0 and not 0 <= value <= 255:
                raise MnistDataError(
                    f"{path}, line {k + 1}, column {j + 1}: pixel value {value} is outside 0-255"
                )


def _find(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def load_full(folder: str | os.PathLike) -> Dataset:
    """The full MNIST from a folder of IDX files (standard names, .gz or not) or the two CSVs."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MnistDataError(f"{folder}: not a folder (expected the MNIST files in it)")
    found = {key: _find(folder, names) for key, names in IDX_NAMES.items()}
    if all(path is not None for path in found.values()):
        found_paths = {key: path for key, path in found.items() if path is not None}
        X_train = load_idx_images(found_paths["train_images"])
        y_train = load_idx_labels(found_paths["train_labels"])
        X_test = load_idx_images(found_paths["test_images"])
        y_test = load_idx_labels(found_paths["test_labels"])
        for images, labels, img_key, lab_key in (
            (X_train, y_train, "train_images", "train_labels"),
            (X_test, y_test, "test_images", "test_labels"),
        ):
            if len(images) != len(labels):
                raise MnistDataError(
                    f"{found[img_key]} has {len(images)} images but "
                    f"{found[lab_key]} has {len(labels)} labels"
                )
            if len(images) == 0:
                raise MnistDataError(f"{found[img_key]}: no images")
        return Dataset(X_train, y_train, X_test, y_test, f"MNIST IDX files in {folder}")
    train_csv, test_csv = (folder / name for name in CSV_NAMES)
    if train_csv.is_file() and test_csv.is_file():
        X_train, y_train = load_csv(train_csv)
        X_test, y_test = load_csv(test_csv)
        return Dataset(X_train, y_train, X_test, y_test, f"MNIST CSV files in {folder}")
    idx_list = ", ".join(names[0] + "[.gz]" for names in IDX_NAMES.values())
    raise MnistDataError(
        f"{folder}: no MNIST files found: expected {idx_list}, or {' and '.join(CSV_NAMES)}"
    )


def data_folder_from_env() -> str | None:
    """The folder named by BACKPROP_TUTOR_MNIST, if set."""
    return os.environ.get(ENV_VAR) or None
