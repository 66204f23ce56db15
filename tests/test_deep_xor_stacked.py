"""deep_xor's runs trained in one stack: each run's network and results are train_xor's alone."""

from __future__ import annotations

import numpy as np

from tutor.engine import Init
from tutor.experiments import deep_xor


def test_stacked_runs_give_each_runs_own_results():
    """Learning rates, initialisations and seeds of the lesson's variants, 510 epochs (the lab's
    checks at 500 included): results (==, every figure, table and curve) and final weights."""
    runs = [
        (Init("he"), 0.1, 42),
        (Init("he"), 2.0, 42),  # every unit dies: never 100 %, checked each epoch
        (Init("normal", 0.01), 0.1, 42),
        (Init("he"), 0.1, 3),
    ]
    reports = []
    together = deep_xor.train_xor_together(
        [2, 8, 8, 2], runs, lambda done, total, loss=None: reports.append((done, loss)), 510
    )
    alone_reports = []
    for k, ((init, lr, seed), (net, results)) in enumerate(zip(runs, together)):
        progress = (lambda d, t, loss=None: alone_reports.append((d, loss))) if k == 0 else None
        ref_net, ref = deep_xor.train_xor([2, 8, 8, 2], init, lr, progress, 510, seed=seed)
        assert results == ref
        for ours, theirs in zip(net.parameters(), ref_net.parameters()):
            assert np.array_equal(ours, theirs)
    assert reports == alone_reports  # the first run's progress, as alone


def test_a_planned_verify_trains_only_the_planned_variants(monkeypatch):
    trained = []

    def train_xor_together(sizes, runs, progress, epochs):
        trained.extend(runs)
        return [(None, {}) for _ in runs]

    monkeypatch.setattr(deep_xor, "_VARIANT_RESULTS", {})
    monkeypatch.setattr(deep_xor, "_PLANNED_VARIANTS", None)
    monkeypatch.setattr(deep_xor, "train_xor_together", train_xor_together)
    deep_xor._plan_variants({"deep_xor", "deep_xor_lr_0p2"})
    deep_xor._train_variants(deep_xor.STACKED_VARIANTS["deep_xor_lr_2"], None)
    assert trained == [(Init("he"), 2.0, 42), (Init("he"), 0.2, 42)]
