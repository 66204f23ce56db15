"""Notebook 001's two other slips, measured: its softmax derivative s·(1 − s), and its printed
loss Σe² against the gradient it descends (that of ½Σe²)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tutor.engine import Init, build
from tutor.experiments.encoder_838 import (
    DOUBLED,
    PRINTED_LOSSES,
    QUIRK,
    SOURCE,
    X,
    _run_with_progress,
)
from tutor.experiments.registry import Progress, check_progress, experiment

LOSS_EPOCHS = (0, 1000, 9000)


def softmax_output_gradients() -> dict[str, np.ndarray]:
    """dE/dz at a softmax output for e1, E = ½Σ(s − x)², at the notebook's starting weights.

    The network is cell [18]'s (seed 42, second draw) with a softmax output layer in place of
    the sigmoid one (the notebook defines softmax but never trains with it).
    """
    rng = np.random.RandomState(42)
    init = Init("xavier")
    build([8, 3, 8], ["sigmoid", "sigmoid"], init, rng=rng)  # the constructors' draw, discarded
    net = build([8, 3, 8], ["sigmoid", "softmax"], init, rng=rng)
    x = X[0]
    s = net.forward(x)[0]
    error = s - x  # dE/ds, as the notebook passes it back
    resoftmaxed = np.exp(s) / np.exp(s).sum()  # the cell's derivative applied to the output
    return {
        "s": s,
        "error": error,
        "jacobian": s * error - s * (s @ error),  # Jᵀ·e with J = diag(s) − s·sᵀ
        "diagonal": s * (1 - s) * error,  # s·(1 − s), the Jacobian's diagonal only
        "as_coded": resoftmaxed * (1 - resoftmaxed) * error,
    }


def _compare(g: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    """Relative error ‖g − true‖/‖true‖ and the cosine between g and true."""
    norm = np.linalg.norm
    return float(norm(g - true) / norm(true)), float(g @ true / norm(g) / norm(true))


@experiment(
    "encoder_838_slips",
    "8-3-8 encoder: the softmax derivative s(1 − s), and Σe² against ½Σe²",
    f"{SOURCE}, cells [15] and [17]",
)
def encoder_838_slips(progress: Progress | None = None) -> dict[str, Any]:
    """Measure both slips: one softmax gradient three ways; the run with its printed loss's own
    gradient (2e, i.e. the learning rate doubled) against the notebook's run."""
    g = softmax_output_gradients()
    results: dict[str, Any] = {"tables": {}}
    for key in ("diagonal", "as_coded"):
        error, cosine = _compare(g[key], g["jacobian"])
        results[f"softmax_{key}_relative_error"] = error
        results[f"softmax_{key}_cosine"] = cosine
    results["softmax_jacobian_sum"] = float(g["jacobian"].sum())
    results["softmax_diagonal_sum"] = float(g["diagonal"].sum())
    results["tables"]["softmax"] = {
        "columns": ["output", "s", "true (Jacobian)", "s·(1 − s)", "as coded"],
        "rows": [
            [f"o{k + 1}"]
            + [f"{g[name][k]:.5f}" for name in ("s", "jacobian", "diagonal", "as_coded")]
            for k in range(8)
        ],
        "caption": "dE/dnet at a softmax output for the input e1, E = ½Σ(s − x)²",
    }
    # The printed Σe² is twice the ½Σe² whose gradient (dE/dŷ = e) the code follows.
    # Following Σe²'s own gradient, 2e, is the same run with the learning rate doubled.
    # The notebook's run and the doubled one (seed 42's second draw, lr 2 × 0.2): cell [18]'s
    # variants, trained together with the lesson's other one if not trained yet.
    history, _, _ = _run_with_progress(QUIRK, progress)
    check_progress(progress, 0, 1, history[0])
    doubled, _, _ = _run_with_progress(DOUBLED, progress)
    rows = []
    for epoch in LOSS_EPOCHS:
        results[f"printed_loss_epoch_{epoch}"] = history[epoch]
        results[f"half_loss_epoch_{epoch}"] = history[epoch] / 2
        results[f"own_gradient_loss_epoch_{epoch}"] = doubled[epoch]
        rows.append(
            [epoch, PRINTED_LOSSES[epoch], f"{history[epoch] / 2:.6g}", f"{doubled[epoch]:.6g}"]
        )
    results["tables"]["loss_scale"] = {
        "columns": [
            "epoch",
            "printed Σe²",
            "½Σe² (what the gradient descends)",
            "Σe² descending its own gradient 2e",
        ],
        "rows": rows,
        "caption": "Mean over the epoch of each sample's loss before its update",
    }
    results["summary"] = (
        "Softmax: s·(1 − s) keeps only the diagonal of softmax's Jacobian; for e1 at the "
        f"starting weights it is {results['softmax_diagonal_relative_error']:.0%} off the true "
        f"gradient ({results['softmax_as_coded_relative_error']:.0%} as coded, applied to the "
        "output), and its entries no longer sum to 0 as the true ones do. Loss: the printed "
        "Σe² is twice the ½Σe² whose gradient the code follows, so every printed loss is "
        "doubled; descending Σe²'s own gradient is the same as doubling the learning rate, "
        f"and reaches {doubled[9000]:.3g} at epoch 9000 instead of {history[9000]:.3g}."
    )
    return results
