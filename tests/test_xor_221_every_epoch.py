"""xor_221's figures read from every epoch (last active epoch per unit and input, the largest
hidden→output weight), computed at the end from the weights kept, against the per-epoch loop."""

from __future__ import annotations

import numpy as np

from tutor.engine import Init, TrainConfig, build, get_loss, train
from tutor.experiments import xor_221
from tutor.experiments.xor_221 import T, X


def _per_epoch(net, epochs, learning_rate):
    """The figures as the loop computed them epoch by epoch before (the reference)."""
    last_active = np.full((4, 2), -1)
    last_active[X @ net.layers[0].W + net.layers[0].b > 0] = 0
    w2_max = [float(np.max(net.layers[1].W))]

    def on_epoch(epoch, loss, trained):
        net_h = X @ trained.layers[0].W + trained.layers[0].b
        last_active[net_h > 0] = epoch
        w2_max[0] = max(w2_max[0], float(np.max(trained.layers[1].W)))

    train(net, X, T, get_loss("bce"), TrainConfig(learning_rate, epochs), on_epoch)
    return last_active, w2_max[0]


def _kept(net, epochs, learning_rate):
    seen = xor_221._WeightsSeen(net, epochs)
    train(
        net,
        X,
        T,
        get_loss("bce"),
        TrainConfig(learning_rate, epochs),
        lambda epoch, loss, trained: seen.keep(epoch, trained),
    )
    return seen.figures(epochs)


def test_the_kept_weights_give_the_per_epoch_figures():
    for hidden, init, lr, seed in (
        ("relu", Init("normal", 0.1), 0.1, 42),  # xor_relu: units dead for some inputs
        ("sigmoid", Init("normal", 0.1), 0.1, 42),  # always active
        ("leaky_relu", Init("he"), 0.5, 3),
    ):
        net = build([2, 2, 1], [hidden, "sigmoid"], init, seed=seed)
        net.layers[0].b[1] = -3.0  # the second unit starts inactive for every input
        reference, ours = _per_epoch(net.copy(), 400, lr), _kept(net, 400, lr)
        assert ours[0].dtype == reference[0].dtype
        assert ours[0].tolist() == reference[0].tolist()
        assert repr(ours[1]) == repr(reference[1])
        assert -1 in reference[0] or hidden == "sigmoid"  # the never-active case is exercised
