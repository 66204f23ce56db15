"""Derive steps as text: ask `tutor.symbolic` (imported lazily: SymPy is slow to import)."""

from __future__ import annotations

import importlib

from tutor.lessons.model import Step
from tutor.lessons.references import ACTIVATION_TARGETS

NEEDS_SYMBOLIC = "this derivation needs the symbolic module (tutor.symbolic), not available here"


def _find(names: tuple[str, ...]):
    """The first of `module:function` names that exists, else None."""
    for dotted in names:
        module_name, _, function = dotted.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, function):
            return getattr(module, function)
    return None


def derivation_for(step: Step):
    """The symbolic Derivation a derive step asks for; ImportError when symbolic is missing."""
    if importlib.util.find_spec("tutor.symbolic") is None:
        raise ImportError(NEEDS_SYMBOLIC)
    if step.target in ACTIVATION_TARGETS:
        derive = _find(
            (
                "tutor.symbolic:activation_derivation",
                "tutor.symbolic.activations:activation_derivation",
            )
        )
        if derive is None:
            raise ImportError(NEEDS_SYMBOLIC)
        return derive(step.target)
    derive = _find(
        (
            "tutor.symbolic:derive_reference",
            "tutor.symbolic:parameter_derivation",
            "tutor.symbolic.derive:parameter_derivation",
        )
    )
    if derive is None:
        raise ImportError(NEEDS_SYMBOLIC)
    return derive(step.trace, step.target)


def derivation_lines(step: Step) -> tuple[list[str], str]:
    """(lines, problem): each derivation step's caption, formula and value; or why not."""
    try:
        derivation = derivation_for(step)
    except ImportError as error:
        return [], str(error) if str(error) else NEEDS_SYMBOLIC
    except (KeyError, ValueError) as error:
        return [], f"cannot derive {step.target!r}: {error.args[0] if error.args else error}"
    lines = []
    for part in getattr(derivation, "steps", ()):
        lines.append(part.caption)
        formula = part.unicode.splitlines() or [""]
        lines += ["    " + line for line in formula]
        if getattr(part, "value", None) is not None:
            lines.append(f"    = {part.value:.9g}")
    return lines, ""
