"""train_online_stacked: each run of the stack ends with train_online's bits on that run alone."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.engine import Init, build
from tutor.experiments import encoder_838 as enc
from tutor.experiments.notebooks.encoder_838_notebook import train_online_stacked


@pytest.mark.parametrize("activation", [enc.QUIRK, enc.CORRECT, "tanh"])
def test_every_run_equals_train_online_alone(activation):
    rng = np.random.RandomState(7)
    nets = [build([8, 3, 8], [activation] * 2, Init("xavier"), rng=rng) for _ in enc.LRS]
    alone = [net.copy() for net in nets]
    reports = []
    histories = train_online_stacked(
        nets, enc.X, enc.LRS, 120, lambda done, total, loss: reports.append((done, total, loss))
    )
    for net, ref, lr, history in zip(nets, alone, enc.LRS, histories):
        assert history == enc.train_online(ref, enc.X, lr, 120)
        for ours, theirs in zip(net.parameters(), ref.parameters()):
            assert np.array_equal(ours, theirs)  # 0 difference, not a tolerance
    assert reports == [(0, 120, histories[0][0]), (100, 120, histories[0][100])]


def test_one_learning_rate_per_network():
    nets = [build([8, 3, 8], [enc.CORRECT] * 2, Init("xavier"), seed=s) for s in (1, 2)]
    with pytest.raises(ValueError, match="2 learning rates"):
        train_online_stacked(nets, enc.X, [0.1], 1)


def test_runs_with_different_activations_share_a_stack():
    """The quirk's and the corrected σ′ (and tanh) side by side, each as train_online alone."""
    rng = np.random.RandomState(3)
    names = [enc.QUIRK, enc.CORRECT, "tanh", enc.CORRECT]
    nets = [build([8, 3, 8], [name] * 2, Init("xavier"), rng=rng) for name in names]
    alone = [net.copy() for net in nets]
    histories = train_online_stacked(nets, enc.X, [0.2, 0.1, 0.05, 0.2], 60)
    for net, ref, lr, history in zip(nets, alone, [0.2, 0.1, 0.05, 0.2], histories):
        assert history == enc.train_online(ref, enc.X, lr, 60)
        for ours, theirs in zip(net.parameters(), ref.parameters()):
            assert np.array_equal(ours, theirs)


def test_the_notebooks_fast_stack_keeps_each_runs_bits_in_any_order():
    """Sigmoid runs only (the one-hot fast stack): quirk and corrected interleaved, each run's
    losses, weights and the progress reports as train_online gives them alone."""
    rng = np.random.RandomState(5)
    names = [enc.CORRECT, enc.QUIRK, enc.CORRECT, enc.QUIRK, enc.QUIRK]
    rates = [0.2, 0.4, 0.05, 0.2, 0.001]
    nets = [build([8, 3, 8], [name] * 2, Init("xavier"), rng=rng) for name in names]
    alone = [net.copy() for net in nets]
    reports = []
    histories = train_online_stacked(
        nets, enc.X, rates, 150, lambda done, total, loss: reports.append((done, total, loss))
    )
    for net, ref, lr, history in zip(nets, alone, rates, histories):
        assert history == enc.train_online(ref, enc.X, lr, 150)
        for ours, theirs in zip(net.parameters(), ref.parameters()):
            assert np.array_equal(ours, theirs)
    assert reports == [(0, 150, histories[0][0]), (100, 150, histories[0][100])]


def test_cell_18s_variants_trained_together_are_each_trained_alone(monkeypatch):
    monkeypatch.setattr(enc, "_MAIN_RUNS", {})
    monkeypatch.setattr(enc, "_PLANNED_MAIN", None)
    history, net, state = enc._main_run(enc.QUIRK, epochs=30)
    assert {variant for variant, _ in enc._MAIN_RUNS} == {enc.QUIRK, enc.CORRECT, enc.DOUBLED}
    for variant, lr in ((enc.QUIRK, 0.2), (enc.CORRECT, 0.2), (enc.DOUBLED, 0.4)):
        history, net, state = enc._MAIN_RUNS[variant, 30]
        rng = np.random.RandomState(42)
        ref = enc.notebook_networks(enc.QUIRK if variant == enc.DOUBLED else variant, rng)
        assert history == enc.train_online(ref, enc.X, lr, 30)
        for ours, theirs in zip(net.parameters(), ref.parameters()):
            assert np.array_equal(ours, theirs)
        assert str(state) == str(rng.get_state())


def test_a_planned_verify_trains_only_the_variants_its_experiments_need(monkeypatch):
    monkeypatch.setattr(enc, "_MAIN_RUNS", {})
    monkeypatch.setattr(enc, "_PLANNED_MAIN", None)
    monkeypatch.setattr(enc, "_PLANNED_LR", False)
    enc._plan_main_runs({"encoder_838_seed001", "xor_relu"})
    enc._main_run(enc.QUIRK, epochs=3)
    assert set(enc._MAIN_RUNS) == {(enc.QUIRK, 3)}


def test_the_lr_comparisons_twins_are_their_runs_alone(monkeypatch):
    """Each twin (the run's start, lr 0.2, for the same lr·epochs) as train_online alone; the
    lr 0.2 twin is that run itself."""
    monkeypatch.setattr(enc, "_LR_RUNS", {})
    monkeypatch.setattr(enc, "_TWINS", {})
    epochs = 40
    enc._train_lr_runs(enc.QUIRK, epochs)
    twins = enc._TWINS[enc.QUIRK, epochs]
    runs = enc._LR_RUNS[enc.QUIRK, epochs]
    for (_, start, _, _), same_time, twin in zip(runs, enc._same_times(epochs), twins):
        assert twin == enc.train_online(start.copy(), enc.X, 0.2, same_time)
    assert enc._same_times(epochs)[-1] == epochs and twins[-1] == runs[-1][2]


def test_a_stack_trained_in_two_parts_is_the_stack_trained_at_once():
    """Cell [18]'s variants train their first 5000 epochs beside cell [21]'s runs, then the
    rest alone: two calls continue each run exactly (losses and weights)."""
    rng = np.random.RandomState(11)
    names = [enc.QUIRK, enc.CORRECT, enc.QUIRK]
    nets = [build([8, 3, 8], [name] * 2, Init("xavier"), rng=rng) for name in names]
    at_once = [net.copy() for net in nets]
    extra = [build([8, 3, 8], [enc.QUIRK] * 2, Init("xavier"), rng=rng) for _ in range(2)]
    first = train_online_stacked(nets + extra, enc.X, [0.2, 0.2, 0.4, 0.01, 0.2], 70)
    rest = train_online_stacked(nets, enc.X, [0.2, 0.2, 0.4], 50)
    whole = train_online_stacked(at_once, enc.X, [0.2, 0.2, 0.4], 120)
    assert [a + b for a, b in zip(first, rest)] == whole
    for net, ref in zip(nets, at_once):
        for ours, theirs in zip(net.parameters(), ref.parameters()):
            assert np.array_equal(ours, theirs)
