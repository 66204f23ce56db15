"""Experiments: the course's training runs, reproduced by the engine, registered by id.

Lessons are data and never contain code; a lesson's `run` step or published
figure names an experiment by id (`xor_relu`, `encoder_838`, …) and a key of
its result. Each experiment is a function

    def xor_relu(progress: Progress | None = None) -> dict[str, object]

returning named results: scalars (`final_loss`), lists (`loss_curve`,
`loss_epochs`), tables (list of row dicts) and strings. Results are cached per
process, so `verify`, `run` and the TUI share one computation.

Experiments train with the engine (`tutor.engine.training`). Where a course notebook's
printed figures are figures of its own arithmetic, that loop lives in one module per notebook
under `tutor.experiments.notebooks`, which says (and a test shows) why the engine cannot
stand in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

_PUBLIC = (
    "EXPERIMENTS",
    "Experiment",
    "Progress",
    "experiment",
    "get_experiment",
    "run_experiment",
)
__all__ = list(_PUBLIC)


def __getattr__(name: str):
    # The registry loads on first use (PEP 562): `trace mazur` imports the built-in examples
    # from this package and needs no experiment.
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from tutor.experiments import registry

    value = getattr(registry, name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from tutor.experiments.registry import (  # noqa: F401
        EXPERIMENTS,
        Experiment,
        Progress,
        experiment,
        get_experiment,
        run_experiment,
    )
