"""Lesson 4's solved XOR run (issue 12): Exercise 3's recipe with 4 hidden units gets all four
rows right, checked by an independent forward pass of the trained weights."""

import numpy as np
import pytest

from tutor.experiments.registry import run_experiment


@pytest.fixture(scope="module")
def solved():
    return run_experiment("xor_leaky_he_4")


def test_the_trained_2_4_1_network_classifies_every_xor_row(solved):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    W1, b1 = np.array(solved["W1"]), np.array(solved["b1"])
    assert W1.shape == (2, 4)  # 4 hidden units: the only change from Exercise 3
    z = X @ W1 + b1
    hidden = np.where(z > 0, z, 0.01 * z)  # leaky ReLU, α = 0.01, written out here
    p = 1 / (1 + np.exp(-(hidden @ np.array(solved["W2"]) + solved["b2"])))
    assert [solved[f"pred_{k}"] for k in ("00", "01", "10", "11")] == pytest.approx(p, abs=1e-12)
    assert ((p >= 0.5) == np.array([False, True, True, False])).all()
    assert solved["accuracy"] == 1.0


def test_the_seed_sweep_backs_the_lessons_claim(solved):
    assert solved["solved_of_10_with_2"] < solved["solved_of_10_with_4"]
    rows = solved["tables"]["seeds"]["rows"]
    assert [row[-1] for row in rows] == [
        f"{solved['solved_of_10_with_2']}/10",
        f"{solved['solved_of_10_with_4']}/10",
    ]
    # seed 42 with 2 units is Exercise 3's own run: it does not solve XOR
    assert run_experiment("xor_leaky_he")["accuracy"] < 1.0
