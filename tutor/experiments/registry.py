"""The registry of experiments and the per-process cache of their results."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tutor.errors import NotFound

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


EXPERIMENTS: dict[str, Experiment] = {}
_CACHE: dict[str, dict[str, Any]] = {}
_LOADED = False
# Told which experiments are about to run, a module may train the independent runs of several in
# one stacked loop (each run's numbers are its own). `verify` tells them; a lesson's single run
# step does not, so it trains only what it shows.
_PLANNERS: list[Callable[[set[str]], None]] = []


def experiment(id: str, title: str, source: str = "", unit: str = "epoch"):
    """Decorator: register `func` as the experiment `id` (its progress counts `unit`s)."""

    def register(func):
        if id in EXPERIMENTS:
            raise ValueError(f"experiment {id!r} registered twice")
        EXPERIMENTS[id] = Experiment(id, title, source, func, unit)
        return func

    return register


def planner(func: Callable[[set[str]], None]) -> Callable[[set[str]], None]:
    """Decorator: `func(ids)` hears the ids of the experiments about to run (see `plan`)."""
    _PLANNERS.append(func)
    return func


def plan(ids: set[str]) -> None:
    """Tell every experiment module which experiments will run next, before any of them runs."""
    _load_all()
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
    _load_all()
    if id not in EXPERIMENTS:
        raise NotFound(f"unknown experiment {id!r}; known: {', '.join(sorted(EXPERIMENTS))}")
    return EXPERIMENTS[id]


def run_experiment(id: str, progress: Progress | None = None) -> dict[str, Any]:
    """Run (or fetch from the cache) the experiment `id` and return its results."""
    if id in _CACHE:
        return _CACHE[id]
    result = get_experiment(id).func(progress=progress)
    _CACHE[id] = result
    return result


def remember(id: str, result: dict[str, Any]) -> None:
    """Cache `result` as `id`'s when another experiment computed it exactly as `id` does."""
    _CACHE.setdefault(id, result)


def cached_result(id: str) -> dict[str, Any] | None:
    """The results of `id` if it already ran in this process, else None (nothing is run)."""
    return _CACHE.get(id)
