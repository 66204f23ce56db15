"""The 2-2-2 worked example trained on: the error after round 1 (exact and variant), and 10,000."""

from __future__ import annotations

from tutor.engine.rounds import continue_rounds, thin
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import get_example
from tutor.experiments.registry import check_progress, experiment

ROUNDS = 10_000


@experiment(
    "mazur",
    "The 2-2-2 worked example, trained 10,000 rounds",
    "003_bd86bf8af1f2b77a.txt, slides 'Backpropagation: Example' (error after round 1; "
    "'repeating this process 10,000 times')",
)
def mazur(progress=None) -> dict:
    """Exact and updated-weights error after round 1; error and outputs after 10,000 rounds."""
    ex = get_example("mazur")
    loss = ex.loss

    def error_of(net) -> float:
        return float(loss.value(net.forward(ex.x), ex.target))

    trace, updated = trace_example_step(ex)
    _, updated_variant = trace_example_step(ex, "updated-weights")

    def on_round(done: int, error: float) -> None:
        if done % 100 == 0:
            check_progress(progress, done, ROUNDS, error)

    rounds = continue_rounds(
        updated,
        ex.x,
        ex.target,
        loss,
        ex.learning_rate,
        [trace.value("E_total"), error_of(updated)],
        ROUNDS - 1,
        on_round,
    )
    epochs = thin(ROUNDS)
    exact_1, variant_1 = rounds.errors[1], error_of(updated_variant)
    return {
        "E_total_before": trace.value("E_total"),
        "E_total_after_round_1": exact_1,
        "E_total_after_round_1_updated_weights": variant_1,
        "E_total_after_10000_rounds": rounds.errors[ROUNDS],
        "out_o1_after_10000_rounds": rounds.outputs[0],
        "out_o2_after_10000_rounds": rounds.outputs[1],
        "loss_curve": [rounds.errors[r] for r in epochs],
        "loss_epochs": epochs,
        "tables": {
            "after_round_1": {
                "columns": ["computation", "E_total after round 1"],
                "rows": [
                    ["slides (published)", "0.291027924"],
                    ["exact (original weights in the backward pass)", repr(exact_1)],
                    ["variant updated-weights", repr(variant_1)],
                ],
                "caption": "The error after one round: the slides' figure is the variant's.",
            }
        },
        "summary": (
            f"E_total falls from {trace.value('E_total'):.9f} to {exact_1:.9f} after one "
            f"round (the slides print 0.291027924, which backpropagating through the updated "
            f"weights gives: {variant_1:.9f}), and to {rounds.errors[ROUNDS]:.9g} after "
            f"{ROUNDS:,} rounds, with out_o1 = {rounds.outputs[0]:.9f} (target 0.01) and "
            f"out_o2 = {rounds.outputs[1]:.9f} (target 0.99)."
        ),
    }


LEARNING_RATES = (0.01, 0.1, 0.5, 1.0, 5.0)
EPOCHS = 1000


@experiment(
    "mazur_learning_rates",
    "The 2-2-2 worked example, 1000 epochs at five learning rates",
    "003_bd86bf8af1f2b77a.txt, slides 'The Learning Rate' ('a learning rate of 0.01 is a "
    "safe bet') and 'Epoch' ('preferred value of number of training epochs is set to 1000')",
)
def mazur_learning_rates(progress=None) -> dict:
    """E_total after 1 and 1000 epochs for each learning rate, from the slides' weights."""
    ex = get_example("mazur")
    trace, _ = trace_example_step(ex)
    start = trace.value("E_total")
    rows, finals, outputs = [], {}, {}
    for done, eta in enumerate(LEARNING_RATES):
        rounds = continue_rounds(ex.network, ex.x, ex.target, ex.loss, eta, [start], EPOCHS)
        finals[eta] = rounds.errors[EPOCHS]
        outputs[eta] = rounds.outputs[0]
        rows.append(
            [
                eta,
                f"{rounds.errors[1]:.9f}",
                f"{rounds.errors[EPOCHS]:.6g}",
                f"{rounds.outputs[0]:.4f}",
                f"{rounds.outputs[1]:.4f}",
            ]
        )
        check_progress(progress, done + 1, len(LEARNING_RATES), rounds.errors[EPOCHS])
    best = min(finals, key=finals.__getitem__)
    return {
        **{f"E_total_after_1000_eta_{eta:g}": error for eta, error in finals.items()},
        "tables": {
            "learning_rates": {
                "columns": ["η", "E after 1 epoch", "E after 1000", "out_o1", "out_o2"],
                "rows": rows,
                "caption": f"From E = {start:.9f}; targets 0.01 and 0.99.",
            }
        },
        "summary": (
            f"After {EPOCHS} epochs η = 0.01 has only halved E ({start:.4f} → "
            f"{finals[0.01]:.4f}); out_o1 is still {outputs[0.01]:.2f} for a target of 0.01. "
            f"The largest η tried, {best:g}, gets lowest ({finals[best]:.2g}) and does not "
            f"overshoot on this network. 'A learning rate of 0.01 is a safe bet' is safe in that "
            f"it never overshoots here, but with 1000 epochs it is far too slow. No learning "
            f"rate or epoch count is right for every network: they are tried and watched."
        ),
    }
