"""`trace EXAMPLE --rounds N`: rounds 2..N by the fast path after the traced one, summarised.

Loaded only with `--rounds` above 1, with the training code it calls.
"""

from __future__ import annotations

from tutor.cli import UsageError
from tutor.engine.examples import Example
from tutor.engine.network import Network
from tutor.engine.rounds import Rounds
from tutor.engine.trace import Trace, format_number

# How many error lines a --rounds summary shows between the first and the last round.
SUMMARY_LINES = 10


def train_on(example: Example, trace: Trace, updated: Network, n_rounds: int) -> Rounds:
    """Rounds 2..N by the fast path, from the network the traced round left."""
    from tutor.engine.rounds import continue_rounds
    from tutor.engine.training import TrainingDiverged
    from tutor.progress import progress_bar

    update = progress_bar(n_rounds, "training")
    first = float(example.loss.value(updated.forward(example.x), example.target))

    def on_round(done: int, error: float) -> None:
        if done % 100 == 0 or done == n_rounds:
            update(done, n_rounds, error)

    try:
        return continue_rounds(
            updated,
            example.x,
            example.target,
            example.loss,
            example.learning_rate,
            [trace.value("E_total"), first],
            n_rounds - 1,
            on_round,
        )
    except TrainingDiverged as error:
        # train()'s epoch e starts from the network after round e: its forward pass tests round
        # e's update, its own update is round e + 1's.
        round_ = error.epoch + (error.quantity == "weights after the update")
        raise UsageError(
            f"--rounds {n_rounds}: training diverged in round {round_} ({error.detail}); "
            "try a smaller learning rate"
        ) from None


def _shown_rounds(n: int) -> list[int]:
    step = max(1, n // SUMMARY_LINES)
    return sorted({0, 1, *range(step, n + 1, step), n})


def rounds_meta(rounds: Rounds, variant: str | None) -> dict:
    shown = _shown_rounds(rounds.rounds)
    return {
        "rounds": rounds.rounds,
        "first_round": variant or "exact",
        "later_rounds": "exact (fast path)",
        "errors": [[r, rounds.errors[r]] for r in shown],
        "final_error": rounds.errors[-1],
        "final_outputs": rounds.outputs,
    }


def rounds_summary(rounds: Rounds, precision: int, variant: str | None = None) -> str:
    """The error every so often and at the end, and the final outputs, as text."""
    n = rounds.rounds
    how = f"the {variant} variant" if variant else "traced above"
    lines = [
        f"After {n} rounds (round 1 {how}; rounds 2..{n} by the fast path, exact)",
        "=" * 60,
        "  round  E_total",
    ]
    for r in _shown_rounds(n):
        lines.append(f"  {r:>5}  {format_number(rounds.errors[r], precision)}")
    outs = ", ".join(
        f"out_o{k + 1} = {format_number(v, precision)}" for k, v in enumerate(rounds.outputs)
    )
    lines.append(f"  outputs after round {n}: {outs}")
    return "\n".join(lines) + "\n"
