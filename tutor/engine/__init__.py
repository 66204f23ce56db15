"""The NumPy engine: networks, training, and traced steps. Imports neither textual nor sympy.

The names below load their module on first use (PEP 562), so a command that needs a few of
them (`trace mazur`) does not compile and run the rest at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each public name and the module that defines it.
_HOMES = {
    "ACTIVATIONS": "activations",
    "Activation": "activations",
    "get_activation": "activations",
    "Example": "examples",
    "Init": "initializers",
    "LOSSES": "losses",
    "Loss": "losses",
    "get_loss": "losses",
    "Cache": "network",
    "Dense": "network",
    "Gradients": "network",
    "Network": "network",
    "build": "network",
    "dense": "network",
    "PHASES": "trace",
    "Trace": "trace",
    "TraceValue": "trace",
    "format_number": "trace",
    "traced_step": "traced",
    "History": "training",
    "TrainConfig": "training",
    "TrainingDiverged": "training",
    "apply_update": "training",
    "train": "training",
}

__all__ = list(_HOMES)


def __getattr__(name: str):
    """Load a public name's module when the name is first asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    # The same names for type checkers, which do not run __getattr__.
    from tutor.engine.activations import ACTIVATIONS, Activation, get_activation  # noqa: F401
    from tutor.engine.examples import Example  # noqa: F401
    from tutor.engine.initializers import Init  # noqa: F401
    from tutor.engine.losses import LOSSES, Loss, get_loss  # noqa: F401
    from tutor.engine.network import Cache, Dense, Gradients, Network, build, dense  # noqa: F401
    from tutor.engine.trace import PHASES, Trace, TraceValue, format_number  # noqa: F401
    from tutor.engine.traced import traced_step  # noqa: F401
    from tutor.engine.training import History, TrainConfig, TrainingDiverged, apply_update, train  # noqa: F401
