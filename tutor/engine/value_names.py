"""Reading a traced value's name back into the `ValueId` it was written from (files only).

A trace's JSON holds names, not identities: `identify` recovers each value's identity from its
name (and the network's sizes, for the layers). The traced step never needs it (it writes
names from identities), so the patterns live here and compile only when a name is read back.
"""

from __future__ import annotations

import functools
import re
import string

from tutor.engine.value_id import KINDS, OTHER, ValueId

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
