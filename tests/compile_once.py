"""Compile the tutor's and the tests' Python once, before pytest-xdist's workers start.

A fresh clone has no `__pycache__`, and this machine's environment (PYTHONDONTWRITEBYTECODE=1)
keeps Python from writing one. So every worker compiled the same ~300 files from source, every
`python -m tutor` a test starts (CLI runs, the class server's sessions, `verify`'s child)
compiled again the modules it imports, and every worker rewrote the asserts of every test
module (pytest's rewriting: ~3.5 s of each worker's ~7 s of collection, measured with
`pytest --collect-only` and `--assert=plain`).

Here the controller compiles them in two processes (the README's `-n auto` has two cores)
into the `__pycache__` folders Python and pytest read even when told not to write
(`.gitignore` keeps them out of git): the tutor's modules and the tests' helpers as Python
would, the test modules and conftests as pytest's assertion rewriting would (its own
`_rewrite_test` and `_write_pyc`, so their contents are pytest's; pytest is pinned in the test
extra). A file whose source changes later is recompiled as usual (the caches record each
source's size and modification time). Without `-n` nothing is compiled ahead: one process
gains nothing from it.
"""

from __future__ import annotations

import compileall
import multiprocessing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def _is_rewritten(path: Path, config: pytest.Config) -> bool:
    """Whether pytest rewrites this file's asserts when it imports it (conftests, test files)."""
    from _pytest.pathlib import fnmatch_ex

    if path.name == "conftest.py":
        return True
    return any(fnmatch_ex(pattern, path) for pattern in config.getini("python_files"))


def sources(config: pytest.Config) -> tuple[list[Path], list[Path]]:
    """(plain modules, modules pytest rewrites) of the package and the tests."""
    plain, rewritten = [], []
    for top in ("tutor", "tests"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "__snapshots__" in path.parts:
                continue
            if top == "tests" and _is_rewritten(path, config):
                rewritten.append(path)
            else:
                plain.append(path)
    return plain, rewritten


def _compile(job: tuple[list[Path], list[Path], pytest.Config]) -> None:
    from _pytest.assertion.rewrite import (
        PYC_TAIL,
        _read_pyc,
        _rewrite_test,
        _write_pyc,
        assertstate_key,
        get_cache_dir,
    )

    plain, rewritten, config = job
    for path in plain:
        # Skips a file whose cache is up to date; an error is Python's to report where the
        # module is imported.
        compileall.compile_file(str(path), quiet=2)
    state = config.stash[assertstate_key]
    for path in rewritten:
        pyc = get_cache_dir(path) / (path.name[:-3] + PYC_TAIL)
        if _read_pyc(path, pyc) is not None:
            continue  # up to date
        try:
            source_stat, code = _rewrite_test(path, config)
        except (SyntaxError, OSError):
            continue  # pytest reports it when it collects the module
        pyc.parent.mkdir(exist_ok=True)
        _write_pyc(state, code, source_stat, pyc)


# Rewriting a test module's asserts and compiling it costs ~11 times compiling a plain module
# of the same size (a fresh clone: 3.4 s for 132 test modules of 0.69 MB, 0.52 s for 194 plain
# modules of 1.2 MB).
REWRITE_WEIGHT = 11


def split(plain: list[Path], rewritten: list[Path], parts: int) -> list[tuple[list, list]]:
    """(plain, rewritten) files for each of `parts` processes, their estimated work about even:
    the costliest file first to the least loaded part. Each part ends together, so that no core
    waits for the other before the workers start (an even count of files left them ~0.3 s of
    CPU apart)."""
    jobs = sorted(
        [(path.stat().st_size, path, False) for path in plain]
        + [(path.stat().st_size * REWRITE_WEIGHT, path, True) for path in rewritten],
        key=lambda job: (-job[0], job[1]),
    )
    loads = [0] * parts
    shares: list[tuple[list, list]] = [([], []) for _ in range(parts)]
    for cost, path, is_rewritten in jobs:
        part = loads.index(min(loads))
        loads[part] += cost
        shares[part][is_rewritten].append(path)
    return shares


def compile_for_workers(config: pytest.Config) -> None:
    """Compile everything the workers import, split over WORKERS forked processes."""
    plain, rewritten = sources(config)
    # Forked: each child inherits the configured pytest (its assertion state, its ini values)
    # instead of receiving it pickled.
    fork = multiprocessing.get_context("fork")
    children = [
        fork.Process(target=_compile, args=((own_plain, own_rewritten, config),))
        for own_plain, own_rewritten in split(plain, rewritten, WORKERS)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join()
