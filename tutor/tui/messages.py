"""Messages the run worker posts to the lesson screen (it never touches widgets itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class RunProgress(Message):
    """A run's progress: done of total, and every (x, loss) point so far."""

    token: int
    index: int  # which experiment of the step (compare steps run several)
    done: int
    total: int
    points: tuple[tuple[float, float], ...]

    def can_replace(self, message: Message) -> bool:
        """A newer progress of the same run supersedes a queued one (it carries all points)."""
        return (
            isinstance(message, RunProgress)
            and message.token == self.token
            and message.index == self.index
        )


@dataclass
class RunFinished(Message):
    """A run finished; `results` holds one result dict per experiment of the step."""

    token: int
    results: tuple[tuple[str, dict[str, Any]], ...]


@dataclass
class RunStopped(Message):
    """A run ended without results: cancelled, or failed with a readable reason."""

    token: int
    reason: str
    cancelled: bool


@dataclass
class Computed(Message):
    """A slow value (SymPy forms, a derivation, a figure check) computed in a thread."""

    key: str
    value: Any
    error: str
