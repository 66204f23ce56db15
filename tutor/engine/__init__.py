"""The NumPy engine: networks, training, and traced steps. Imports neither textual nor sympy."""

from tutor.engine.activations import ACTIVATIONS, Activation, get_activation
from tutor.engine.examples import Example
from tutor.engine.initializers import Init
from tutor.engine.losses import LOSSES, Loss, get_loss
from tutor.engine.network import Cache, Dense, Gradients, Network, build, dense
from tutor.engine.trace import PHASES, Trace, TraceValue, format_number
from tutor.engine.traced import traced_step
from tutor.engine.training import History, TrainConfig, TrainingDiverged, apply_update, train

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "Example",
    "Init",
    "LOSSES",
    "Loss",
    "get_loss",
    "Cache",
    "Dense",
    "Gradients",
    "Network",
    "build",
    "dense",
    "PHASES",
    "Trace",
    "TraceValue",
    "format_number",
    "traced_step",
    "History",
    "TrainConfig",
    "TrainingDiverged",
    "apply_update",
    "train",
]
