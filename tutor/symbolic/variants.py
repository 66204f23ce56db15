"""Networks and named variants for the gradient check, among them seed 001's 8-3-8 notebook."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tutor.engine.activations import SIGMOID_QUIRK_001
from tutor.engine.examples import EXAMPLES, Example, get_example
from tutor.engine.losses import HALF_SSE
from tutor.engine.network import Network


def encoder_838() -> Example:
    """Seed 001's 8-3-8 encoder as its notebook starts training it, on its first sample x = e₁.

    The notebook seeds 42, draws W1, W2 in Layer.__init__ and draws them again in
    NN.__init__: the second draw (randn·√(1/fan_in), zero biases) is the network it trains,
    built here by the experiment's own code. Its backward pass starts from dA = ŷ − x, the
    gradient of ½Σ(ŷ − x)², so the loss is half_sse.
    """
    from tutor.experiments.encoder_838 import LEARNING_RATE, SOURCE, notebook_networks

    net = notebook_networks("sigmoid", np.random.RandomState(42))
    x = np.eye(8)[0]
    return Example(
        name="encoder-838",
        title="Seed 001's 8-3-8 encoder: seed 42, second draw (one sample, x = target = e₁)",
        network=net,
        x=x,
        target=x.copy(),
        loss=HALF_SSE,
        learning_rate=LEARNING_RATE,
        source=f"{SOURCE}, notebook cells [13]-[18]",
    )


CHECK_EXAMPLES = {"encoder-838": encoder_838}


def _seed_001(ex: Example) -> Example:
    """Every sigmoid layer backpropagates with σ′(out) in place of out·(1 − out)."""
    layers = []
    for layer in ex.network.copy().layers:
        if layer.activation.name == "sigmoid":
            layer = replace(layer, activation=SIGMOID_QUIRK_001)
        layers.append(layer)
    return replace(ex, network=Network(layers), title=f"{ex.title}, variant seed-001")


VARIANTS = {
    "seed-001": (
        "seed 001's notebook: the sigmoid derivative applied to the layer's output, "
        "σ′(out) = σ(out)(1 − σ(out)), instead of out(1 − out)",
        _seed_001,
    ),
}


def example_names() -> list[str]:
    """Every example the check and derive commands know."""
    return sorted(set(EXAMPLES) | set(CHECK_EXAMPLES))


def example(name: str, variant: str | None = None) -> Example:
    """The example called `name` (built in, or one of CHECK_EXAMPLES), with `variant` applied.

    `name` may carry the variant itself, as lessons write it: 'mazur@seed-001'.
    """
    if "@" in name and variant is None:
        name, _, variant = name.partition("@")
        variant = variant or None
    if name in CHECK_EXAMPLES:
        ex = CHECK_EXAMPLES[name]()
    else:
        try:
            ex = get_example(name)
        except KeyError:
            raise KeyError(
                f"unknown example {name!r}; known examples: {', '.join(example_names())}"
            ) from None
    return with_variant(ex, variant)


def with_variant(ex: Example, variant: str | None) -> Example:
    """`ex` with the named variant applied (None: as it is); KeyError names the known ones."""
    if variant is None:
        return ex
    if variant in VARIANTS:
        return VARIANTS[variant][1](ex)
    if variant in _trace_variants():
        # A trace variant (`updated-weights`) changes how a step is traced, not the network
        # or its gradients: the derivation and the check are those of the network itself.
        return ex
    known = ", ".join(sorted(set(VARIANTS) | set(_trace_variants())))
    raise KeyError(f"unknown variant {variant!r}; known variants: {known}")


def _trace_variants() -> list[str]:
    try:
        from tutor.engine.variants import VARIANTS as TRACE_VARIANTS
    except ImportError:  # the trace variants are another module's; absent, there are none
        return []
    return list(TRACE_VARIANTS)
