"""Messages the sandbox's training worker posts (it never touches widgets itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class TrainChunk(Message):
    """Some steps trained: the state after them and the loss before each step."""

    token: int
    state: Any  # SandboxState
    losses: tuple[float, ...]


@dataclass
class TrainEnded(Message):
    """Training stopped: finished, paused (cancelled) or diverged (`reason` says which)."""

    token: int
    reason: str
    finished: bool
