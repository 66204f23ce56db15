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

import numpy as np

IMAGE_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABEL_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
SIDE = 28
PIXELS = SIDE * SIDE
ENV_VAR = "BACKPROP_TUTOR_MNIST"

# Standard names (LeCun's site), and the dotted variant some mirrors use.
IDX_NAMES = {
    "train_images": ("train-images-idx3-ubyte", "train-images.idx3-ubyte"),
    "train_labels": ("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
    "test_images": ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
    "test_labels": ("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"),
}
CSV_NAMES = ("mnist_train.csv", "mnist_test.csv")


class MnistDataError(ValueError):
    """A data file is missing, truncated or malformed; the message names it."""


@dataclass
class Dataset:
    """Training and test digits: images uint8 (n, 784), labels uint8 (n,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it is gzip (by its magic bytes, not its name)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise MnistDataError(f"{path}: cannot read: {error.strerror or error}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error):
            raise MnistDataError(f"{path}: truncated or corrupt gzip data") from None
    return raw


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


def load_idx_images(path: str | os.PathLike) -> np.ndarray:
    """Images of an IDX3 file as uint8 (n, 784)."""
    path = Path(path)
    data = _read_bytes(path)
    n, rows, cols = _idx_header(path, data, IMAGE_MAGIC, 3, "image")
    if (rows, cols) != (SIDE, SIDE):
        raise MnistDataError(f"{path}: images are {rows}×{cols}, expected {SIDE}×{SIDE}")
    expected, got = n * PIXELS, len(data) - 16
    if got < expected:
        raise MnistDataError(
            f"{path}: truncated IDX file: header says {n} images ({expected} bytes), "
            f"found {got} bytes"
        )
    if got > expected:
        raise MnistDataError(
            f"{path}: IDX file too long: header says {n} images ({expected} bytes), "
            f"found {got} bytes"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, PIXELS).copy()


def load_idx_labels(path: str | os.PathLike) -> np.ndarray:
    """Labels of an IDX1 file as uint8 (n,), each checked to be 0-9."""
    path = Path(path)
    data = _read_bytes(path)
    (n,) = _idx_header(path, data, LABEL_MAGIC, 1, "label")
    got = len(data) - 8
    if got != n:
        kind = "truncated IDX file" if got < n else "IDX file too long"
        raise MnistDataError(f"{path}: {kind}: header says {n} labels, found {got} bytes")
    labels = np.frombuffer(data, dtype=np.uint8, offset=8).copy()
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
    text = _read_bytes(path).decode("utf-8", errors="replace")
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
    if all(found.values()):
        X_train = load_idx_images(found["train_images"])
        y_train = load_idx_labels(found["train_labels"])
        X_test = load_idx_images(found["test_images"])
        y_test = load_idx_labels(found["test_labels"])
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
