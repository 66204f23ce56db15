"""CSV: one row per traced value (step, phase, layer, name, formula, substituted, value)."""

from __future__ import annotations

import csv
import io

from tutor.engine.trace import Trace
from tutor.export.common import Symbolic, display_substituted

COLUMNS = ("step", "phase", "layer", "name", "formula", "substituted", "value")


def export_csv(trace: Trace, precision: int = 9, symbolic: Symbolic | None = None) -> str:
    """The trace as CSV; `value` is the float64 repr, so it parses back exactly."""
    values = trace.as_dict()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for v in trace:
        writer.writerow(
            [
                v.step,
                v.phase,
                v.layer,
                v.name,
                v.formula,
                display_substituted(v, values, precision),
                repr(v.value),
            ]
        )
    return buffer.getvalue()
