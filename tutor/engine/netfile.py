"""Load a network and its one training sample from a TOML file (docs/network-file.md)."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np

from tutor.engine.activations import get_activation
from tutor.engine.examples import Example
from tutor.engine.initializers import KINDS, Init
from tutor.engine.limits import MAX_SAMPLES as MAX_SAMPLES  # named here as before
from tutor.engine.losses import LOSSES, get_loss
from tutor.engine.network import Network, dense
from tutor.errors import FileFormatError
from tutor.safe_files import InputRefused, parse_toml, read_regular
from tutor.text_safety import control_message, escape_controls, find_control_in

TOP_KEYS = {
    "title",
    "description",
    "inputs",
    "loss",
    "learning_rate",
    "seed",
    "sample",
    "samples",
    "reduction",
    "layers",
}
LAYER_KEYS = {"size", "activation", "weights", "init", "bias", "train_bias"}
INIT_KEYS = {"kind", "scale", "low", "high"}
SAMPLE_KEYS = {"inputs", "targets"}
REDUCTIONS = ("sum", "mean")
# Size limits (docs/network-file.md "Limits"): checked before any weight is allocated.
MAX_UNITS = 1024  # inputs, and neurons in any one layer (MNIST's 784 inputs fit)
MAX_LAYERS = 16  # weight layers
MAX_PARAMETERS = 65_536  # weights and biases together
SEED_RANGE = 2**32  # seeds are 0 ≤ seed < 2**32 (NumPy's RandomState)
# Every number in a network file lies in [−VALUE_LIMIT, VALUE_LIMIT]: squares, exponentials and
# finite differences of such numbers stay finite in float64 (no overflow traceback anywhere).
VALUE_LIMIT = 1e6
# An initialiser's scale, low and high lie in [−INIT_LIMIT, INIT_LIMIT] (and scale > 0).
INIT_LIMIT = 100.0


class NetFileError(FileFormatError, ValueError):
    """A network file that cannot be used: says which file, which field, what was expected."""


class _Reader:
    """Validates fields of one file, raising NetFileError with `file: field: message`."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, field: str, message: str) -> NetFileError:
        where = f"{self.label}: {field}: " if field else f"{self.label}: "
        return NetFileError(where + message)

    def table(self, value, field: str, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(field, f"expected a table, got {_kind(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                f"{field}.{unknown[0]}" if field else unknown[0],
                f"unknown key; expected one of {', '.join(sorted(allowed))}",
            )
        return value

    def number(self, value, field: str, positive: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"expected a number, got {_kind(value)}")
        x = float(value)
        if not math.isfinite(x):
            raise self.fail(field, f"expected a finite number, got {value!r}")
        if positive and x <= 0:
            raise self.fail(field, f"expected a number > 0, got {value!r}")
        if abs(x) > VALUE_LIMIT:
            raise self.fail(field, f"expected a number between −1e6 and 1e6, got {value!r}")
        return x

    def integer(self, value, field: str, minimum: int = 1, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(field, f"expected a whole number ≥ {minimum}, got {value!r:.40}")
        if maximum is not None and value > maximum:
            raise self.fail(
                field, f"expected a whole number {minimum} to {maximum:,}, got {value:,}"
            )
        return value

    def numbers(self, value, field: str, count: int) -> list[float]:
        if not isinstance(value, list):
            raise self.fail(field, f"expected a list of {count} numbers, got {_kind(value)}")
        if len(value) != count:
            raise self.fail(field, f"expected {count} numbers, got {len(value)}")
        return [self.number(x, f"{field}[{k}]") for k, x in enumerate(value)]

    def text(self, value, field: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected a string, got {_kind(value)}")
        return value


def _kind(value) -> str:
    return {
        bool: "true/false",
        str: f"the string {value!r}",
        list: "a list",
        dict: "a table",
    }.get(type(value), f"{value!r}")


def load_network_file(path: str | Path) -> Example:
    """Read and validate a network file; NetFileError (naming file and field) when it is wrong."""
    path = Path(path)
    # The path is echoed in errors and kept as the trace's source: never with raw controls.
    label = escape_controls(str(path))
    try:
        raw = read_regular(path, "network")
    except InputRefused as refused:
        raise NetFileError(f"{label}: {refused.reason}") from None
    except OSError as error:
        raise NetFileError(f"{label}: cannot read the file ({error.strerror or error})") from None
    try:
        document = parse_toml(raw.decode("utf-8"))
    except InputRefused as refused:
        raise NetFileError(f"{label}: {refused.reason}") from None
    except UnicodeDecodeError:
        raise NetFileError(f"{label}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise NetFileError(f"{label}: not valid TOML: {error}") from None
    return parse_network(document, label, name=escape_controls(path.stem))


def parse_network(document: dict, label: str = "<network>", name: str = "network") -> Example:
    """Build the Example a network file describes (already parsed TOML)."""
    r = _Reader(label)
    refused = find_control_in(document, base=0)
    if refused is not None:
        raise r.fail(refused[0], control_message(refused[1]))
    r.table(document, "", TOP_KEYS)
    for key in ("inputs", "loss", "learning_rate", "layers"):
        if key not in document:
            raise r.fail(key, "missing (required)")
    if ("sample" in document) == ("samples" in document):
        raise r.fail(
            "sample",
            "expected either [sample] (one sample) or [[samples]] (a batch)"
            + (", not both" if "sample" in document else ""),
        )
    n_inputs = r.integer(document["inputs"], "inputs", maximum=MAX_UNITS)
    loss_name = r.text(document["loss"], "loss")
    if loss_name not in LOSSES:
        raise r.fail("loss", f"expected one of {', '.join(sorted(LOSSES))}, got {loss_name!r}")
    learning_rate = r.number(document["learning_rate"], "learning_rate", positive=True)
    layers_raw = document["layers"]
    if not isinstance(layers_raw, list) or not layers_raw:
        raise r.fail("layers", "expected at least one [[layers]] table")
    _check_size(r, n_inputs, layers_raw)
    seed = document.get("seed")
    if seed is not None:
        seed = r.integer(seed, "seed", minimum=0, maximum=SEED_RANGE - 1)
    rng = np.random.RandomState(seed) if seed is not None else None

    layers = []
    fan_in = n_inputs
    for k, layer_raw in enumerate(layers_raw):
        field = f"layers[{k}]"
        spec = r.table(layer_raw, field, LAYER_KEYS)
        layers.append(_layer(r, spec, field, fan_in, rng))
        fan_in = layers[-1].fan_out

    reduction = _reduction(r, document)
    if "sample" in document:
        x, target = _sample(r, document["sample"], "sample", n_inputs, fan_in)
        rows = [("sample.targets", target)]
    else:
        x, target = _samples(r, document["samples"], n_inputs, fan_in)
        rows = [(f"samples[{k}].targets", row) for k, row in enumerate(target)]
    loss = get_loss(loss_name, reduction)
    output = layers[-1].activation
    problem = loss.output_error(output)
    if problem:
        raise r.fail(f"layers[{len(layers) - 1}].activation", problem)
    for field, row in rows:
        problem = loss.target_error(row)
        if problem:
            raise r.fail(field, problem)
    title = document.get("title", name)
    if "description" in document:
        r.text(document["description"], "description")  # a note for the file's reader, not shown
    return Example(
        name=name,
        title=r.text(title, "title"),
        network=Network(layers),
        x=np.array(x),
        target=np.array(target),
        loss=loss,
        learning_rate=learning_rate,
        source=label,
    )


def _reduction(r: _Reader, document: dict) -> str | None:
    """The loss's reduction over a batch: required with [[samples]], "sum" or "mean"."""
    if "reduction" not in document:
        if "samples" in document:
            raise r.fail("reduction", 'missing: a batch needs reduction = "sum" or "mean"')
        return None
    value = r.text(document["reduction"], "reduction")
    if value not in REDUCTIONS:
        raise r.fail("reduction", f'expected "sum" or "mean", got {value!r}')
    return value


def _sample(r: _Reader, value, field: str, n_inputs: int, n_outputs: int):
    sample = r.table(value, field, SAMPLE_KEYS)
    for key in sorted(SAMPLE_KEYS):
        if key not in sample:
            raise r.fail(f"{field}.{key}", "missing (required)")
    x = r.numbers(sample["inputs"], f"{field}.inputs", n_inputs)
    return x, r.numbers(sample["targets"], f"{field}.targets", n_outputs)


def _samples(r: _Reader, value, n_inputs: int, n_outputs: int):
    """[[samples]]: a batch, one table per sample, each with inputs and targets."""
    if not isinstance(value, list) or not value:
        raise r.fail("samples", "expected at least one [[samples]] table")
    if len(value) > MAX_SAMPLES:
        raise r.fail("samples", f"{len(value)} samples is above the limit of {MAX_SAMPLES}")
    rows = [_sample(r, v, f"samples[{k}]", n_inputs, n_outputs) for k, v in enumerate(value)]
    return [x for x, _ in rows], [t for _, t in rows]


def _check_size(r: _Reader, n_inputs: int, layers_raw: list) -> None:
    """Refuse a network over the limits before a single weight is drawn or read."""
    if len(layers_raw) > MAX_LAYERS:
        raise r.fail("layers", f"{len(layers_raw)} layers; the limit is {MAX_LAYERS}")
    sizes = [n_inputs]
    for k, spec in enumerate(layers_raw):
        field = f"layers[{k}].size"
        if not isinstance(spec, dict) or "size" not in spec:
            return  # the layer's own check names what is missing
        sizes.append(r.integer(spec["size"], field, maximum=MAX_UNITS))
    parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if parameters > MAX_PARAMETERS:
        shape = "-".join(str(n) for n in sizes)
        raise r.fail(
            "layers",
            f"a {shape} network has {parameters:,} weights and biases; "
            f"the limit is {MAX_PARAMETERS:,}",
        )


def _layer(r: _Reader, spec: dict, field: str, fan_in: int, rng):
    for key in ("size", "activation"):
        if key not in spec:
            raise r.fail(f"{field}.{key}", "missing (required)")
    size = r.integer(spec["size"], f"{field}.size")
    activation = r.text(spec["activation"], f"{field}.activation")
    try:
        act = get_activation(activation)
    except ValueError as error:
        raise r.fail(f"{field}.activation", str(error)) from None
    if act.not_in_files:
        raise r.fail(f"{field}.activation", f"{activation!r} is {act.not_in_files}")
    if size < act.min_size:
        raise r.fail(
            f"{field}.activation",
            f"{act.name} needs a layer of at least {act.min_size} neurons, got size = {size}"
            + (f" ({act.min_size_reason})" if act.min_size_reason else ""),
        )
    if "weights" in spec and "init" in spec:
        raise r.fail(field, "give either weights or init, not both")
    if "weights" in spec:
        W = _weights(r, spec["weights"], f"{field}.weights", size, fan_in)
    elif "init" in spec:
        if rng is None:
            raise r.fail("seed", "missing: a layer with init needs a top-level seed")
        W = _init(r, spec["init"], f"{field}.init").draw(rng, fan_in, size)
    else:
        raise r.fail(field, "expected weights (explicit values) or init (an initialiser)")
    bias_mode, bias = _bias(r, spec.get("bias", "none"), f"{field}.bias", size)
    train_bias = spec.get("train_bias", True)
    if not isinstance(train_bias, bool):
        raise r.fail(f"{field}.train_bias", f"expected true or false, got {_kind(train_bias)}")
    return dense(W, bias, activation, bias_mode=bias_mode, train_bias=train_bias)


def _weights(r: _Reader, value, field: str, size: int, fan_in: int) -> np.ndarray:
    """Rows are this layer's neurons, each its incoming weights in input order (w1, w2 → h1)."""
    expected = f"expected {size} rows of {fan_in} numbers"
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise r.fail(field, f"{expected}, got {_kind(value)}")
    lengths = {len(row) for row in value}
    if len(value) != size or lengths != {fan_in}:
        got = (
            f"{len(value)} rows of {lengths.pop()}"
            if len(lengths) == 1
            else f"{len(value)} rows of {'/'.join(str(n) for n in sorted(lengths))} numbers"
        )
        raise r.fail(field, f"{expected}, got {got}")
    rows = [
        [r.number(x, f"{field}[{j}][{i}]") for i, x in enumerate(row)]
        for j, row in enumerate(value)
    ]
    return np.array(rows, dtype=float).T


def _init(r: _Reader, value, field: str) -> Init:
    if isinstance(value, str):
        value = {"kind": value}
    spec = r.table(value, field, INIT_KEYS)
    kind = r.text(spec.get("kind", ""), f"{field}.kind")
    if kind not in KINDS:
        raise r.fail(f"{field}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    numbers = {k: r.number(spec[k], f"{field}.{k}") for k in ("scale", "low", "high") if k in spec}
    for key, x in numbers.items():
        if abs(x) > INIT_LIMIT:
            raise r.fail(f"{field}.{key}", f"expected a number between −100 and 100, got {x!r}")
    if numbers.get("scale", 1.0) <= 0:
        raise r.fail(f"{field}.scale", f"expected a number > 0, got {numbers['scale']!r}")
    init = Init(kind, **numbers)
    if init.low >= init.high:
        raise r.fail(field, f"expected low < high, got low = {init.low!r}, high = {init.high!r}")
    return init


def _bias(r: _Reader, value, field: str, size: int):
    """A number: one bias shared by the layer; a list: one per neuron; "zeros"; "none"."""
    if value == "none":
        return "none", None
    if value == "zeros":
        return "neuron", np.zeros(size)
    if isinstance(value, list):
        return "neuron", np.array(r.numbers(value, field, size))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "layer", r.number(value, field)
    raise r.fail(
        field,
        f'expected a number (shared), a list of {size} numbers (per neuron), "zeros" or "none"; '
        f"got {_kind(value)}",
    )
