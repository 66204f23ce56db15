"""Suite-wide set-up: which tests share a pytest-xdist worker (the README runs `pytest -n auto`).

Experiments are cached per process (`tutor.experiments.registry`): run serially, each runs once,
for whichever test asks first. Spread over xdist's workers, every worker would run again the
ones its own tests ask for (measured: 36 s of CPU run twice, `xor_leaky_he_4` alone 13 s). So
the tests that run the course's experiments (lessons played with `run`, `verify`, the
reproductions) form one group that a single worker runs, sharing one cache, while the other
tests are spread over every worker. The browser tests form another group, so that their
module-scoped server and Chromium start once.
Modules whose module fixtures or per-process caches are costly form groups of their own
(SHARED_SET_UP), built by one worker instead of by each that happens to get one of their tests.

pyproject's addopts give `--dist loadgroup`, which honours these groups when `-n` is given and
changes nothing without it. A group only decides where a test runs: every test still runs.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

# NumPy advises the kernel to back large arrays with transparent huge pages; on this VM
# (THP defrag "madvise") each such fault makes the kernel compact memory first: the full-size
# MNIST test's 188 MB array cost 0.6-0.9 s of kernel time, 0.1 s without (benchmarks/RESULTS.md,
# ninth pass, others2). Only how memory is paged changes, never a value. Set before NumPy
# loads, for this process and every process a test starts; a value set by the caller wins.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from tests.compile_once import compile_for_workers
from tests.lesson_cache import builtin_lessons_parsed_once  # noqa: F401 - a session fixture


def _memory_backed_tmp() -> None:
    """Temporary files in /dev/shm (memory) when it exists with room, and the caller set none.

    The tutor writes files atomically: each write fsyncs, and ~450 such writes in the suite
    waited ~5 ms each for the disk under /tmp (ext4; others3, benchmarks/RESULTS.md, tenth
    pass). On tmpfs fsync returns at once; the files, renames and permissions are the same.
    Set before pytest picks its temporary folder, for this process and every one it starts.
    """
    shm = Path("/dev/shm")
    if "TMPDIR" in os.environ or not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        return
    stats = os.statvfs(shm)
    if stats.f_bavail * stats.f_frsize >= 2 << 30:  # the largest test files are ~200 MB
        os.environ["TMPDIR"] = str(shm)
        import tempfile

        tempfile.tempdir = None  # gettempdir() looks again


_memory_backed_tmp()

TESTS = Path(__file__).resolve().parent

# What runs the course's experiments: a module under tests/, or one test function of a module.
EXPERIMENTS = (
    "test_encoder_slips.py",
    "test_learner_words.py",
    "test_lesson_cli.py",
    "test_lesson_experiments.py",
    "test_lesson_play.py",
    "test_lesson_verify.py",
    "test_lessons_3_5_predictions.py",
    "test_mazur_published.py",
    "test_mnist_predict.py",
    "test_mnist_train.py",
    "test_regularization_predict.py",
    "test_repro_encoder_two_hidden.py",
    "test_repro_neuron_xor_deep.py",
    "test_xor_solved.py",
    "tui/test_learner_defects.py::test_a_figure_that_agrees_is_not_labelled_errata",
    "tui/test_mnist_run.py",
)
# Modules whose module fixtures (or per-process caches) are costly: one worker runs each group
# whole, instead of each worker building them again for the tests it happens to get.
SHARED_SET_UP = {
    "test_examples_builtin.py": "examples_builtin",  # the batch examples' traces
    "test_formula_targets.py": "formula_targets",  # each reference traced and drawn by Rich
    "test_mnist_trace.py": "mnist_trace",  # the 784-100-10 network trained
    "test_periodic_step.py": "periodic_step",  # its 30 random cases trained once, read thrice
    "test_serve_zygote.py": "serve_zygote",  # a zygote holding the tutor's modules
    "test_serve_sessions.py": "serve_zygote",  # with the above, the one worker to load aiohttp
    "test_small_step.py": "small_step",  # its 60 random cases trained once, read twice
    "test_tall_step.py": "tall_step",  # its 30 random cases trained once, read twice
    "test_value_id.py": "value_id",  # two-hidden's and deep-xor's ~1,800 traced values
    "test_worksheet.py": "worksheet",  # fresh interpreters: hash-seed runs, students' traces
    # The same networks derived (mazur's above all): tutor.symbolic caches them per process.
    "test_symbolic_activations.py": "symbolic",
    "test_symbolic_api.py": "symbolic",
    "test_symbolic_check.py": "symbolic",
    "test_symbolic_cli.py": "symbolic",
    "test_symbolic_gradients.py": "symbolic",
}
GROUPS = (
    {name: "experiments" for name in EXPERIMENTS}
    | {"test_serve_browser.py": "browser"}
    | SHARED_SET_UP
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "xdist_group(name): run on the worker running `name`")
    missing = sorted(name for name in GROUPS if not (TESTS / name.split("::")[0]).is_file())
    if missing:
        raise pytest.UsageError(f"tests/conftest.py: GROUPS names missing modules: {missing}")
    workers = getattr(config.option, "numprocesses", None)  # xdist's -n, "auto" resolved by now
    if not hasattr(config, "workerinput") and isinstance(workers, int) and workers > 1:
        compile_for_workers(config)  # in the controller, before the workers start


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if not path.is_relative_to(TESTS):
            continue
        module = path.relative_to(TESTS).as_posix()
        function = f"{module}::{getattr(item, 'originalname', item.name)}"
        group = GROUPS.get(function, GROUPS.get(module))
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(name=group))


# After collection, the heap holds what every test shares: NumPy, SymPy, Textual, the test
# modules and their data. Python's cyclic GC would walk all of it at each full collection
# (measured: 10 % of the CPU of a TUI + lesson + SymPy sample of the suite, 4.1 s of 43 s).
# Frozen, it is left out of every later collection; the larger first threshold makes the
# young collections that trigger the full ones rarer. What the tests create is still
# collected (GC: 4.1 -> 1.3 s CPU on that sample). Only when and how often garbage is
# collected changes, never what a test runs or asserts.
GC_THRESHOLDS = (10_000, 10, 10)


# Collection itself (importing the test modules: NumPy, SymPy, Textual, Hypothesis, the data
# they build) only adds to that heap, and Python's GC walked it over and over as it grew: ~0.4
# s of each worker's ~2.5 s of collection (`pytest --collect-only`, alternating). It is
# switched off while pytest collects and on again after, the heap collected and frozen at its
# end as above; in xdist's controller, which collects nothing, it is back on at once.
@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


# At its end pytest collects five times over (`unraisableexception.cleanup`, for finalizers that
# raise), each a walk of all the tests left alive: ~0.3 s each after tests/tui, of which only the
# first frees anything. One collection here runs every finalizer the first of those would (its
# unraisable hook is still pytest's), then what survives is frozen: pytest's five walk only
# what those finalizers left. Measured, 44 TUI tests: 1.56 s of GC after them, 0.36 s with this.
@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    gc.collect()
    gc.freeze()
