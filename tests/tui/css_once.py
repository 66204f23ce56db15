"""Textual's CSS parsed once per test process, not once per app.

Every TUI test starts its own app, and each app's `Stylesheet` parses the same sources again:
the DEFAULT_CSS of every widget class it mounts, app.tcss, lesson.tcss (28 sources by the time
a lesson shows, ~35 parses). Textual keeps the parsed rules in a cache of its own per
Stylesheet (`Stylesheet._parse_cache`, keyed by the source and where it was read from; cleared
when the theme's variables change). `install` adds one cache shared by the stylesheets of this
process, keyed the same way plus the variables the rules were parsed with: the same source under
the same theme gives the same rules, so an app gets the rules it would have parsed, in the same
order. Parsed rules are only read afterwards (`Stylesheet.apply` takes each rule's styles with
`extract_rules`; a theme change parses into a fresh Stylesheet).

Test-only, like tests/tui/settle.py: a learner's process runs one app, which parses each source
once already. Checks first that `_parse_rules` is still the method this was written against
(textual is pinned exactly in pyproject).
"""

from __future__ import annotations

import inspect

import pytest
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

ORIGINAL = Stylesheet._parse_rules
PARAMETERS = ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]
_PARSED: dict[tuple, list[RuleSet]] = {}


def parse_rules_once(
    self: Stylesheet,
    css: str,
    read_from,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[RuleSet]:
    """`Stylesheet._parse_rules`, its result shared by every stylesheet of the process."""
    key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items()))
    rules = _PARSED.get(key)
    if rules is None:
        rules = ORIGINAL(self, css, read_from, is_default_rules, tie_breaker, scope)
        _PARSED[key] = rules
    return rules


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share parsed CSS between the apps of this process, for one test."""
    if Stylesheet._parse_rules is not ORIGINAL and Stylesheet._parse_rules is not parse_rules_once:
        raise RuntimeError("tests/tui/css_once.py: Stylesheet._parse_rules was replaced elsewhere")
    monkeypatch.setattr(Stylesheet, "_parse_rules", parse_rules_once)


def check_privates() -> None:
    """Fail at once, with a message, if a Textual upgrade changed what this relies on."""
    found = list(inspect.signature(ORIGINAL).parameters)
    if found != PARAMETERS or not hasattr(Stylesheet(), "_variables"):
        raise RuntimeError(
            f"tests/tui/css_once.py: Textual's Stylesheet._parse_rules takes {found}, "
            f"not {PARAMETERS} (Textual upgraded?): re-check before sharing parsed CSS."
        )


check_privates()
