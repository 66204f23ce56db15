"""Seeds 000, 003, 004 reproduced: every published figure of lessons 01, 04, 07 against its
experiment, and each experiment against an independent NumPy implementation of the course code."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from tutor.experiments.registry import get_experiment, run_experiment

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
LESSON_FIGURES = {
    "01-neuron-perceptron.toml": 7,
    "04-xor-221.toml": 28,
    "07-deep-network.toml": 29,
}
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def _figures():
    for name in LESSON_FIGURES:
        data = tomllib.loads((LESSONS / name).read_text(encoding="utf-8"))
        for figure in data["figures"]:
            yield pytest.param(figure, id=f"{name[:2]}:{figure['id']}")


@pytest.mark.parametrize("name, count", LESSON_FIGURES.items())
def test_lessons_keep_every_printed_figure(name, count):
    data = tomllib.loads((LESSONS / name).read_text(encoding="utf-8"))
    assert len(data["figures"]) == count
    for step in data["steps"]:
        for experiment_id in [step.get("experiment")] + list(step.get("experiments", [])):
            if experiment_id:
                get_experiment(experiment_id)  # KeyError if a step names an unknown experiment


@pytest.mark.parametrize("figure", _figures())
def test_published_figure_agrees_to_its_printed_digits(figure):
    kind, experiment_id, key = figure["computed"].split(":", 2)
    assert kind == "experiment" and not figure.get("erratum")
    computed = run_experiment(experiment_id)[key]
    published = Decimal(figure["published"])
    half_unit = float(Decimal(1).scaleb(published.as_tuple().exponent) / 2)
    tolerance = figure.get("tolerance", half_unit)
    assert abs(computed - float(published)) <= tolerance + 1e-12, (computed, figure["published"])


# -- independent references: the course code, re-typed in a few lines of NumPy -----------------
def handout_221(hidden: str, init: str, lr: float, epochs: int, every: int):
    """Seed 000's training loop (Exercise 1; Exercise 3's Leaky ReLU and He init as asked).

    The loss is computed as the handout computes it, at the epochs it prints (every `every`th):
    the tests compare those, and the loss of the others takes no part in the training."""
    np.random.seed(42)
    scale = 0.1 if init == "small" else np.sqrt(2.0 / 2)
    W1 = np.random.randn(2, 2) * scale
    b1 = np.zeros((1, 2))
    W2 = np.random.randn(2, 1) * (0.1 if init == "small" else np.sqrt(2.0 / 2))
    b2 = np.zeros((1, 1))

    def sig(x):
        return 1 / (1 + np.exp(-x))

    f, df = {
        "relu": (lambda z: np.maximum(0, z), lambda z: (z > 0).astype(float)),
        "sigmoid": (sig, lambda z: sig(z) * (1 - sig(z))),
        "leaky": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
    }[hidden]
    losses = {}
    for epoch in range(epochs):
        Z1 = XOR_X @ W1 + b1
        A1 = f(Z1)
        A2 = sig(A1 @ W2 + b2)
        if epoch % every == 0:
            losses[epoch] = -np.mean(XOR_Y * np.log(A2) + (1 - XOR_Y) * np.log(1 - A2))
        dZ2 = A2 - XOR_Y
        dW2, db2 = A1.T @ dZ2 / 4, dZ2.sum(0, keepdims=True) / 4
        dZ1 = dZ2 @ W2.T * df(Z1)
        dW1, db1 = XOR_X.T @ dZ1 / 4, dZ1.sum(0, keepdims=True) / 4
        W2, b2, W1, b1 = W2 - lr * dW2, b2 - lr * db2, W1 - lr * dW1, b1 - lr * db1
    return losses, sig(f(XOR_X @ W1 + b1) @ W2 + b2)[:, 0], W1


@pytest.mark.parametrize(
    "experiment_id, hidden, init, lr, epochs, every",
    [
        ("xor_relu", "relu", "small", 0.1, 5000, 500),
        ("xor_sigmoid", "sigmoid", "small", 0.1, 5000, 500),
        ("xor_leaky_he", "leaky", "he", 0.01, 10_000, 1000),
    ],
)
def test_xor_221_matches_the_handout_loop(experiment_id, hidden, init, lr, epochs, every):
    losses, predictions, W1 = handout_221(hidden, init, lr, epochs, every)
    result = run_experiment(experiment_id)
    for epoch in range(0, epochs, every):
        assert result[f"loss_epoch_{epoch}"] == pytest.approx(losses[epoch], rel=0, abs=1e-12)
    ours = [result[f"pred_{k}"] for k in ("00", "01", "10", "11")]
    assert np.allclose(ours, predictions, rtol=0, atol=1e-10)
    assert np.allclose(result["W1"], W1, rtol=0, atol=1e-9)
    assert result["accuracy"] == np.mean((predictions >= 0.5) == (XOR_Y[:, 0] == 1))
    # The engine's clipped BCE and the handout's np.log agree at every printed epoch.
    assert result["max_clip_difference"] < 1e-15


def test_relu_run_is_not_a_success_and_its_hidden_units_collapse():
    result = run_experiment("xor_relu")
    assert result["accuracy"] == 0.75 and result["misclassified"] == ["[0, 0]"]
    W1, b1 = np.array(result["W1"]), np.array(result["b1"])
    hidden = np.maximum(XOR_X @ W1 + b1, 0)
    assert np.all(hidden[:3] == 0) and np.all(hidden[3] > 0)  # AND detectors, both
    assert result["hidden_cosine"] > 0.9999
    assert result["W2_max_during_training"] < 0
    # Three inputs share σ(b2); its best value is 2/3 and the loss is bounded below by the limit.
    assert result["pred_00"] == result["pred_01"] == result["pred_10"]
    assert (
        result["final_loss"]
        > result["collapsed_loss_limit"]
        == pytest.approx(0.75 * -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3)))
    )


def lab_004(sizes, scale, lr, epochs, rows, seed=42):
    """Seed 004's forward/backward loop; scale None = He init. Returns (losses, accuracy): the
    loss of every epoch and the accuracy of the last (the lab's, at each epoch's forward pass;
    the tests read the last one, and the accuracy takes no part in the training).

    Each epoch's outputs are kept and the lab's loss formula applied to all of them after the
    loop, in one pass over the stacked outputs: the same numbers bit for bit (compared for 4
    and 2000 rows), without its six NumPy calls in each of the ~24,000 epochs the tests run."""
    np.random.seed(seed)
    X = np.tile(XOR_X, (rows // 4, 1))
    y = np.tile([0, 1, 1, 0], rows // 4)
    Y = np.eye(2)[y]
    W = [
        np.random.randn(a, b) * (np.sqrt(2.0 / a) if scale is None else scale)
        for a, b in zip(sizes, sizes[1:])
    ]
    b = [np.zeros((1, n)) for n in sizes[1:]]
    outputs = []
    for _ in range(epochs):
        acts = [X]
        for k in range(len(W) - 1):
            acts.append(np.maximum(0, acts[-1] @ W[k] + b[k]))
        z = acts[-1] @ W[-1] + b[-1]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        yhat = e / e.sum(axis=1, keepdims=True)
        outputs.append(yhat)
        dz = (yhat - Y) / len(X)
        for k in range(len(W) - 1, -1, -1):
            dW, db = acts[k].T @ dz, dz.sum(axis=0, keepdims=True)
            if k:
                dz = (dz @ W[k].T) * (acts[k] > 0)
            W[k] -= lr * dW
            b[k] -= lr * db
    yhats = np.stack(outputs)  # (epochs, rows, 2)
    losses = list(-np.mean(np.sum(Y * np.log(yhats + 1e-9), axis=2), axis=1))
    return losses, np.mean(np.argmax(outputs[-1], axis=1) == y)


def test_deep_xor_matches_the_lab_loop_on_2000_rows():
    losses, _ = lab_004([2, 8, 8, 2], None, 0.1, 300, 2000)
    curve = run_experiment("deep_xor")["loss_curve"]
    # The lab adds 1e-9 inside the log (the engine clips at 1e-12): ~1e-9/ŷ apart, ŷ ≥ 0.1 here.
    assert np.allclose(curve[:300], losses, rtol=0, atol=1e-8)


def test_tiling_changes_nothing_but_the_time():
    tiled, four = run_experiment("deep_xor"), run_experiment("deep_xor_4rows")
    assert np.allclose(tiled["loss_curve"], four["loss_curve"], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(
    "experiment_id, sizes, scale, lr",
    [
        ("deep_xor_4rows", [2, 8, 8, 2], None, 0.1),
        ("deep_xor_lr_0p01", [2, 8, 8, 2], None, 0.01),
        ("deep_xor_lr_0p2", [2, 8, 8, 2], None, 0.2),
        ("deep_xor_lr_0p5", [2, 8, 8, 2], None, 0.5),
        ("deep_xor_lr_2", [2, 8, 8, 2], None, 2.0),
        ("deep_xor_init_0p01", [2, 8, 8, 2], 0.01, 0.1),
        ("deep_xor_init_0p1", [2, 8, 8, 2], 0.1, 0.1),
        ("deep_xor_depth_linear", [2, 2], None, 0.1),
        ("deep_xor_depth_1", [2, 8, 2], None, 0.1),
        ("deep_xor_depth_4", [2, 8, 8, 8, 8, 2], None, 0.1),
    ],
)
def test_deep_xor_variants_match_the_lab_loop(experiment_id, sizes, scale, lr):
    losses, accuracy = lab_004(sizes, scale, lr, 2000, 4)  # the first 2000 of 5000 epochs
    result = run_experiment(experiment_id)
    assert np.allclose(result["loss_curve"][:2000], losses, rtol=1e-6, atol=2e-9)
    assert result["acc_epoch_2000"] == accuracy


def test_lab_observations_as_measured():
    assert run_experiment("deep_xor_depth_linear")["final_loss"] >= np.log(2) - 1e-12
    assert run_experiment("deep_xor_lr_2")["dead_units"] >= 8
    assert run_experiment("deep_xor_lr_0p5")["accuracy"] < 1.0
    assert run_experiment("deep_xor_init_0p01")["min_margin"] < 1e-3
    seeds = run_experiment("deep_xor_seeds")
    losses, _ = lab_004([2, 8, 8, 2], None, 0.1, 2000, 4, seed=3)
    assert seeds["tables"]["seeds"]["rows"][3][1] == f"{losses[-1]:.6f}"
    assert seeds["seeds_solved"] == 10


def test_single_neuron_matches_the_slides_program():
    rng = np.random.RandomState(2)
    W = 2 * rng.random_sample((3, 1)) - 1
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    t = np.array([[0, 1, 1, 0]]).T
    for _ in range(10_000):
        out = 1 / (1 + np.exp(-(X @ W)))
        W += X.T @ ((t - out) * out * (1 - out))
    result = run_experiment("single_neuron")
    assert [result[f"final_w{k}"] for k in (1, 2, 3)] == pytest.approx(W[:, 0], abs=1e-11)
    assert result["prediction_100"] == pytest.approx(1 / (1 + np.exp(-W[0, 0])), abs=1e-13)


def reference_perceptron(X, d, eta, low, epochs):
    """W(t+1) = W(t) + η(d − y)X with x0 = 1; returns the weights after each epoch."""
    W, history = [0.0, 0.0, 0.0], []
    for _ in range(epochs):
        for (x1, x2), target in zip(X, d):
            x = (1.0, x1, x2)
            y = 1.0 if sum(w * xi for w, xi in zip(W, x)) >= 0 else low
            W = [w + eta * (target - y) * xi for w, xi in zip(W, x)]
        history.append(W)
    return history


def test_perceptron_and_converges_as_the_rule_says():
    result = run_experiment("perceptron_and")
    history = reference_perceptron([(0, 0), (0, 1), (1, 0), (1, 1)], [0, 0, 0, 1], 1.0, 0.0, 8)
    epochs = result["converged_after"]
    assert [result["final_w0"], result["final_w1"], result["final_w2"]] == history[epochs - 1]
    assert history[epochs - 1] == history[epochs - 2]  # the last epoch changed nothing
    assert result["errors_per_epoch"][-1] == 0 and result["accuracy"] == 1.0


def test_perceptron_xor_cycles_and_no_line_separates_xor():
    result = run_experiment("perceptron_xor")
    X, d = [(-1, -1), (-1, 1), (1, -1), (1, 1)], [-1, 1, 1, -1]
    history = reference_perceptron(X, d, 0.5, -1.0, 6)
    assert all(W == [0.0, 0.0, 0.0] for W in history)  # back to the start after every epoch
    assert result["cycle_length"] == 1 and min(result["errors_per_epoch"]) > 0
    # No weight vector on a grid classifies XOR: the lesson's proof, checked by brute force.
    grid = np.linspace(-3, 3, 25)
    W = np.array(np.meshgrid(grid, grid, grid)).reshape(3, -1)
    net = np.column_stack([np.ones(4), np.array(X)]) @ W
    assert not np.any(np.all(np.where(net >= 0, 1, -1) == np.array(d)[:, None], axis=0))
