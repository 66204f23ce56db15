"""Seed 003's single neurons: the seeded sigmoid neuron with 3 inputs, and the perceptron rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from tutor.engine import Init, Network, build, dense, get_loss, train
from tutor.engine.training import TrainConfig
from tutor.experiments.registry import Progress, check_progress, experiment

SEED_FILE = "003_bd86bf8af1f2b77a.txt"

# The slides' training set: the output is the first input (the third input is always 1).
NEURON_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float)
NEURON_T = np.array([[0, 1, 1, 0]], dtype=float).T
NEW_SITUATION = np.array([1.0, 0.0, 0.0])


@experiment(
    "single_neuron",
    "A single sigmoid neuron with 3 inputs (numpy random.seed(2), 10,000 iterations)",
    f"{SEED_FILE}, slides 'Initialize Weights…' to 'Train the Neural Network', printed output",
)
def single_neuron(progress: Progress | None = None) -> dict[str, Any]:
    """W = 2·random((3, 1)) − 1 with seed 2; W += Xᵀ(error·out(1−out)) 10,000 times.

    That update is full-batch gradient descent with η = 1 on E = Σ ½(t − out)² (summed over
    samples): dE/dW = Xᵀ((out − t)·out(1 − out)), so W − 1·dE/dW is the slides' W + adjustment.
    """
    net = build([3, 1], ["sigmoid"], Init("uniform", low=-1.0, high=1.0), seed=2, bias_mode="none")
    initial = net.layers[0].W[:, 0].copy()
    iterations = 10_000

    def on_epoch(epoch: int, loss: float, trained: Network) -> None:
        if epoch % 500 == 0:
            check_progress(progress, epoch, iterations, loss)

    history = train(
        net, NEURON_X, NEURON_T, get_loss("half_sse"), TrainConfig(1.0, iterations), on_epoch
    )
    final = net.layers[0].W[:, 0]
    prediction = float(net.forward(NEW_SITUATION)[0, 0])
    results: dict[str, Any] = {
        "loss_curve": history.losses,
        "loss_epochs": list(range(1, iterations + 1)),
        "prediction_100": prediction,
        "final_loss": history.losses[-1],
    }
    for k in range(3):
        results[f"initial_w{k + 1}"] = float(initial[k])
        results[f"final_w{k + 1}"] = float(final[k])
    printed = {
        "initial": ["-0.1280102", "-0.94814754", "0.09932496"],
        "final": ["9.67282529", "-0.20892653", "-4.62890667"],
    }
    results["tables"] = {
        "weights": {
            "columns": ["weight", "printed initial", "computed", "printed final", "computed"],
            "rows": [
                [f"w{k + 1}", printed["initial"][k], f"{initial[k]:.8f}"]
                + [printed["final"][k], f"{final[k]:.8f}"]
                for k in range(3)
            ],
            "caption": f"{SEED_FILE}: the printed weights beside the engine's",
        },
        "predictions": {
            "columns": ["input", "target", "out"],
            "rows": [
                [str(x.astype(int).tolist()), int(t), round(float(o), 6)]
                for x, t, o in zip(NEURON_X, NEURON_T[:, 0], net.forward(NEURON_X)[:, 0])
            ]
            + [["[1, 0, 0] (new)", "—", round(prediction, 8)]],
            "caption": "Outputs after 10,000 iterations; the last row is the slides' new situation",
        },
    }
    results["summary"] = (
        f"Initial weights {np.round(initial, 8).tolist()}, final {np.round(final, 8).tolist()}, "
        f"[1, 0, 0] → {prediction:.8f}: all as printed. The neuron learned 'output = first "
        "input' with w1 large and positive and the always-on third input acting as a bias."
    )
    return results


def step(net: np.ndarray, low: float) -> np.ndarray:
    """The perceptron's threshold unit: 1 if net ≥ 0, else `low` (0, or −1 for ±1 coding)."""
    return np.where(net >= 0, 1.0, low)


