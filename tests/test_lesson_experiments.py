"""The experiments of lessons 3 and 8 show what their lessons say they show."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.engine import get_activation
from tutor.experiments import run_experiment
from tutor.experiments.registry import Cancelled, get_experiment


def test_activation_slopes_match_the_closed_forms():
    rows = {
        row[0]: row[1:] for row in run_experiment("activation_slopes")["tables"]["slopes"]["rows"]
    }
    z = np.array([-6.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 6.0])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(rows["sigmoid'(z)"], s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(rows["tanh'(z)"], 1 - np.tanh(z) ** 2, rtol=1e-12)
    assert rows["relu'(z)"] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    # and by central differences, independently of the closed forms
    for name in ("sigmoid", "tanh"):
        f = get_activation(name).forward
        h = 1e-6
        numeric = (f((z + h)[None, :]) - f((z - h)[None, :]))[0] / (2 * h)
        np.testing.assert_allclose(rows[f"{name}'(z)"], numeric, rtol=1e-6, atol=1e-10)


def test_sigmoid_gradients_vanish_and_relu_ones_do_not():
    result = run_experiment("vanishing_gradients")
    assert result["first_to_last_ratio_sigmoid"] < 1e-4
    assert result["first_to_last_ratio_relu"] > 1e-2
    assert result["first_to_last_ratio_tanh"] > 1e-2


def test_tanh_learns_xor_faster_than_sigmoid_from_the_same_start():
    tanh, sigmoid = run_experiment("tanh_xor"), run_experiment("sigmoid_xor")
    assert tanh["accuracy"] == sigmoid["accuracy"] == 1.0
    assert 0 < tanh["epochs_to_0_05"] < sigmoid["epochs_to_0_05"] / 3


def test_tanh_worked_example_uses_the_tanh_slope():
    result = run_experiment("tanh_worked_example")
    out_h1 = np.tanh(0.15 * 0.05 + 0.20 * 0.10 + 0.35)
    assert result["tanh_out_h1"] == pytest.approx(out_h1, abs=1e-15)
    assert result["tanh_dout_h1_dnet_h1"] == pytest.approx(1 - out_h1**2, abs=1e-15)


def test_regularization_closes_the_gap_between_train_and_held_out():
    result = run_experiment("regularization")
    assert result["train_accuracy_none"] == 1.0
    gap_none = result["train_accuracy_none"] - result["held_out_accuracy_none"]
    assert gap_none > 0.1  # it over-fits
    for kind in ("l2", "dropout"):
        assert result[f"held_out_accuracy_{kind}"] > result["held_out_accuracy_none"] + 0.03
        assert result[f"train_accuracy_{kind}"] < result["train_accuracy_none"]
    weights = {k: run_experiment(f"regularization_{k}")["weight_norm"] for k in ("none", "l2")}
    assert weights["l2"] < weights["none"] / 5


def test_an_experiment_can_be_cancelled():
    calls = []

    def stop(done, total, loss=None):
        calls.append(done)
        return False

    with pytest.raises(Cancelled):
        get_experiment("tanh_xor").func(progress=stop)
    assert calls == [100]


def test_the_learning_rate_run_backs_the_lesson_quiz():
    # Lesson 2's quiz says: after 1000 epochs η = 0.01 only halves E (0.298 → 0.149), η = 0.5
    # reaches 0.0011 and η = 5 reaches 0.000035, the lowest of the five.
    from tutor.engine.training import TrainConfig, train
    from tutor.experiments.builtin_examples import get_example

    result = run_experiment("mazur_learning_rates")
    finals = {eta: result[f"E_total_after_1000_eta_{eta:g}"] for eta in (0.01, 0.1, 0.5, 1, 5)}
    assert round(finals[0.01], 3) == 0.149
    assert round(finals[0.5], 4) == 0.0011
    assert round(finals[5], 6) == 0.000035
    assert min(finals, key=finals.get) == 5
    # independently: the engine's own batch training, 1000 epochs at η = 0.01
    ex = get_example("mazur")
    net = ex.network.copy()
    x, t = np.atleast_2d(ex.x), np.atleast_2d(ex.target)
    train(net, x, t, ex.loss, TrainConfig(0.01, epochs=1000, rule="batch"))
    assert float(ex.loss.value(net.forward(x), t)) == pytest.approx(finals[0.01], rel=1e-12)


def test_l2_straightens_the_boundary_as_the_lesson_says():
    # Lesson 8's quiz: 88 % / 94 % / 99.9 % linear at λ = 0 / 0.01 / 0.1; at λ = 0.1 held-out
    # accuracy is a logistic regression's; at λ = 1 one class everywhere.
    result = run_experiment("regularization_l2_linearity")
    agree = [result[f"linear_agreement_l2_{l2:g}"] for l2 in (0.0, 0.01, 0.1, 1.0)]
    assert [round(a, 2) for a in agree[:2]] == [0.88, 0.94] and agree[2] > 0.998
    assert agree == sorted(agree)
    assert round(result["held_out_accuracy_l2_0.1"], 3) == 0.828
    assert round(result["held_out_accuracy_linear_model"], 3) == 0.834
    assert round(result["held_out_accuracy_l2_1"], 3) == 0.506


def test_linear_agreement_is_one_for_a_linear_network_and_less_for_a_bent_one():
    from tutor.engine import Network, dense
    from tutor.experiments.regularization import linear_agreement

    points = np.array([[a, b] for a in np.linspace(-1, 1, 21) for b in np.linspace(-1, 1, 21)])
    straight = Network([dense([[1.0], [1.0]], -0.05, "sigmoid")])  # x + y > 0.05: no point on it
    assert linear_agreement(straight, points) == 1.0
    # |x| - 0.5 > 0: two bands, which no straight line separates
    bent = Network(
        [dense([[1.0, -1.0], [0.0, 0.0]], 0.0, "relu"), dense([[1.0], [1.0]], -0.5, "sigmoid")]
    )
    assert linear_agreement(bent, points) < 0.9
