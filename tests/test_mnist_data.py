"""MNIST loaders (IDX gz/raw, CSV with/without header), their error messages, the shipped subset."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from tests.mnist_helpers import idx_images, idx_labels
from tutor.mnist.data import (
    MnistDataError,
    load_csv,
    load_full,
    load_idx_images,
    load_idx_labels,
)
from tutor.mnist.subset import load_subset, split_subset

RNG = np.random.default_rng(7)
IMAGES = RNG.integers(0, 256, size=(5, 784), dtype=np.uint8)
LABELS = np.array([3, 0, 9, 1, 7], dtype=np.uint8)


def csv_text(images, labels, header: bool) -> str:
    lines = ["label," + ",".join(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29))]
    lines = lines if header else []
    lines += [",".join(str(v) for v in [lab, *img]) for img, lab in zip(images, labels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, gz):
    pack = gzip.compress if gz else (lambda b: b)
    (tmp_path / "img").write_bytes(pack(idx_images(IMAGES)))
    (tmp_path / "lab").write_bytes(pack(idx_labels(LABELS)))
    images = load_idx_images(tmp_path / "img")
    assert images.dtype == np.uint8 and np.array_equal(images, IMAGES)
    assert np.array_equal(load_idx_labels(tmp_path / "lab"), LABELS)


@pytest.mark.parametrize("header", [False, True])
@pytest.mark.parametrize("gz", [False, True])
def test_csv_round_trip(tmp_path, header, gz):
    text = csv_text(IMAGES, LABELS, header).encode()
    path = tmp_path / "mnist_test.csv"
    path.write_bytes(gzip.compress(text) if gz else text)
    images, labels = load_csv(path)
    assert np.array_equal(images, IMAGES) and np.array_equal(labels, LABELS)


def _csv_bytes(labels=LABELS, header=True) -> bytes:
    return csv_text(IMAGES, labels, header).encode()


# (loader, file name, file bytes, the message after "<path>: " or "<path>, ").
MALFORMED = {
    "idx images truncated": (
        load_idx_images,
        "train-images-idx3-ubyte",
        idx_images(IMAGES)[:-10],
        "truncated IDX file: header says 5 images (3920 bytes), found 3910 bytes",
    ),
    "idx images too long": (
        load_idx_images,
        "train-images-idx3-ubyte",
        idx_images(IMAGES) + b"\0",
        "IDX file too long: header says 5 images (3920 bytes), found 3921 bytes",
    ),
    "idx header cut": (
        load_idx_images,
        "img",
        idx_images(IMAGES)[:10],
        "truncated IDX file: header cut after 10 bytes",
    ),
    "idx empty file": (load_idx_labels, "lab", b"", "truncated IDX file: 0 bytes, no header"),
    "idx labels where images expected": (
        load_idx_images,
        "t10k-images-idx3-ubyte",
        idx_labels(LABELS),
        "not an IDX image file: magic number 2049, expected 2051",
    ),
    "idx images where labels expected": (
        load_idx_labels,
        "t10k-labels-idx1-ubyte",
        idx_images(IMAGES),
        "not an IDX label file: magic number 2051, expected 2049",
    ),
    "idx wrong image size": (
        load_idx_images,
        "img",
        idx_images(IMAGES[:, :756], rows=27),
        "images are 27×28, expected 28×28",
    ),
    "idx label out of range": (
        load_idx_labels,
        "lab",
        idx_labels(np.array([1, 2, 12], dtype=np.uint8)),
        "entry 2 (counting from 0): label 12 is outside 0-9",
    ),
    "idx labels truncated": (
        load_idx_labels,
        "lab",
        idx_labels(LABELS)[:-2],
        "truncated IDX file: header says 5 labels, found 3 bytes",
    ),
    "idx labels too long": (
        load_idx_labels,
        "lab",
        idx_labels(LABELS) + b"\1",
        "IDX file too long: header says 5 labels, found 6 bytes",
    ),
    "truncated gzip": (
        load_idx_images,
        "img.gz",
        gzip.compress(idx_images(IMAGES))[:-30],
        "truncated or corrupt gzip data",
    ),
    "csv label out of range": (
        load_csv,
        "mnist_test.csv",
        _csv_bytes([3, 0, 9, 10, 7]),
        "line 5: label 10 is outside 0-9",
    ),
    "csv negative label": (
        load_csv,
        "mnist_test.csv",
        _csv_bytes([3, 0, -1, 1, 7], header=False),
        "line 3: label -1 is outside 0-9",
    ),
    "csv empty": (load_csv, "mnist_train.csv", b"\n\n", "empty CSV file"),
    "csv header only": (
        load_csv,
        "mnist_train.csv",
        _csv_bytes().split(b"\n")[0] + b"\n",
        "no digits after the header",
    ),
    "csv cut mid-line": (
        load_csv,
        "mnist_train.csv",
        _csv_bytes()[: _csv_bytes().rindex(b"\n", 0, -1)]  # the last digit cut after 500 cells
        + b"\n"
        + b",".join(_csv_bytes().split(b"\n")[-2].split(b",")[:500]),
        "line 6: expected 785 columns (label then 784 pixels), found 500",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_gets_a_message_naming_it(tmp_path, case):
    loader, name, data, message = MALFORMED[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(MnistDataError) as error:
        loader(path)
    assert str(error.value) in (f"{path}: {message}", f"{path}, {message}")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(MnistDataError, match=r"nothing-here: cannot read: No such file"):
        load_idx_images(tmp_path / "nothing-here")


def test_csv_wrong_column_count(tmp_path):
    text = csv_text(IMAGES, LABELS, header=True).splitlines()
    text[3] = text[3].rsplit(",", 1)[0]  # line 4 loses its last pixel
    path = tmp_path / "mnist_train.csv"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(MnistDataError) as error:
        load_csv(path)
    assert str(error.value) == (
        f"{path}, line 4: expected 785 columns (label then 784 pixels), found 784"
    )


def test_csv_pixel_out_of_range(tmp_path):
    images = IMAGES.astype(int)
    images[2, 10] = 300
    path = tmp_path / "mnist_train.csv"
    path.write_text(csv_text(images, LABELS, header=False))
    with pytest.raises(MnistDataError) as error:
        load_csv(path)
    assert str(error.value) == f"{path}, line 3, column 12: pixel value 300 is outside 0-255"


def test_csv_huge_pixel_value(tmp_path):
    images = IMAGES.astype(object)
    images[1, 0] = 10**12  # too big for the fast parser's integers: found by the slow one
    path = tmp_path / "mnist_train.csv"
    path.write_text(csv_text(images, LABELS, header=False))
    with pytest.raises(MnistDataError) as error:
        load_csv(path)
    assert str(error.value) == (
        f"{path}, line 2, column 2: pixel value 1000000000000 is outside 0-255"
    )


def test_csv_not_an_integer(tmp_path):
    text = csv_text(IMAGES, LABELS, header=False).splitlines()
    cells = text[1].split(",")
    cells[5] = "x"
    text[1] = ",".join(cells)
    path = tmp_path / "mnist_test.csv"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(MnistDataError) as error:
        load_csv(path)
    assert str(error.value) == f"{path}, line 2, column 6: 'x' is not an integer"


def test_load_full_idx_folder_and_missing(tmp_path):
    for name, data in (
        ("train-images-idx3-ubyte.gz", gzip.compress(idx_images(IMAGES))),
        ("train-labels-idx1-ubyte.gz", gzip.compress(idx_labels(LABELS))),
        ("t10k-images-idx3-ubyte", idx_images(IMAGES[:2])),
        ("t10k-labels-idx1-ubyte", idx_labels(LABELS[:2])),
    ):
        (tmp_path / name).write_bytes(data)
    ds = load_full(tmp_path)
    assert ds.X_train.shape == (5, 784) and ds.X_test.shape == (2, 784)
    assert np.array_equal(ds.y_test, LABELS[:2])
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_labels(LABELS[:3]))
    with pytest.raises(MnistDataError, match="has 2 images but .* has 3 labels"):
        load_full(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(MnistDataError, match="no MNIST files found"):
        load_full(empty)


def test_load_full_csv_folder(tmp_path):
    (tmp_path / "mnist_train.csv").write_text(csv_text(IMAGES, LABELS, header=True))
    (tmp_path / "mnist_test.csv").write_text(csv_text(IMAGES[:1], LABELS[:1], header=False))
    ds = load_full(tmp_path)
    assert np.array_equal(ds.X_train, IMAGES) and np.array_equal(ds.y_test, LABELS[:1])


def test_shipped_subset_loads_balanced_and_split():
    images, labels = load_subset()
    assert images.shape == (5000, 784) and images.dtype == np.uint8
    assert labels.shape == (5000,) and set(np.unique(labels)) == set(range(10))
    assert np.bincount(labels, minlength=10).tolist() == [500] * 10
    # Real digits: mostly background, with a sizeable amount of full ink.
    assert 0.75 < np.mean(images == 0) < 0.85 and np.mean(images > 200) > 0.05
    ds = split_subset(images, labels)
    assert np.bincount(ds.y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(ds.y_train, minlength=10).tolist() == [400] * 10
    # No digit is both trained on and held out.
    train_rows = {row.tobytes() for row in ds.X_train}
    assert not any(row.tobytes() in train_rows for row in ds.X_test)


def test_the_shipped_subset_is_read_once_and_shared_read_only():
    images, labels = load_subset()
    again = load_subset()
    assert again[0] is images and again[1] is labels
    with pytest.raises(ValueError):
        images[0, 0] = 1  # shared by every caller: nobody may change it
    with pytest.raises(ValueError):
        labels[0] = 1
    ds = split_subset(images, labels)
    assert ds.X_train.flags.writeable and ds.y_test.flags.writeable  # the split copies
