"""Every key of the tutor, in one list that the help screen shows."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

KEYS: list[tuple[str, str, str]] = [
    ("Everywhere", "? / F1", "this help"),
    ("Everywhere", "ctrl+p", "command palette: open a lesson, go to a step, export, theme"),
    ("Everywhere", "ctrl+t", "switch between the dark and the light theme"),
    ("Everywhere", "ctrl+q", "quit (progress is saved)"),
    ("Lesson list", "↑ / ↓", "choose a lesson"),
    ("Lesson list", "Enter", "open it (the first line resumes where you stopped)"),
    ("Lesson", "→  n  space", "next value or step"),
    ("Lesson", "←  p", "previous value or step"),
    ("Lesson", "Home / End", "first / last step"),
    ("Lesson", "f  e  b  u", "jump to the forward, error, backward or update phase"),
    ("Lesson", "g", "go to a step (its number) or a value (its name, e.g. out_h1)"),
    ("Lesson", "v", "toggle the variant (e.g. original vs updated weights) on errata steps"),
    ("Lesson", "m", "toggle the network between its neurons and the step in matrix form"),
    ("Lesson", "G", "the computational graph of the step (networks small enough to draw)"),
    ("Lesson", "i", "expand an instructor note (forensic detail for teachers), or collapse it"),
    ("Lesson", "I", "skip every instructor note, or show them again (remembered)"),
    ("Lesson", "q / Esc", "back to the lesson list"),
    ("Predict", "type, Enter", "check your answer (a number: 0.5933, 5.933e-1, .59327)"),
    ("Predict", "g q ? f e b u", "still the lesson's keys (e types an exponent after digits)"),
    ("Predict", "→  ←", "step on / back while the answer box is empty"),
    ("Predict", "Esc", "leave the answer box (then every lesson key works)"),
    ("Predict", "Enter", "back into the answer box"),
    ("Lesson", "PgUp / PgDn", "scroll the step text or the run results"),
    ("Quiz", "↑ ↓ Enter", "choose an answer; every option's explanation is shown"),
    ("Run", "r / Enter", "start the training run"),
    ("Run", "Esc", "cancel a run that is going"),
    ("Run", "l", "loss curve on a log scale, or linear again"),
    ("Sandbox", "← → ↑ ↓ Tab", "select a value (or click it): input, weight, bias, target, η"),
    ("Sandbox", "0-9 .  Enter", "type a new value for it (Enter sets it, Esc cancels)"),
    ("Sandbox", "+  −", "add or subtract 0.1"),
    ("Sandbox", "a  x", "add / remove a neuron in the selected hidden layer"),
    ("Sandbox", "A  X", "add / remove a hidden layer (before the output)"),
    ("Sandbox", "c  e", "next activation of the selected layer; next loss"),
    (
        "Sandbox",
        "d  r",
        "next data set (sample, XOR, AND, OR, easy XOR, linear, the file's rows); next row traced",
    ),
    ("Sandbox", "t  n", "train N steps (t again pauses); set N"),
    ("Sandbox", "space  s", "pause / resume training; one step"),
    ("Sandbox", "z  R", "reset to the start; random weights from a seed"),
    ("Sandbox", "L", "loss curve on a log scale, or linear again"),
    ("Sandbox", "u  U", "undo / redo (also ctrl+z, ctrl+y)"),
    ("Sandbox", "ctrl+s  ctrl+o", "save the network with its data set as a TOML file; load one"),
    ("Sandbox", "G", "the computational graph of the step"),
    ("Sandbox", "q / Esc", "back"),
    ("Graph", "→ ↓ n space", "one node backward, toward the weights"),
    ("Graph", "← ↑ p", "one node back toward E_total"),
    ("Graph", "Home / End", "E_total / the last node"),
    ("Graph", "G  q  Esc", "close the graph"),
]


def render_keys() -> Table:
    """The key table, grouped by where the keys work."""
    table = Table(box=None, padding=(0, 2), show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    last = ""
    for where, keys, what in KEYS:
        table.add_row(Text(where if where != last else "", style="bold"), Text(keys, "bold"), what)
        last = where
    return table


def render_notation() -> Table:
    """The notation card (`tutor.lessons.notation_card`): symbol, meaning, example."""
    from tutor.lessons.notation_card import NOTATION

    table = Table(box=None, padding=(0, 2), show_header=False)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for symbol, meaning, example in NOTATION:
        table.add_row(Text(symbol), Text.assemble(meaning, "\n", ("e.g. " + example, "dim")))
    return table
