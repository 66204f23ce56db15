"""What a traced value is, as data: its kind, layer, neuron, parameter and sample.

Every TraceValue carries a `ValueId` beside its display name. The traced step builds the
identity and writes the name from it (`ValueId.name`), so views and exporters read the
identity (`identity.kind == "bias"`, `identity.sample`, `identity.neuron`) and never parse
a name. The one way back, `identify` (`tutor.engine.value_names`, loaded on first use), is for
names read from a file (a trace's JSON, whose schema holds names only); a test checks it gives
every built-in example's identities.

The kinds and the names they are written as (`[s]` appended for sample s of a batch):

    input i1 · target t_o1 · weight w5 · bias b1, b_h1 · eta
    net net_h1 · out out_h1 · error E_o1 · total_error E_total
    dout dE_total/dout_h1 · part dE_o1/dout_h1 (via o1) · slope dout_h1/dnet_h1
    delta delta_h1 · dnet dnet_o1/dw5 · gradient dE_total/dw5 · updated w5+
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# kind → (phase, how its name is written from its fields)
KINDS: dict[str, tuple[str, str]] = {
    "input": ("given", "{neuron}"),
    "target": ("given", "t_{neuron}"),
    "weight": ("given", "{parameter}"),
    "bias": ("given", "{parameter}"),
    "eta": ("given", "eta"),
    "net": ("forward", "net_{neuron}"),
    "out": ("forward", "out_{neuron}"),
    "error": ("error", "E_{neuron}"),
    "total_error": ("error", "E_total"),
    "dout": ("backward", "dE_total/dout_{neuron}"),
    "part": ("backward", "dE_{via}/dout_{neuron}"),
    "slope": ("backward", "dout_{neuron}/dnet_{neuron}"),
    "delta": ("backward", "delta_{neuron}"),
    "dnet": ("backward", "dnet_{neuron}/d{parameter}"),
    "gradient": ("backward", "dE_total/d{parameter}"),
    "updated": ("update", "{parameter}+"),
}
OTHER = "other"  # a name none of the kinds writes (a hand-made trace): kept as it is


@dataclass(frozen=True)
class ValueId:
    """One traced value's identity. `layer` counts neuron layers (0: the inputs, L: the
    outputs); a parameter's is the layer it feeds, `eta`'s is None. `via` is the neuron above
    a `part` of the error (o1 in dE_o1/dout_h1); `sample` the batch row (None: shared or the
    batch's own value); `text` the name of an `other` value."""

    kind: str
    layer: int | None = None
    neuron: str = ""
    parameter: str = ""
    via: str = ""
    sample: int | None = None
    text: str = ""

    @property
    def phase(self) -> str | None:
        """The phase a value of this kind is computed in (None for `other`)."""
        return KINDS[self.kind][0] if self.kind in KINDS else None

    @property
    def name(self) -> str:
        """The display name in the lesson's notation: `net_h1`, `dE_o1/dout_h1`, `w5+[2]`."""
        if self.kind not in KINDS:
            return self.text
        base = KINDS[self.kind][1].format(
            neuron=self.neuron, parameter=self.parameter, via=self.via
        )
        return base if self.sample is None else f"{base}[{self.sample}]"

    def with_sample(self, sample: int | None) -> ValueId:
        """The same value of batch row `sample` (None: the one-sample value)."""
        if self.kind not in KINDS:
            return self
        # dataclasses.replace(self, sample=sample) written out: a batch's trace renames each
        # value once per sample, and replace's look-up of the fields costs twice the building.
        return ValueId(
            self.kind, self.layer, self.neuron, self.parameter, self.via, sample, self.text
        )

    @property
    def refers_to(self) -> frozenset[str]:
        """The neurons and parameters the value is about: dnet_o1/dw5 → {o1, w5}."""
        return frozenset(p for p in (self.neuron, self.via, self.parameter) if p)


def __getattr__(name: str):
    """`identify` loads its module (the name patterns) on first use (PEP 562)."""
    if name != "identify":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from tutor.engine.value_names import identify

    globals()[name] = identify  # later look-ups skip this function
    return identify


if TYPE_CHECKING:
    # The same name for type checkers, which do not run __getattr__.
    from tutor.engine.value_names import identify  # noqa: F401
