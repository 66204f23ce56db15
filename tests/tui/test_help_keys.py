"""The help screen lists every key of the sandbox and the graph view (from their bindings)."""

from __future__ import annotations

import pytest

from tutor.tui.help import KEYS
from tutor.tui.screens.graph import GraphScreen
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.sandbox import SandboxScreen

# How the help writes a binding's key name.
SHOWN = {
    "right": "→",
    "left": "←",
    "up": "↑",
    "down": "↓",
    "plus": "+",
    "equals_sign": "+",
    "minus": "−",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "home": "Home",
    "end": "End",
}


def _listed(where: str) -> str:
    return " ".join(keys for place, keys, _ in KEYS if place == where)


@pytest.mark.parametrize("screen, where", [(SandboxScreen, "Sandbox"), (GraphScreen, "Graph")])
def test_every_binding_of_the_screen_is_in_the_help(screen, where):
    listed = _listed(where).split()
    for binding in screen.BINDINGS:
        first = binding.key.split(",")[0]
        assert SHOWN.get(first, first) in listed, f"{where}: {first} ({binding.action})"


def test_the_lessons_graph_and_log_scale_keys_are_in_the_help():
    keys = {b.key.split(",")[0] for b in LessonScreen.BINDINGS}
    assert "G" in keys and "G" in _listed("Lesson").split()
    assert "l" in _listed("Run").split()
    assert "L" in _listed("Sandbox").split()