def perceptron(
    X: np.ndarray, d: np.ndarray, eta: float, low: float, max_epochs: int = 20
) -> dict[str, Any]:
    """The rule W(t+1) = W(t) + η(d − y)X, one sample at a time, with a bias input x0 = 1.

    The weighted sum is the engine's Dense layer (identity activation, no bias: the bias is w0
    on the constant input). Stops at an epoch without errors, or once the weights at the start
    of an epoch repeat (shown for one more cycle): the rule is deterministic, so it cycles forever.
    """
    Xb = np.hstack([np.ones((len(X), 1)), X])
    unit = dense(np.zeros((3, 1)), activation="identity", bias_mode="none")
    seen: dict[tuple[float, ...], int] = {}
    rows, errors_per_epoch = [], []
    converged_after, cycle, cycle_W = None, None, None
    for epoch in range(1, max_epochs + 1):
        start = tuple(unit.W[:, 0])
        if cycle is not None and epoch == 2 * cycle[1] - cycle[0]:
            break  # the repeated cycle has been shown once
        if cycle is None and start in seen:
            cycle, cycle_W = (seen[start], epoch), [float(w) for w in start]
        seen.setdefault(start, epoch)
        errors = 0
        for x, target in zip(Xb, d):
            net = float(Network([unit]).forward(x)[0, 0])
            y = float(step(np.array(net), low))
            unit.W[:, 0] += eta * (target - y) * x
            errors += int(y != target)
            rows.append(
                [epoch, str(x[1:].astype(int).tolist()), int(target), net, int(y)]
                + [int(target - y), str(unit.W[:, 0].tolist())]
            )
        errors_per_epoch.append(errors)
        if errors == 0:
            converged_after = epoch
            break
    return {
        "rows": rows,
        "errors_per_epoch": errors_per_epoch,
        "converged_after": converged_after,
        "cycle": cycle,
        "cycle_W": cycle_W,
        "W": unit.W[:, 0].copy(),
        "outputs": step(Xb @ unit.W[:, 0], low),
    }


def _perceptron_results(run: dict[str, Any], caption: str) -> dict[str, Any]:
    return {
        "tables": {
            "updates": {
                "columns": ["epoch", "x1, x2", "d", "net", "y", "d − y", "W = [w0, w1, w2] after"],
                "rows": run["rows"],
                "caption": caption,
            }
        },
        "loss_curve": [float(e) for e in run["errors_per_epoch"]],
        "loss_epochs": list(range(1, len(run["errors_per_epoch"]) + 1)),
        "final_w0": float(run["W"][0]),
        "final_w1": float(run["W"][1]),
        "final_w2": float(run["W"][2]),
        "errors_per_epoch": run["errors_per_epoch"],
    }


BINARY_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
AND_D = np.array([0, 0, 0, 1], dtype=float)
BIPOLAR_X = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=float)
XOR_D = np.array([-1, 1, 1, -1], dtype=float)


@experiment(
    "perceptron_and",
    "The perceptron rule on AND (0/1 coding, bias input, η = 1)",
    f"{SEED_FILE}, slide 'The Backpropagation Algorithm': W(t+1) = W(t) + η(d − y)X",
)
def perceptron_and(progress: Progress | None = None) -> dict[str, Any]:
    """AND is linearly separable: the rule stops after an epoch without a mistake."""
    run = perceptron(BINARY_X, AND_D, eta=1.0, low=0.0)
    results = _perceptron_results(run, "Every presentation of a sample; W starts at 0")
    results["converged_after"] = run["converged_after"]
    results["accuracy"] = float(np.mean(run["outputs"] == AND_D))
    w = run["W"]
    results["summary"] = (
        f"Converged: epoch {run['converged_after']} makes no mistake; W = {w.tolist()}, the line "
        f"{w[0]:g} + {w[1]:g}·x1 + {w[2]:g}·x2 = 0 separates [1, 1] from the rest, after "
        f"{sum(run['errors_per_epoch'])} updates. With η = 1 and 0/1 targets each update adds or "
        "subtracts X: W is the start plus whole multiples of the inputs (the quiz's answer b)."
    )
    check_progress(progress, 1, 1)
    return results


@experiment(
    "perceptron_xor",
    "The perceptron rule on XOR (±1 coding as in the slides' table, η = 0.5): it cycles",
    f"{SEED_FILE}, slide 'The XOR Problem'",
)
def perceptron_xor(progress: Progress | None = None) -> dict[str, Any]:
    """XOR is not linearly separable: the weights come back to an earlier state and cycle."""
    run = perceptron(BIPOLAR_X, XOR_D, eta=0.5, low=-1.0)
    results = _perceptron_results(run, "Every presentation of a sample; W starts at 0")
    first, again = run["cycle"]
    results["cycle_start_epoch"] = first
    results["cycle_repeat_epoch"] = again
    results["cycle_length"] = again - first
    results["accuracy"] = float(np.mean(run["outputs"] == XOR_D))
    results["summary"] = (
        f"Never converges: the weights at the start of epoch {again} equal those at the start of "
        f"epoch {first} (W = {run['cycle_W']}), and every epoch "
        f"makes {min(run['errors_per_epoch'])} or more mistakes; the rule is deterministic, so it "
        "repeats this cycle forever."
    )
    check_progress(progress, 1, 1)
    return results
