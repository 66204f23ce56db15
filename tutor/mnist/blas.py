"""Set the number of BLAS threads of NumPy's bundled OpenBLAS for a block of code (best effort).

Small matrix products (a 128-digit batch) gain little from a second thread and
lose a lot when the cores are busy with other work: OpenBLAS threads spin and
wait for each other. The experiment and the tests therefore train on one thread.
Without a bundled OpenBLAS (another NumPy build) this does nothing.
"""

from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager

import numpy as np

_PREFIXES = ("scipy_openblas", "openblas")


def _library():
    """(set, get) functions of the OpenBLAS NumPy loaded, or None."""
    libs_dir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs_dir, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in ("64_", ""):
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                    return setter, getter
    return None


_LIB = _library()


def get_blas_threads() -> int | None:
    """OpenBLAS's current thread count, or None when it cannot be controlled."""
    return int(_LIB[1]()) if _LIB else None


@contextmanager
def blas_threads(n: int | None):
    """Run the block with `n` BLAS threads (None: leave as is), then restore the old count."""
    if n is None or _LIB is None:
        yield
        return
    old = _LIB[1]()
    _LIB[0](int(n))
    try:
        yield
    finally:
        _LIB[0](old)
