"""`trace EXAMPLE --symbolic`: each traced value's symbolic form, derived by SymPy.

Loaded only with `--symbolic` (SymPy with it).
"""

from __future__ import annotations

from tutor.cli import UsageError
from tutor.engine.examples import Example
from tutor.export.common import Symbolic


def symbolic_forms_of(example: Example) -> Symbolic:
    """The SymPy forms of the example's traced values (a batch's named per sample)."""
    from tutor.symbolic import symbolic_forms
    from tutor.symbolic.steps import TooLargeForSymbolic

    try:
        forms = symbolic_forms(example)
    except TooLargeForSymbolic as error:
        raise UsageError(f"--symbolic: {error}") from None
    if not example.is_batch:
        return forms
    # A batch: each sample's value has its one-sample form; the batch's E_total and gradients
    # are sums (their one-sample forms would be wrong), the updates keep theirs.
    per_sample = {
        f"{name}[{s}]": form
        for name, form in forms.items()
        if not name.endswith("+")
        for s in range(example.n_samples)
    }
    return {**per_sample, **{name: form for name, form in forms.items() if name.endswith("+")}}
