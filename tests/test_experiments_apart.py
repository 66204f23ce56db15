"""Experiments run apart: `verify` runs the long, independent ones in a child process.

The child is the same code started afresh; its results must be the parent's bit for bit, and a
child that fails must cost nothing but time (the parent computes the experiment itself).
"""

from __future__ import annotations

import pickle

import pytest

from tutor.experiments import registry


@pytest.fixture
def fresh_cache(monkeypatch):
    """An empty results cache and no pending child for the test; the session's comes back."""
    monkeypatch.setattr(registry, "_CACHE", {})
    monkeypatch.setattr(registry, "_PENDING", {})


def test_a_child_computes_exactly_what_this_process_computes(fresh_cache, monkeypatch):
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    real = registry.get_experiment("two_hidden_linear")
    calls = []

    def counted(progress=None):  # this process's copy: the child runs the real one
        calls.append(1)
        return real.func(progress=progress)

    monkeypatch.setitem(
        registry.EXPERIMENTS,
        real.id,
        registry.Experiment(real.id, real.title, real.source, counted, real.unit, real.apart),
    )
    registry.run_apart(["two_hidden_linear", "xor_relu"])  # xor_relu is not marked apart
    assert registry.is_pending("two_hidden_linear")
    assert not registry.is_pending("xor_relu")
    from_child = registry.run_experiment("two_hidden_linear")
    assert not registry._PENDING and calls == []  # the child's result, not a fallback
    here = real.func()
    # Same keys, same values, bit for bit (pickling keeps every float's bits).
    assert pickle.dumps(from_child) == pickle.dumps(here)


def test_a_failed_child_leaves_the_work_to_this_process(fresh_cache, monkeypatch):
    calls = []

    def only_here(progress=None):
        calls.append(1)
        return {"value": 0.25}

    # Registered in this process only: the child does not know it and fails.
    experiment = registry.Experiment("test_only_here", "t", "", only_here, apart=True)
    monkeypatch.setitem(registry.EXPERIMENTS, "test_only_here", experiment)
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    registry.run_apart(["test_only_here"])
    assert registry.is_pending("test_only_here")
    assert registry.run_experiment("test_only_here") == {"value": 0.25}
    assert calls == [1] and not registry._PENDING


def test_nothing_starts_on_one_core_or_for_what_already_ran(fresh_cache, monkeypatch):
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 1)
    registry.run_apart(["two_hidden_linear"])
    assert not registry._PENDING
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    registry._CACHE["two_hidden_linear"] = {"done": True}
    registry.run_apart(["two_hidden_linear"])
    assert not registry._PENDING
