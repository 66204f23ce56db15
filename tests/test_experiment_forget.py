"""`registry.forget`: the next ask computes afresh, however the experiments share their runs.

Experiment modules keep trained runs for one another (a family of lesson steps trains in one
stack); `bench_lesson_runs.py` times each step as if nothing were cached, so forgetting the
results alone would time a lookup of runs still kept by the module.
"""

from __future__ import annotations

import importlib

import pytest

from tutor.experiments import registry

# Every module-level store of trained runs in tutor/experiments (module, attribute).
RUN_STORES = (
    ("deep_xor", "_VARIANT_RESULTS"),
    ("encoder_838", "_MAIN_RUNS"),
    ("encoder_838", "_LR_RUNS"),
    ("encoder_838", "_LAST_LR_RUN"),
    ("encoder_838", "_TWINS"),
    ("regularization", "_TRAINED"),
    ("two_hidden", "_CELLS"),
    ("xor_221", "_SWEEP_ACCURACIES"),
)


@pytest.mark.parametrize(("module", "name"), RUN_STORES)
def test_each_store_of_trained_runs_is_one_forget_clears(module, name):
    store = getattr(importlib.import_module(f"tutor.experiments.{module}"), name)
    assert any(store is cache for cache in registry._RUN_CACHES), f"{module}.{name}"


def test_forget_clears_the_results_and_the_runs(monkeypatch):
    # Stand-ins, so that the session's own cached runs stay for the other tests.
    monkeypatch.setattr(registry, "_CACHE", {"an_experiment": {"loss": 0.5}})
    monkeypatch.setattr(registry, "_RUN_CACHES", [])
    runs = registry.run_cache()
    runs["a run"] = ("net", "history")
    registry.forget()
    assert registry._CACHE == {}
    assert runs == {}
    assert registry.cached_result("an_experiment") is None
