"""The registry of experiments and the per-process cache of their results."""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutor.errors import NotFound

if TYPE_CHECKING:
    import subprocess

# Progress, Cancelled and check_progress live in tutor.progress (below mnist, which uses them
# too); imported here so the experiments keep importing them from their registry.
from tutor.progress import Cancelled as Cancelled
from tutor.progress import Progress as Progress
from tutor.progress import check_progress as check_progress


@dataclass(frozen=True)
class Experiment:
    """A named, reproducible computation of the engine."""

    id: str
    title: str
    source: str  # seed file and place it reproduces
    func: Callable[..., dict[str, Any]]
    unit: str = "epoch"  # what progress(done, …) counts: epoch, or batch
    # Independent of every other experiment and long: `verify` may run it in a process of its own
    # on the second core while it checks the rest (see `run_apart`).
    apart: bool = False


EXPERIMENTS: dict[str, Experiment] = {}
_CACHE: dict[str, dict[str, Any]] = {}
_LOADED = False
# Told which experiments are about to run, a module may train the independent runs of several in
# one stacked loop (each run's numbers are its own). `verify` tells them; a lesson's single run
# step does not, so it trains only what it shows.
_PLANNERS: list[Callable[[set[str]], None]] = []
# Experiments running in another process (`run_apart`): the future of their results.
_PENDING: dict[str, subprocess.Popen[bytes] | _ForkedChild] = {}
# The children asked to report their progress before their results (see `_collect`).
_REPORTING: set[subprocess.Popen[bytes] | _ForkedChild] = set()
# The trained runs experiment modules keep for one another (`run_cache`), cleared by `forget`.
_RUN_CACHES: list[dict] = []


def experiment(id: str, title: str, source: str = "", unit: str = "epoch", apart: bool = False):
    """Decorator: register `func` as the experiment `id` (its progress counts `unit`s)."""

    def register(func):
        if id in EXPERIMENTS:
            raise ValueError(f"experiment {id!r} registered twice")
        EXPERIMENTS[id] = Experiment(id, title, source, func, unit, apart)
        return func

    return register


def planner(func: Callable[[set[str]], None]) -> Callable[[set[str]], None]:
    """Decorator: `func(ids)` hears the ids of the experiments about to run (see `plan`)."""
    _PLANNERS.append(func)
    return func


def plan(ids: set[str]) -> None:
    """Tell every experiment module which experiments will run next, before any of them runs."""
    _load_all()
    _tell_planners(ids)


def _tell_planners(ids: set[str]) -> None:
    """Tell the modules loaded so far (their planners) which experiments will run next."""
    for func in _PLANNERS:
        func(set(ids))


def _load_all() -> None:
    """Import every module of this package so their experiments register themselves."""
    global _LOADED
    if _LOADED:
        return
    import tutor.experiments as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "registry":
            importlib.import_module(f"tutor.experiments.{info.name}")
    _LOADED = True


def get_experiment(id: str) -> Experiment:
    """The experiment `id`; KeyError naming the known ones otherwise."""
    if id not in EXPERIMENTS:  # registered when its module loaded: load the others only now
        _load_all()
    if id not in EXPERIMENTS:
        raise NotFound(f"unknown experiment {id!r}; known: {', '.join(sorted(EXPERIMENTS))}")
    return EXPERIMENTS[id]


def run_experiment(id: str, progress: Progress | None = None) -> dict[str, Any]:
    """Run (or fetch from the cache) the experiment `id` and return its results."""
    if id in _CACHE:
        return _CACHE[id]
    if id in _PENDING:
        _collect(_PENDING[id])
        if id in _CACHE:
            return _CACHE[id]
    result = get_experiment(id).func(progress=progress)
    _CACHE[id] = result
    return result


def remember(id: str, result: dict[str, Any]) -> None:
    """Cache `result` as `id`'s when another experiment computed it exactly as `id` does."""
    _CACHE.setdefault(id, result)


