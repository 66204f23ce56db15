"""Shared fixtures of the TUI tests: a private data folder and the tiny experiments."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from tests.tui import css_once, gc_per_test, settle
from tests.tui.tiny_experiments import register


@pytest.fixture
def garbage_collected_once():
    """One GC run per test, over what it made, at the end (tests/tui/gc_per_test.py). Each
    autouse fixture below asks for it first: set up before them, torn down after them."""
    with gc_per_test.collected_at_the_end():
        yield


@pytest.fixture(autouse=True)
def private_data(garbage_collected_once, tmp_path, monkeypatch):
    """Every test gets its own data folder and current folder (exports land there)."""
    register()
    data = tmp_path / "data"
    monkeypatch.setenv("BACKPROP_TUTOR_DATA", str(data))
    monkeypatch.chdir(tmp_path)
    return data


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no asyncio plugin is installed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
        return True
    return None


@pytest.fixture(autouse=True)
def exact_pilot_waits(garbage_collected_once, monkeypatch):
    """Pilot waits until each key is handled instead of for an idle CPU (tests/tui/settle.py)."""
    settle.install(monkeypatch)


@pytest.fixture(autouse=True)
def css_parsed_once(garbage_collected_once, monkeypatch):
    """The apps of this process share their parsed CSS (tests/tui/css_once.py)."""
    css_once.install(monkeypatch)
