"""The Trace: every intermediate value of one training step, in order, with its provenance.

Each TraceValue has its name in the lesson's notation (`net_h1`, `dE_total/dw5`,
`w5+`), its phase, a formula template whose placeholders are the names it was
computed from, and its float64 value. From those three a formatter can write a
line the way a student would: formula, numbers substituted, result (one formatter does,
for every export and the TUI: tutor.export.formula).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from tutor.engine.value_id import ValueId
from tutor.errors import NotFound

PHASES = ("given", "forward", "error", "backward", "update")


@dataclass(frozen=True)
class TraceValue:
    """One traced number: what it is called, how it was computed, from what, and its value."""

    name: str
    phase: str
    template: str  # e.g. "{0}·{1} + {2}·{3} + {4}·1"; placeholders index `inputs`
    inputs: tuple[str, ...]
    value: float
    description: str = ""
    layer: str = ""  # "hidden", "output", "hidden 2", … ("" for given values)
    step: int = 1
    # What the value is (kind, layer, neuron, parameter, sample): views read this, not `name`.
    identity: ValueId = field(kw_only=True)

    @property
    def formula(self) -> str:
        """The formula in the lesson's names: `w1·i1 + w2·i2 + b1·1`."""
        return self.template.format(*self.inputs) if self.inputs else self.template


@dataclass
class Trace:
    """The ordered values of one traced step, plus what set them up (meta)."""

    title: str
    values: list[TraceValue] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def add(
        self,
        name: str | ValueId,
        phase: str,
        template: str,
        inputs: tuple[str, ...] | list[str],
        value: float,
        description: str = "",
        layer: str = "",
        step: int = 1,
    ) -> float:
        """Record a value and return it, so computing and tracing are one line.

        `name` is the value's identity (the traced step's way: the name is written from it),
        or a name, read back by `identify` (hand-made traces).
        """
        if isinstance(name, ValueId):
            identity, name = name, name.name
            if identity.phase not in (None, phase):
                raise ValueError(f"{name!r} is a {identity.kind} value, not of phase {phase!r}")
        else:
            from tutor.engine.value_names import identify  # names read back: loaded when used

            identity = identify(name, self.meta.get("sizes"))
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}; expected one of {PHASES}")
        index = self._index()
        if name in index:
            raise ValueError(f"{name!r} is traced twice")
        missing = [n for n in inputs if n not in index]
        if missing:
            raise ValueError(f"{name!r} depends on {missing}, which are not traced yet")
        self.values.append(
            TraceValue(
                name,
                phase,
                template,
                tuple(inputs),
                float(value),
                description,
                layer,
                step,
                identity=identity,
            )
        )
        self._by_name[name] = self.values[-1]
        return float(value)

    _by_name: dict[str, TraceValue] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )  # name → value, rebuilt by _index when `values` changed behind its back

    def _index(self) -> dict[str, TraceValue]:
        if len(self._by_name) != len(self.values):
            self._by_name = {v.name: v for v in self.values}
        return self._by_name

    def __getitem__(self, name: str) -> TraceValue:
        try:
            return self._index()[name]
        except KeyError:
            raise NotFound(f"{name!r} is not in the trace {self.title!r}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._index()

    def __iter__(self) -> Iterator[TraceValue]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def value(self, name: str) -> float:
        """The float64 value called `name`."""
        return self[name].value

    def as_dict(self) -> dict[str, float]:
        """name → value, in trace order."""
        return {v.name: v.value for v in self.values}

    def numbers(self) -> Mapping[str, float]:
        """name → value as a read-only view over the trace's index: `as_dict` without copying
        every value, for a caller that looks up a few names (a worked line's inputs)."""
        return _Numbers(self._index())

    def phase(self, phase: str) -> list[TraceValue]:
        """The values of one phase, in order."""
        return [v for v in self.values if v.phase == phase]


class _Numbers(Mapping[str, float]):
    """`Trace.numbers()`: each name's float value, read through the trace's own index."""

    __slots__ = ("_by_name",)

    def __init__(self, by_name: dict[str, TraceValue]) -> None:
        self._by_name = by_name

    def __getitem__(self, name: str) -> float:
        return self._by_name[name].value

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


def format_number(x: float, precision: int = 9) -> str:
    """`precision` decimals, trailing zeros dropped (0.3775); tiny or huge as 1.2e-12."""
    if x == 0:
        return "0"
    if abs(x) >= 1e7 or abs(x) < 10.0 ** (-precision + 2):
        return f"{x:.{max(precision - 3, 3)}e}"
    text = f"{x:.{precision}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
