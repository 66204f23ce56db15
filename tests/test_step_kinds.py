"""Every step kind is complete: a dataclass registered with its loader, a headless player and
a TUI view (issue 10). Adding a kind and forgetting one of them fails here, not in a lesson."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from tutor.cli.run_cmd import PLAYERS
from tutor.lessons.kinds import STEP_KINDS
from tutor.lessons.loader import load_lessons
from tutor.lessons.model import Step
from tutor.tui.kind_views import KIND_VIEWS, KindView


def _concrete_step_classes(base: type[Step] = Step) -> set[type[Step]]:
    """Every subclass of Step that is a kind (it names its `kind`), however deep."""
    found: set[type[Step]] = set()
    for cls in base.__subclasses__():
        if "kind" in vars(cls):
            found.add(cls)
        found |= _concrete_step_classes(cls)
    return found


REGISTERED = {kind.step_class for kind in STEP_KINDS.values()}


def test_every_step_dataclass_is_a_registered_kind():
    assert _concrete_step_classes() == REGISTERED


def test_the_registry_is_keyed_by_each_class_s_own_kind():
    for name, kind in STEP_KINDS.items():
        assert kind.step_class.kind == name == kind.name
    assert len(REGISTERED) == len(STEP_KINDS)  # no class registered twice


@pytest.mark.parametrize("name", list(STEP_KINDS))
def test_each_kind_has_a_loader_a_player_and_a_view(name):
    step_class = STEP_KINDS[name].step_class
    assert callable(STEP_KINDS[name].load), f"{name}: no loader"
    assert step_class in PLAYERS and callable(PLAYERS[step_class]), f"{name}: no player in run"
    view = KIND_VIEWS.get(step_class)
    assert isinstance(view, KindView), f"{name}: no view in the TUI (tutor/tui/kind_views.py)"


def test_no_player_or_view_for_a_class_that_is_not_a_kind():
    assert set(PLAYERS) == REGISTERED
    assert set(KIND_VIEWS) == REGISTERED


@pytest.mark.parametrize("name", list(STEP_KINDS))
def test_a_kind_s_fields_are_typed_and_hold_no_untyped_extras(name):
    step_class = STEP_KINDS[name].step_class
    hints = typing.get_type_hints(step_class)
    for field in dataclasses.fields(step_class):
        assert hints[field.name] is not typing.Any, (name, field.name)
        assert typing.get_origin(hints[field.name]) is not dict, (name, field.name)
    assert step_class.__dataclass_params__.frozen  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(STEP_KINDS))
def test_each_key_a_kind_accepts_is_a_field_of_its_class(name):
    """A key the loader accepts lands in a field: the network keys in `trace`, the rest by name."""
    kind = STEP_KINDS[name]
    fields = {field.name for field in dataclasses.fields(kind.step_class)}
    for key in kind.keys:
        assert ("trace" if key in ("example", "network") else key) in fields, (name, key)


def test_the_built_in_lessons_use_every_kind():
    used = {type(step) for lesson in load_lessons().lessons for step in lesson.steps}
    assert used == REGISTERED
