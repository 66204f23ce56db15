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
