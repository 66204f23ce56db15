"""Derive steps as text: ask `tutor.symbolic` (imported lazily: SymPy is slow to import)."""

from __future__ import annotations

from tutor.lessons.model import DeriveStep
from tutor.lessons.references import ACTIVATION_TARGETS


def derivation_for(step: DeriveStep):
    """The symbolic Derivation a derive step asks for (SymPy imported on first use)."""
    # The function, not `tutor.symbolic.derivation`: once the submodule of that name is
    # imported, the package attribute is the module.
    from tutor.symbolic.derivation import derivation

    if step.target in ACTIVATION_TARGETS:
        return derivation(None, step.target)
    from tutor.symbolic.variants import example

    source = example(step.trace)  # EXAMPLE[@VARIANT] or a lesson's network file
    if source.is_batch:  # SymPy derives one sample's loss: the first
        from dataclasses import replace

        source = replace(source, x=source.x[0], target=source.target[0])
    return derivation(source, step.target)


def derivation_text(step: DeriveStep, markdown: bool = False) -> tuple[str, str]:
    """(text, problem): the rendered derivation, or why it cannot be shown."""
    try:
        found = derivation_for(step)
    except (KeyError, ValueError) as error:
        return "", f"cannot derive {step.target!r}: {error.args[0] if error.args else error}"
    except Exception as error:  # noqa: BLE001 - one failed derivation must not end the lesson
        return "", f"cannot derive {step.target!r}: {type(error).__name__}: {error}"
    from tutor.symbolic.render import render

    return render([found], "md" if markdown else "text"), ""
