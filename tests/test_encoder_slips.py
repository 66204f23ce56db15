"""Lesson 5's measurements of notebook 001's softmax derivative and its Σe² loss (issue 12),
checked against finite differences and an independent training loop."""

import numpy as np
import pytest

from tutor.experiments.encoder_838 import QUIRK, X, notebook_networks, train_online
from tutor.experiments.encoder_838_slips import softmax_output_gradients
from tutor.experiments.registry import run_experiment


def test_the_jacobian_gradient_is_the_finite_difference_one():
    g = softmax_output_gradients()
    s, x = g["s"], X[0]
    z = np.log(s)  # softmax(log s) = s: any z with these outputs has the same gradient

    def loss(z):
        p = np.exp(z) / np.exp(z).sum()
        return 0.5 * np.sum((p - x) ** 2)

    h = 1e-6
    fd = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(8)])
    assert g["jacobian"] == pytest.approx(fd, abs=1e-9)
    assert not g["diagonal"] == pytest.approx(fd, abs=1e-3)  # s(1 − s) is not the gradient


def test_the_reported_sizes_are_those_of_the_vectors():
    r = run_experiment("encoder_838_slips")
    g = softmax_output_gradients()
    true = g["jacobian"]
    rel = np.linalg.norm(g["diagonal"] - true) / np.linalg.norm(true)
    assert r["softmax_diagonal_relative_error"] == pytest.approx(rel, rel=1e-12)
    assert 0.1 < rel < 0.3
    assert abs(r["softmax_jacobian_sum"]) < 1e-15 < abs(r["softmax_diagonal_sum"])
    assert r["half_loss_epoch_0"] * 2 == r["printed_loss_epoch_0"]
    assert r["own_gradient_loss_epoch_9000"] < r["printed_loss_epoch_9000"] / 2


def test_descending_the_printed_losss_gradient_is_the_doubled_learning_rate():
    """An independent loop with dE/dŷ = 2e at lr 0.2 matches train_online at lr 0.4."""
    net = notebook_networks(QUIRK, np.random.RandomState(42))
    W = [layer.W.copy() for layer in net.layers]
    b = [layer.b.copy() for layer in net.layers]

    def sig(z):
        return 1 / (1 + np.exp(-z))

    def slope(a):  # the notebook's σ'(σ(z)), applied to the output a
        return sig(a) * (1 - sig(a))

    losses = []
    for _ in range(20):
        epoch = []
        for x in X:
            h = sig(x @ W[0] + b[0])
            y = sig(h @ W[1] + b[1])
            e = y - x
            epoch.append(np.sum(e**2))
            d2 = 2 * e * slope(y)
            d1 = (W[1] @ d2) * slope(h)
            W[1] -= 0.2 * np.outer(h, d2)
            b[1] -= 0.2 * d2
            W[0] -= 0.2 * np.outer(x, d1)
            b[0] -= 0.2 * d1
        losses.append(np.mean(epoch))
    doubled = train_online(net, X, 0.4, 20)
    assert doubled == pytest.approx(losses, rel=1e-12)
