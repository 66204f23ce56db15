"""Labelled variants of a traced step, and the references lessons use (`EXAMPLE@VARIANT`).

A variant is a named, explained way of computing a step that differs from the
exact one: the tutor shows both and says why. It changes how the step is traced
(`updated-weights` backpropagates through the already-updated weights of the layer
above, which is what produces the slides' 0.291027924 for the error after one round),
or the network itself (`seed-001`: seed 001's σ′ applied to the layer's output;
`sigmoid`: seed 000's XOR network with sigmoid hidden units). `resolve`, the one
place a reference `NAME@VARIANT` is read, is in `tutor.experiments.builtin_examples`
beside the registry of the examples it names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import NamedTuple

from tutor.engine.examples import Example
from tutor.engine.network import Network
from tutor.engine.trace import Trace
from tutor.errors import NotFound, TutorError

# Above this many parameters a step is not traced value by value (the matrix form is):
# MNIST's 101,770 parameters would make millions of lines.
PER_VALUE_LIMIT = 500


class TooLargeToTrace(TutorError, ValueError):
    """A network too large for the per-value trace; says its size and the limit."""


# A reference to a network file (`network:/path/net.toml`), as a lesson's loader writes it.
NETWORK_PREFIX = "network:"


def _seed_001(ex: Example) -> Example:
    """Every sigmoid layer backpropagates with σ′(out) in place of out·(1 − out)."""
    from tutor.engine.activations import SIGMOID_QUIRK_001

    layers = []
    for layer in ex.network.copy().layers:
        if layer.activation.name == "sigmoid":
            layer = replace(layer, activation=SIGMOID_QUIRK_001)
        layers.append(layer)
    return replace(ex, network=Network(layers), title=f"{ex.title}, variant seed-001")


def _xor_hidden(hidden: str) -> Callable[[Example], Example]:
    """The example built again by its own builder with `hidden` hidden units (xor-221)."""

    def rebuild(ex: Example) -> Example:
        if ex.with_hidden is None:
            raise NotFound(f"{ex.name} cannot be rebuilt with {hidden} hidden units")
        return ex.with_hidden(hidden)

    return rebuild


def _hidden_activation(name: str) -> Callable[[Example], Example]:
    """Every hidden layer takes the activation `name`; weights, data and output stay."""

    def rebuild(ex: Example) -> Example:
        from tutor.engine.activations import get_activation

        layers = list(ex.network.copy().layers)
        hidden = [replace(layer, activation=get_activation(name)) for layer in layers[:-1]]
        return replace(ex, network=Network(hidden + layers[-1:]), title=f"{ex.title}, {name}")

    return rebuild


# A NamedTuple, not a frozen dataclass: created in a tenth of the time at every start-up.
class Variant(NamedTuple):
    """A named way of computing a traced step, with why it differs from the exact one.

    `options` are keyword arguments of the traced step; `transform` changes the example's
    network; `examples` lists the built-in examples it applies to (empty: any network).
    """

    name: str
    title: str
    note: str
    options: Mapping[str, object] = MappingProxyType({})  # read-only: a default shared by all
    transform: Callable[[Example], Example] | None = None
    examples: tuple[str, ...] = ()

    def apply(self, ex: Example) -> Example:
        """The example this variant traces (the same one when only the tracing changes)."""
        return self.transform(ex) if self.transform is not None else ex


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
        Variant(
            "seed-001",
            "Seed 001's sigmoid derivative",
            "seed 001's notebook: the sigmoid derivative applied to the layer's output, "
            "σ′(out) = σ(out)(1 − σ(out)), instead of out(1 − out)",
            transform=_seed_001,
        ),
        Variant(
            "relu",
            "ReLU hidden units (Exercise 1)",
            "seed 000's Exercise 1: ReLU hidden units, the example as it is built by default",
            transform=_xor_hidden("relu"),
            examples=("xor-221",),
        ),
        Variant(
            "sigmoid",
            "Sigmoid hidden units (Exercise 2)",
            "seed 000's Exercise 2: the same seeded weights with sigmoid hidden units",
            transform=_xor_hidden("sigmoid"),
            examples=("xor-221",),
        ),
        Variant(
            "tanh",
            "tanh hidden units (the slides' tanh lab)",
            "the slides' tanh lab: the same weights and data with tanh hidden units",
            transform=_hidden_activation("tanh"),
            examples=("mazur",),
        ),
    )
}


def get_variant(name: str, example: str | None = None) -> Variant:
    """The variant `name` (for `example`, when given); KeyError listing the known ones."""
    known = [v for v in VARIANTS.values() if not v.examples or example in v.examples]
    if example is None:
        known = list(VARIANTS.values())
    for v in known:
        if v.name == name:
            return v
    names = ", ".join(sorted(v.name for v in known))
    where = f" for {example}" if example and name in VARIANTS else ""
    raise NotFound(f"unknown variant {name!r}{where}; known variants: {names}")


def parse_reference(reference: str) -> tuple[str, str | None]:
    """`mazur@updated-weights` → ('mazur', 'updated-weights'); `mazur` → ('mazur', None)."""
    example, _, variant = reference.partition("@")
    return example, (variant or None)


def trace_example_step(
    example: Example,
    variant: str | Variant | None = None,
    sample: int | None = None,
) -> tuple[Trace, Network]:
    """Trace one step of `example` (variant already applied), the exact way or as `variant`.

    A batch example is traced sample by sample (`tutor.engine.batch`); `sample` keeps one.
    """
    n = example.network.n_parameters
    if n > PER_VALUE_LIMIT:
        raise TooLargeToTrace(
            f"{example.name} has {n} parameters, above the per-value limit of {PER_VALUE_LIMIT}; "
            "its step is traced in matrix form (trace --form matrix)"
        )
    v = get_variant(variant) if isinstance(variant, str) else variant
    options = v.options if v else {}
    title = example.title if not v else f"{example.title} (variant: {v.name})"
    if example.is_batch:
        from tutor.engine.batch import traced_batch_step

        options = {**options, "sample": sample}
        step: Callable[..., tuple[Trace, Network]] = traced_batch_step
    else:
        from tutor.engine.traced import traced_step

        step = traced_step
    trace, updated = step(
        example.network,
        example.x,
        example.target,
        example.loss,
        example.learning_rate,
        title=title,
        **options,
    )
    trace.meta["example"] = example.name
    if example.note:
        trace.meta["note"] = example.note
    if v:
        trace.meta["variant"] = v.name
        trace.meta["variant_note"] = v.note
    return trace, updated


def error_after(example: Example, updated: Network) -> float:
    """E_total of `example`'s sample on `updated` (the network a step left), by the fast path."""
    return float(example.loss.value(updated.forward(example.x), example.target))


