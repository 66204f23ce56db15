"""What a traced value is, as data: its kind, layer, neuron, parameter and sample.

Every TraceValue carries a `ValueId` beside its display name. The traced step builds the
identity and writes the name from it (`ValueId.name`), so views and exporters read the
identity (`identity.kind == "bias"`, `identity.sample`, `identity.neuron`) and never parse
a name. The one way back, `identify`, is for names read from a file (a trace's JSON, whose
schema holds names only); a test checks it gives every built-in example's identities.

The kinds and the names they are written as (`[s]` appended for sample s of a batch):

    input i1 · target t_o1 · weight w5 · bias b1, b_h1 · eta
    net net_h1 · out out_h1 · error E_o1 · total_error E_total
    dout dE_total/dout_h1 · part dE_o1/dout_h1 (via o1) · slope dout_h1/dnet_h1
    delta delta_h1 · dnet dnet_o1/dw5 · gradient dE_total/dw5 · updated w5+
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, replace

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
        return replace(self, sample=sample) if self.kind in KINDS else self

    @property
    def refers_to(self) -> frozenset[str]:
        """The neurons and parameters the value is about: dnet_o1/dw5 → {o1, w5}."""
        return frozenset(p for p in (self.neuron, self.via, self.parameter) if p)


# -- reading a name back (files only) ---------------------------------------------------------

_NEURON = r"[iho]\d+(?:_\d+)?"
_FIELDS = {"neuron": _NEURON, "via": r"o\d+|h\d+(?:_\d+)?", "parameter": r"w\d+|b\d+|b_" + _NEURON}
# Narrower fields where a kind's name alone would be ambiguous (i1 is an input; w5 a weight).
_NARROWER = {
    "input": {"neuron": r"i\d+"},
    "target": {"neuron": r"o\d+"},
    "error": {"neuron": r"o\d+"},
    "weight": {"parameter": r"w\d+"},
    "bias": {"parameter": r"b\d+|b_" + _NEURON},
}


def _pattern(kind: str, written: str) -> re.Pattern[str]:
    """The regular expression reading back what `written` writes, fields as named groups."""
    fields = {**_FIELDS, **_NARROWER.get(kind, {})}
    out, seen = [], set()
    for literal, field, _, _ in string.Formatter().parse(written):
        out.append(re.escape(literal))
        if field is None:
            continue
        out.append(f"(?P={field})" if field in seen else f"(?P<{field}>{fields[field]})")
        seen.add(field)
    return re.compile("".join(out))


# A trace file's sizes longer than this are no network the tutor traces (network files stop at
# 16 weight layers): its values' layers are left unknown rather than searched for.
MAX_SIZES = 64
_SAMPLE = re.compile(r"(?P<base>.+)\[(?P<sample>\d{1,9})\]")


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each kind's pattern, compiled on first use: only names read back from files need them."""
    return [(kind, _pattern(kind, written)) for kind, (_, written) in KINDS.items()]


def identify(name: str, sizes: list[int] | None = None) -> ValueId:
    """The identity a name was written from (`sizes`, the network's, give the layers);
    a name no kind writes is an `other` value."""
    base, sample = name, None
    indexed = _SAMPLE.fullmatch(name)
    if indexed:
        base, sample = indexed["base"], int(indexed["sample"])
    for kind, pattern in _patterns():
        match = pattern.fullmatch(base)
        if match:
            fields = {k: v for k, v in match.groupdict().items() if v}
            return ValueId(
                kind,
                _layer(kind, fields, sizes),
                neuron=fields.get("neuron", ""),
                parameter=fields.get("parameter", ""),
                via=fields.get("via", ""),
                sample=sample,
            )
    return ValueId(OTHER, text=name)


def _layer(kind: str, fields: dict[str, str], sizes: list[int] | None) -> int | None:
    """The layer of a parsed value, from the network's sizes (None without them)."""
    if not sizes or len(sizes) > MAX_SIZES or kind == "eta":
        return None
    last = len(sizes) - 1
    if kind == "total_error":
        return last
    if "neuron" in fields:
        return neuron_layer(fields["neuron"], sizes)
    return parameter_layer(fields["parameter"], sizes)


_NEURON_PARTS = re.compile(r"([iho])(\d+)(?:_(\d+))?")
_PARAMETER = re.compile(r"w(\d+)|b(\d+)|b_(.+)")


def neuron_layer(neuron: str, sizes: list[int]) -> int | None:
    """The layer of a neuron name (i1: 0, h2_3: 2, h3 with one hidden layer: 1, o1: last)."""
    match = _NEURON_PARTS.fullmatch(neuron)
    if match is None:
        return None
    letter, first, second = match.groups()
    last = len(sizes) - 1
    if letter == "i":
        return 0 if second is None else None
    if letter == "o":
        return last if second is None else None
    if second is None:
        return 1 if last == 2 else None
    return int(first) if last > 2 and 1 <= int(first) < last else None


def parameter_layer(parameter: str, sizes: list[int]) -> int | None:
    """The layer a weight (counted through the network) or a bias feeds."""
    match = _PARAMETER.fullmatch(parameter)
    if match is None:
        return None
    weight, bias, neuron = match.groups()
    if neuron is not None:
        return neuron_layer(neuron, sizes)
    if bias is not None:
        return int(bias) if 1 <= int(bias) < len(sizes) else None
    number, first = int(weight), 1
    for k in range(1, len(sizes)):
        count = sizes[k - 1] * sizes[k]
        if first <= number < first + count:
            return k
        first += count
    return None
