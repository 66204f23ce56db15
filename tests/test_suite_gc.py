"""The suite's GC settings (tests/conftest.py) leave Python's GC on while the tests run."""

from __future__ import annotations

import gc

from tests.conftest import GC_THRESHOLDS


def test_the_gc_is_on_with_the_suites_thresholds():
    # Collection switches it off for its own imports; each test must find it on again.
    assert gc.isenabled()
    assert gc.get_threshold() == GC_THRESHOLDS
