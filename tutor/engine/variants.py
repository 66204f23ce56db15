"""Labelled variants of a traced step, and the trace references lessons use (`mazur@NAME`).

A variant is a named, explained way of computing a step that differs from the
exact one: the tutor shows both and says why. `updated-weights` backpropagates
through the already-updated weights of the layer above, which is what produces
the slides' 0.291027924 for the error after one round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.engine.examples import Example, get_example
from tutor.engine.network import Network
from tutor.engine.trace import Trace
from tutor.engine.traced import traced_step


@dataclass(frozen=True)
class Variant:
    """A named way of computing a traced step, with why it differs from the exact one."""

    name: str
    title: str
    note: str
    options: dict = field(default_factory=dict)  # keyword arguments of traced_step


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            "updated-weights",
            "Backward pass through the updated weights",
            "The hidden layer's error is propagated through w5+..w8+ (the weights after this "
            "step's update) instead of the original w5..w8. The slides warn against it, yet "
            "their error after round 1, 0.291027924, is what this computation gives; with the "
            "original weights the error is 0.291027774.",
            {"backprop_weights": "updated"},
        ),
    )
}


def get_variant(name: str) -> Variant:
    """The variant `name`; KeyError listing the known ones otherwise."""
    if name not in VARIANTS:
        known = ", ".join(sorted(VARIANTS))
        raise KeyError(f"unknown variant {name!r}; known variants: {known}")
    return VARIANTS[name]


def parse_reference(reference: str) -> tuple[str, str | None]:
    """`mazur@updated-weights` → ('mazur', 'updated-weights'); `mazur` → ('mazur', None)."""
    example, _, variant = reference.partition("@")
    return example, (variant or None)


def trace_example_step(
    example: Example, variant: str | None = None, step: int = 1
) -> tuple[Trace, Network]:
    """Trace one step of `example`, the exact way or as the labelled `variant`."""
    options = get_variant(variant).options if variant else {}
    title = example.title if not variant else f"{example.title} (variant: {variant})"
    trace, updated = traced_step(
        example.network,
        example.x,
        example.target,
        example.loss,
        example.learning_rate,
        title=title,
        step=step,
        **options,
    )
    trace.meta["example"] = example.name
    if variant:
        trace.meta["variant"] = variant
        trace.meta["variant_note"] = get_variant(variant).note
    return trace, updated


def error_after(example: Example, updated: Network) -> float:
    """E_total of `example`'s sample on `updated` (the network a step left), by the fast path."""
    return float(example.loss.value(updated.forward(example.x), example.target))


def errors_after_step(example: Example) -> dict[str | None, float]:
    """The error after one step, computed the exact way (key None) and as each variant."""
    return {
        variant: error_after(example, trace_example_step(example, variant)[1])
        for variant in (None, *VARIANTS)
    }


def trace_reference(reference: str) -> Trace:
    """The trace a lesson names: `mazur` or `mazur@updated-weights`."""
    name, variant = parse_reference(reference)
    return trace_example_step(get_example(name), variant)[0]