def errors_after_step(example: Example, exact: Network | None = None) -> dict[str | None, float]:
    """The error after one step, computed the exact way (key None) and as each variant that
    changes how this example's step is computed (not those that change its network).

    `exact`: the network the exact step left, when the caller traced that step already (it is
    then not traced a second time).
    """
    if exact is None:
        exact = trace_example_step(example)[1]
    errors: dict[str | None, float] = {None: error_after(example, exact)}
    if example.is_batch:  # the backward-pass variants apply to a one-sample step only
        return errors
    for v in VARIANTS.values():
        if v.options and (not v.examples or example.name in v.examples):
            errors[v.name] = error_after(example, trace_example_step(example, v)[1])
    return errors


def record_errors_after_step(
    trace: Trace, example: Example, variant: Variant | None, exact: Network | None = None
) -> None:
    """Put the error after the step, the exact way and as each variant, in the trace's meta
    (`error_after_step`: the exports' "Error after the step" line); `exact` as for
    `errors_after_step`."""
    errors = errors_after_step(example, exact)
    if variant is not None and not variant.options:
        # A variant that changes the network (seed-001, relu…): its exact step is this one.
        errors = {variant.name: errors.pop(None), **errors}
    trace.meta["error_after_step"] = {key or "exact": error for key, error in errors.items()}