def run_cache() -> dict:
    """A dict for an experiment module's trained runs, shared by its experiments in this process.

    Kept here so that `forget` clears it with the results: a run is only ever as cached as the
    results computed from it.
    """
    cache: dict = {}
    _RUN_CACHES.append(cache)
    return cache


def forget() -> None:
    """Forget every result and trained run of this process: the next ask computes afresh."""
    _CACHE.clear()
    for cache in _RUN_CACHES:
        cache.clear()


def cached_result(id: str) -> dict[str, Any] | None:
    """The results of `id` if it already ran in this process, else None (nothing is run)."""
    return _CACHE.get(id)


def run_apart(planned: list[str], report_progress: bool = False) -> None:
    """Start the planned experiments marked `apart` in one process of their own.

    They run on the machine's second core while this process computes the rest; their results
    join the cache when first asked for. The child is this process forked when that is safe (on
    Linux, with no other Python thread alive: see `_may_fork`), else this same code run afresh
    (`python -c`); either way it is planned alike and runs the experiments in the order given,
    so it computes exactly what this process would; its floats come back pickled, bit for bit.
    A fork skips the fresh interpreter's start-up (Python, NumPy and the modules: ~0.35 s of
    CPU). Nothing starts on one core or for runs already done here; if the child fails, each
    experiment is computed here when asked for. A fresh child loads only the experiment modules
    of the ids it runs (the others' import is start-up it would waste). With `report_progress`
    the child also reports how far each experiment got (`wait_apart` hears it); without, its
    output is the pickled results alone.
    """
    _load_all()
    ids = [i for i in dict.fromkeys(planned) if i in EXPERIMENTS and EXPERIMENTS[i].apart]
    ids = [i for i in ids if i not in _CACHE and i not in _PENDING]
    if not ids or (os.cpu_count() or 1) < 2:
        return
    if _may_fork():
        child: subprocess.Popen[bytes] | _ForkedChild = _fork_child(planned, ids, report_progress)
    else:
        child = _spawn_child(planned, ids, report_progress)
    if report_progress:
        _REPORTING.add(child)
    for i in ids:
        _PENDING[i] = child


def _may_fork() -> bool:
    """Whether `run_apart` may fork this process: on Linux (macOS's system libraries are not
    fork-safe), and with no other Python thread alive, which could hold a lock the child would
    wait on for ever (OpenBLAS's own threads are stopped and restarted around a fork)."""
    import sys
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


