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


def test_runs_of_different_lengths_in_one_stack_give_each_runs_own_results():
    """A stack whose runs stop at different epochs (the shorter leave, the rest go on in a stack
    of their own): each run's results and weights are train_xor's alone, and progress is the
    first longest run's, as alone."""
    runs = [
        (Init("he"), 0.1, 3),  # 120 epochs
        (Init("he"), 0.5, 42),  # 510: the lab's check at 500 in the second stack
        (Init("normal", 0.1), 0.1, 7),  # 499
        (Init("he"), 2.0, 42),  # 510
        (Init("he"), 0.2, 1),  # 55: first 100 % after its 55th update, its last
    ]
    epochs = [120, 510, 499, 510, 55]
    reports = []
    together = deep_xor.train_xor_together(
        [2, 8, 8, 2],
        runs,
        lambda done, total, loss=None: reports.append((done, total, loss)),
        epochs,
    )
    alone_reports = []
    for k, ((init, lr, seed), limit, (net, results)) in enumerate(zip(runs, epochs, together)):
        progress = (lambda d, t, loss=None: alone_reports.append((d, t, loss))) if k == 1 else None
        ref_net, ref = deep_xor.train_xor([2, 8, 8, 2], init, lr, progress, limit, seed=seed)
        assert results == ref
        for ours, theirs in zip(net.parameters(), ref_net.parameters()):
            assert np.array_equal(ours, theirs)
    assert reports == alone_reports
    assert together[4][1]["first_100_after"] == 55  # seen by the run's own last check


def test_random_lengths_and_runs_in_one_stack():
    rng = np.random.default_rng(5)
    inits = [Init("he"), Init("normal", 0.1), Init("normal", 0.01)]
    for _ in range(3):
        count = int(rng.integers(2, 6))
        runs = [
            (
                inits[int(rng.integers(3))],
                float(rng.choice([0.05, 0.1, 0.5])),
                int(rng.integers(50)),
            )
            for _ in range(count)
        ]
        epochs = [int(e) for e in rng.integers(1, 90, count)]
        together = deep_xor.train_xor_together([2, 8, 8, 2], runs, None, epochs)
        for (init, lr, seed), limit, (net, results) in zip(runs, epochs, together):
            ref_net, ref = deep_xor.train_xor([2, 8, 8, 2], init, lr, None, limit, seed=seed)
            assert results == ref
            for ours, theirs in zip(net.parameters(), ref_net.parameters()):
                assert np.array_equal(ours, theirs)


def test_a_variant_asked_first_trains_the_seeds_runs_in_its_stack(monkeypatch):
    trained = []

    def train_xor_together(sizes, runs, progress, epochs):
        trained.append(list(zip(runs, epochs)))
        return [(None, {"run": run, "epochs": e}) for run, e in zip(runs, epochs)]

    monkeypatch.setattr(deep_xor, "_VARIANT_RESULTS", {})
    monkeypatch.setattr(deep_xor, "_PLANNED_VARIANTS", None)
    monkeypatch.setattr(deep_xor, "train_xor_together", train_xor_together)
    deep_xor._train_variants(deep_xor.STACKED_VARIANTS["deep_xor_lr_2"], None)
    (stack,) = trained
    assert stack[0] == ((Init("he"), 2.0, 42), 5000)  # the one asked first
    assert len(stack) == 7 + 10
    assert [run for run in stack if run[1] == 2000] == [
        ((Init("he"), 0.1, seed), 2000) for seed in range(10)
    ]
    for seed, key in enumerate(deep_xor.SEED_RUNS):
        assert deep_xor._VARIANT_RESULTS[key] == {"run": (Init("he"), 0.1, seed), "epochs": 2000}
    # Planned without deep_xor_seeds (as verify plans): the seeds stay out of the stack.
    trained.clear()
    monkeypatch.setattr(deep_xor, "_VARIANT_RESULTS", {})
    deep_xor._plan_variants({"deep_xor_lr_2", "deep_xor_4rows"})
    deep_xor._train_variants(deep_xor.STACKED_VARIANTS["deep_xor_lr_2"], None)
    assert [run for run, _ in trained[0]] == [(Init("he"), 2.0, 42), (Init("he"), 0.1, 42)]
