"""The encoder's shared stack stops when its progress callback says so (a learner who leaves)."""

from __future__ import annotations

import pytest

from tutor.experiments import encoder_838
from tutor.experiments.registry import Cancelled, get_experiment


def test_a_false_from_progress_stops_the_stack_with_cell_21s_runs(monkeypatch):
    """Seed 001's first run trains cell [21]'s runs in its stack (progress shifted to the whole
    run): a False at the first report stops it there, and nothing half-trained is kept.

    The TUI's figure check (encoder-838 steps 11 and 12) passes such a callback; before the fix
    the shifted callback dropped the False and a learner who left still waited 10,000 epochs.
    """
    for cache in ("_MAIN_RUNS", "_LR_RUNS", "_LAST_LR_RUN", "_TWINS"):
        monkeypatch.setattr(encoder_838, cache, {})  # nothing trained yet in this process
    monkeypatch.setattr(encoder_838, "_PLANNED_MAIN", None)  # not a planned verify: all runs
    calls = []

    def stop(done, total, loss=None):
        calls.append((done, total))
        return False

    with pytest.raises(Cancelled):
        get_experiment("encoder_838_seed001").func(progress=stop)
    assert calls == [(0, encoder_838.EPOCHS)]
    assert not encoder_838._MAIN_RUNS and not encoder_838._LR_RUNS and not encoder_838._TWINS
