"""The examples and network variants `check` and `derive` know: the engine's one registry.

`encoder-838` (seed 001's 8-3-8 notebook) and every other built-in example live in
`tutor.experiments.builtin_examples`, which also reads `NAME@VARIANT`; the variants, among
them `seed-001` (σ′ applied to the layer's output), in `tutor.engine.variants`.
"""

from __future__ import annotations

from tutor.engine.examples import Example
from tutor.engine.variants import VARIANTS as ALL_VARIANTS
from tutor.experiments.builtin_examples import EXAMPLES, resolve
from tutor.experiments.builtin_examples import with_variant as _with_variant
from tutor.experiments.course_examples import encoder_838

__all__ = ["VARIANTS", "encoder_838", "example", "example_names", "with_variant"]

# The variants that change the network (name → (what it is, how to apply it)); the others
# change only how a step is traced, so its gradients are those of the network itself.
VARIANTS = {name: (v.note, v.apply) for name, v in ALL_VARIANTS.items() if v.transform is not None}


def example_names() -> list[str]:
    """Every example the check and derive commands know."""
    return sorted(EXAMPLES)


def example(name: str, variant: str | None = None) -> Example:
    """The example called `name`, with `variant` applied; `name` may be 'mazur@seed-001'."""
    return resolve(name, variant)[0]


def with_variant(ex: Example, variant: str | None) -> Example:
    """`ex` with the named variant applied (None: as it is); KeyError names the known ones."""
    return _with_variant(ex, variant)[0]
