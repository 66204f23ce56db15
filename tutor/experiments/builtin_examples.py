"""The built-in example networks by fixed name: one registry, `EXAMPLES`, and `get_example`.

`mazur`, the slides' 2-2-2 worked example, is built by the engine (`tutor.engine.examples`);
the others are the networks of seeds 000, 001, 002, 004 and the slides' MNIST lab, built by the
experiments' own code (so the initial weights are exactly those the experiments reproduce),
each at the start of training, in `tutor.experiments.course_examples` (loaded when one of them
is built). This module sits in the experiments' layer because of that: the engine below it
names no experiment. `resolve` reads a reference `NAME@VARIANT` (or `network:PATH@VARIANT`)
into the example it names, its variant applied.
"""

from __future__ import annotations

from collections.abc import Callable

from tutor.engine.examples import BuiltIn, Example, mazur
from tutor.engine.trace import Trace
from tutor.engine.variants import NETWORK_PREFIX, Variant, get_variant, parse_reference
from tutor.errors import NotFound


def _course(builder: str) -> Callable[[], Example]:
    """`tutor.experiments.course_examples`' builder `builder`, that module loaded when called."""

    def build() -> Example:
        from tutor.experiments import course_examples

        return getattr(course_examples, builder)()

    build.__name__ = build.__qualname__ = builder
    return build


EXAMPLES: dict[str, BuiltIn] = {
    b.name: b
    for b in (
        BuiltIn("mazur", "the slides' 2-2-2 worked example, one step on one sample", mazur),
        BuiltIn(
            "xor-221",
            "seed 000's 2-2-1 XOR net, one step over its 4 rows;",
            _course("xor_221"),
        ),
        BuiltIn(
            "encoder-838",
            "seed 001's 8-3-8 encoder, one online step on e₁ (slip: @seed-001)",
            _course("encoder_838"),
        ),
        BuiltIn(
            "two-hidden",
            "seed 002's 2-3-3-1 sigmoid/BCE net, one step over 21 easy-XOR rows",
            _course("two_hidden"),
        ),
        BuiltIn(
            "deep-xor",
            "seed 004's [2, 8, 8, 2] ReLU/softmax/CE net, one step over 4 rows",
            _course("deep_xor"),
        ),
        BuiltIn(
            "mnist-digit",
            "the slides' 784-128-10 MNIST net, one SGD step on a shipped digit",
            _course("mnist_digit"),
        ),
    )
}


def get_example(name: str) -> Example:
    """The built-in example called `name`."""
    if name not in EXAMPLES:
        raise NotFound(f"unknown example {name!r}; known examples: {', '.join(sorted(EXAMPLES))}")
    return EXAMPLES[name]()


def resolve(reference: str, variant: str | None = None) -> tuple[Example, Variant | None]:
    """The example a reference names (`xor-221@sigmoid`), its variant applied; KeyError if not.

    `variant` is a variant given apart (a `--variant` option); it must not contradict one
    written in the reference.
    """
    if reference.startswith(NETWORK_PREFIX):  # a lesson's network file, resolved by its loader
        from tutor.engine.netfile import load_network_file

        path, _, in_path = reference.removeprefix(NETWORK_PREFIX).partition("@")
        return with_variant(load_network_file(path), variant or in_path or None)
    name, written = parse_reference(reference)
    if written and variant and written != variant:
        raise NotFound(f"{reference!r} names the variant {written!r}, and --variant {variant!r}")
    example = get_example(name)
    chosen = variant or written
    if chosen is None:
        return example, None
    v = get_variant(chosen, name)
    return v.apply(example), v


def with_variant(example: Example, variant: str | None) -> tuple[Example, Variant | None]:
    """A loaded example (a network file) with a variant that applies to any network."""
    if variant is None:
        return example, None
    v = get_variant(variant, example.name if example.name in EXAMPLES else "")
    return v.apply(example), v


def trace_reference(reference: str) -> Trace:
    """The trace a lesson names: `mazur`, `mazur@updated-weights`, `xor-221@sigmoid`."""
    from tutor.engine.variants import trace_example_step

    example, variant = resolve(reference)
    return trace_example_step(example, variant)[0]