class _ForkedChild:
    """A forked child, as `_collect` uses a `subprocess.Popen`: `stdout`, `wait`, `returncode`."""

    def __init__(self, pid: int, stdout) -> None:
        self.pid = pid
        self.stdout = stdout
        self.returncode: int | None = None

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _fork_child(planned: list[str], ids: list[str], report_progress: bool) -> _ForkedChild:
    """Fork a child that runs `ids` and writes what `child_main` writes, into a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, whatever happens (status 1 on any failure)
        status = 1
        try:
            os.close(read)
            _run_forked(os.fdopen(write, "wb"), planned, ids, report_progress)
            status = 0
        finally:
            os._exit(status)  # none of the parent's exit handlers or buffers run twice
    os.close(write)
    return _ForkedChild(pid, os.fdopen(read, "rb"))


def _run_forked(out, planned: list[str], ids: list[str], report_progress: bool) -> None:
    """In a forked child: run `ids` as `child_main` does, its output to `out` alone."""
    import sys

    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # nothing of the child reaches the parent's terminal or pipes
        os.dup2(null, fd)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (the child exits with _exit)
    _PENDING.clear()  # other children's results are theirs to deliver, to the parent
    _REPORTING.clear()
    _tell_planners(set(planned))
    _run_and_write(out, ids, report_progress)


def _spawn_child(
    planned: list[str], ids: list[str], report_progress: bool
) -> subprocess.Popen[bytes]:
    """Start `child_main` in a fresh interpreter, told the plan, the ids and their modules."""
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])  # the folder holding this `tutor` package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen(
        [sys.executable, "-c", "from tutor.experiments.registry import child_main; child_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert child.stdin is not None
    owners = dict.fromkeys(EXPERIMENTS[i].func.__module__ for i in ids)
    modules = [m for m in owners if m.startswith(f"{__package__}.")]  # the package's own
    header = [" ".join(planned), " ".join(ids), " ".join(modules)]
    child.stdin.write("\n".join(header + [_REPORTS] * report_progress).encode())
    child.stdin.close()
    return child


def is_pending(id: str) -> bool:
    """Whether the experiment `id` is running in another process (see `run_apart`)."""
    return id in _PENDING


def child_main() -> None:
    """In the child: read the plan, the ids and their modules, run the ids, write their results
    pickled. Only the modules named are loaded and planned (an id registered elsewhere loads
    the others, see `get_experiment`)."""
    import sys

    planned, ids, modules, reports = (sys.stdin.read().split("\n") + ["", "", ""])[:4]
    out, sys.stdout = sys.stdout.buffer, sys.stderr  # nothing an experiment prints mixes in
    for module in modules.split():
        importlib.import_module(module)
    _tell_planners(set(planned.split()))
    _run_and_write(out, ids.split(), reports == _REPORTS)


def _run_and_write(out, ids: list[str], report_progress: bool) -> None:
    """In a child: run `ids` in order, write their results pickled to `out` (with
    `report_progress`, each one's progress lines first, then the line saying results follow)."""
    import pickle

    if report_progress:
        results = {i: run_experiment(i, _progress_line(out, i)) for i in ids}
        out.write(_RESULTS_FOLLOW)
    else:
        results = {i: run_experiment(i) for i in ids}
    out.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()


# The child's progress (asked for by `run_apart(..., report_progress=True)`): lines
# "progress ID DONE TOTAL" while it works, then a line "results" and the pickled results.
_REPORTS = "progress"
_RESULTS_FOLLOW = b"results\n"
# At most this many progress lines a second: the parent reads them only while it waits, so
# they must stay far below a pipe's buffer (64 kB) or the child would block writing them.
_REPORTS_PER_SECOND = 10


def _progress_line(out, id: str) -> Progress:
    """In the child: a Progress writing `id`'s first, last and at most 10-a-second reports."""
    import time

    last: list[float | None] = [None]

    def report(done: int, total: int, loss=None) -> None:
        now = time.monotonic()
        if done < total and last[0] is not None and now - last[0] < 1 / _REPORTS_PER_SECOND:
            return
        last[0] = now
        out.write(f"{_REPORTS} {id} {int(done)} {int(total)}\n".encode())
        out.flush()

    return report


def wait_apart(report: ChildProgress | None = None) -> None:
    """Wait for every experiment running apart; `report(id, done, total)` hears how far the
    child got (when `run_apart` asked it to report) while this process waits."""
    for child in list(dict.fromkeys(_PENDING.values())):
        _collect(child, report)


# report(experiment id, done, total): the progress of an experiment running in the child.
ChildProgress = Callable[[str, int, int], None]


def _collect(
    child: subprocess.Popen[bytes] | _ForkedChild, report: ChildProgress | None = None
) -> None:
    """Wait for a child's results and cache them; on its failure forget it (computed here)."""
    import pickle

    try:
        assert child.stdout is not None
        if child in _REPORTING:
            _REPORTING.discard(child)
            _read_reports(child.stdout, report)
        output = child.stdout.read()
        child.wait()
        # our own child's output, the same code's objects (never a file or a user's text)
        results = pickle.loads(output) if child.returncode == 0 else {}
    except Exception:  # a broken child must not fail verify: the parent computes instead
        results = {}
    for i in [i for i, c in _PENDING.items() if c is child]:
        del _PENDING[i]
    for i, result in results.items():
        _CACHE.setdefault(i, result)


def _read_reports(stream, report: ChildProgress | None) -> None:
    """Pass the child's progress lines to `report` until the line that precedes its results."""
    for line in iter(stream.readline, b""):
        if line == _RESULTS_FOLLOW:
            return
        fields = line.split()
        if report is not None and len(fields) == 4 and fields[0] == _REPORTS.encode():
            report(fields[1].decode(), int(fields[2]), int(fields[3]))
