"""Property tests (Hypothesis) over every file the tutor reads (issue 9, "Tests that stay").

Whatever the bytes, a reader returns a valid result or raises the project's own error
type naming the problem (NetFileError, LessonError, TraceFormatError, MnistDataError;
the progress store never raises) -- never another exception. The inputs are random
text and bytes, and mutations of valid files (a token replaced by a hostile value, a
span deleted or repeated), which reach deeper than random text alone.

Deterministic (derandomize=True) and bounded: the whole file runs in well under 20 s.
"""

from __future__ import annotations

import atexit
import gzip
import json
import math
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.engine.examples import Example
from tutor.engine.netfile import NetFileError, load_network_file, parse_network
from tutor.export import FORMATS, TraceFormatError, export, export_json, load_trace_json
from tutor.lessons.loader import LessonError, load_lesson
from tutor.lessons.model import Lesson
from tutor.lessons.progress_store import LessonProgress, ProgressStore
from tutor.mnist.data import MnistDataError, load_csv, load_idx_images, load_idx_labels

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
SCRATCH = Path(tempfile.mkdtemp(prefix="tutor-fuzz-"))
atexit.register(shutil.rmtree, SCRATCH, True)  # made at import: every process that collects

# `st.text()`'s default alphabet is `st.characters(codec="utf-8")`, for which Hypothesis finds
# the code points UTF-8 encodes by encoding all 1,114,112 of them: ~2 s of CPU in each process,
# remembered only in `.hypothesis/` under the working directory (so again in a fresh clone and in
# each pytest-xdist worker that starts before another has written it). UTF-8 encodes every code
# point but the surrogates, so this alphabet, taken from Unicode's categories, is the same set
# (checked below): the same strategy, the same examples, without that search.
UTF8_CHARACTERS = st.characters(exclude_categories=["Cs"])


def any_text(max_size: int) -> st.SearchStrategy[str]:
    """`st.text(max_size=max_size)`, its default alphabet given without the codec search."""
    return st.text(UTF8_CHARACTERS, max_size=max_size)


def test_the_text_alphabet_is_every_code_point_utf8_encodes():
    alphabet = UTF8_CHARACTERS.wrapped_strategy.intervals.intervals  # Hypothesis's own set
    assert alphabet == ((0, 0xD7FF), (0xE000, 0x10FFFF))
    for code in (0, 0xD7FF, 0xE000, 0x10FFFF):
        chr(code).encode("utf-8")
    for code in (0xD800, 0xDBFF, 0xDC00, 0xDFFF):  # the surrogates, which it refuses
        with pytest.raises(UnicodeEncodeError):
            chr(code).encode("utf-8")


# Values a hostile file puts where a number, a string or a table is expected.
HOSTILE = [
    "0", "-1", "1e400", "-1e400", "nan", "inf", "4294967296", "1" + "0" * 40, "true",
    '"x"', '""', "[]", "{}", "[[1]]", "[1, 2, 3]", '"{"', '"{99}"', '"\\u001b[2J"',
    "0.5", "1e-320", "2", "3", "1000", '"sigmoid"', '"softmax"', '"relu"', '"zeros"',
    '"none"', '"he"', "9" * 5000, "{ kind = \"normal\", scale = 1e308 }", "-0.0", "[0.1, 0.2]",
]  # fmt: skip


def mutations(text: str) -> st.SearchStrategy[str]:
    """The text with tokens replaced by hostile values, spans deleted or repeated."""
    lines = text.splitlines()

    @st.composite
    def mutate(draw) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            if not out:
                break
            k = draw(st.integers(0, len(out) - 1))
            action = draw(st.sampled_from(["value", "delete", "repeat", "noise"]))
            if action == "value" and "=" in out[k]:
                key = out[k].split("=", 1)[0]
                out[k] = f"{key}= {draw(st.sampled_from(HOSTILE))}"
            elif action == "delete":
                del out[k]
            elif action == "repeat":
                out.insert(k, out[k])
            else:
                out[k] = draw(any_text(40))
        return "\n".join(out) + "\n"

    return mutate()


def write(name: str, data: bytes | str) -> Path:
    path = SCRATCH / name
    # A new file each time: ext4 flushes a file truncated and rewritten to disk when it is
    # closed (auto_da_alloc), ~3 ms of waiting per example; a new file is not flushed.
    path.unlink(missing_ok=True)
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return path


# -- network files ---------------------------------------------------------------------------

MAZUR = (ROOT / "examples" / "mazur.toml").read_text(encoding="utf-8")
SEEDED = """inputs = 2
loss = "half_sse"
learning_rate = 0.5
seed = 3

[[layers]]
size = 3
activation = "tanh"
init = { kind = "uniform", low = -1, high = 1 }
bias = "zeros"

[[layers]]
size = 2
activation = "sigmoid"
init = "xavier"
bias = [0.1, 0.2]

[sample]
inputs = [1.0, 0.0]
targets = [0.0, 1.0]
"""


@FUZZ
@given(st.one_of(mutations(MAZUR), mutations(SEEDED), any_text(300)))
def test_network_file_fuzz(text):
    path = write("net.toml", text)
    try:
        result = load_network_file(path)
    except NetFileError as error:
        assert str(path) in str(error)
        return
    assert isinstance(result, Example)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text(8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text(6), inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "inputs": json_values,
            "loss": st.sampled_from(["half_sse", "mse", "bce"]) | json_values,
            "learning_rate": json_values,
            "seed": json_values,
            "sample": st.fixed_dictionaries({"inputs": json_values, "targets": json_values})
            | json_values,
            "layers": st.lists(
                st.fixed_dictionaries(
                    {"size": st.integers(-2, 5) | json_values, "activation": st.just("sigmoid")},
                    optional={"weights": json_values, "init": json_values, "bias": json_values},
                ),
                max_size=3,
            )
            | json_values,
        },
    )
)
def test_network_document_fuzz(document):
    try:
        result = parse_network(document, "fuzz.toml")
    except NetFileError:
        return
    assert isinstance(result, Example)


# -- lesson files ----------------------------------------------------------------------------

KNOWLEDGE = (ROOT / "lessons" / "10-knowledge-check.toml").read_text(encoding="utf-8")
PROSE = """id = "fuzz"
title = "Fuzz"
summary = "A lesson"
order = 99

[[steps]]
kind = "prose"
title = "One"
text = "Hello"

[[steps]]
kind = "predict"
trace = "mazur"
target = "out_h1"
text = "Compute it."
tolerance = 1e-6
tries = 3
"""


@FUZZ
@given(st.one_of(mutations(KNOWLEDGE), mutations(PROSE), any_text(300)))
def test_lesson_file_fuzz(text):
    path = write("lesson.toml", text)
    try:
        result = load_lesson(path)
    except LessonError as error:
        assert error.file == path
        return
    assert isinstance(result, Lesson)


# -- progress and settings files -------------------------------------------------------------

GOOD_PROGRESS = {
    "version": 1,
    "lesson": "x",
    "position": [1, 0],
    "completed": [0],
    "answers": {"1": {"tries": 1, "answer": "0.5", "correct": False}, "3": {"choice": 2}},
}


def progress_texts() -> st.SearchStrategy[str]:
    whole = json_values.map(lambda v: json.dumps(v))
    fields = st.fixed_dictionaries(
        {"version": st.just(1) | json_values},
        optional={
            "position": json_values | st.lists(st.integers(-3, 10**7), max_size=3),
            "completed": json_values,
            "answers": st.dictionaries(
                any_text(3) | st.just("2"),
                json_values
                | st.dictionaries(
                    st.sampled_from(["tries", "answer", "correct", "revealed", "choice", "x"]),
                    json_values,
                    max_size=3,
                ),
                max_size=3,
            ),
        },
    ).map(json.dumps)
    return st.one_of(whole, fields, mutations(json.dumps(GOOD_PROGRESS, indent=1)))


@FUZZ
@given(progress_texts(), progress_texts())
def test_progress_and_settings_fuzz(progress_text, settings_text):
    folder = Path(tempfile.mkdtemp(dir=SCRATCH))
    (folder / "lesson-x.json").write_text(progress_text, encoding="utf-8", errors="surrogatepass")
    (folder / "settings.json").write_text(settings_text, encoding="utf-8", errors="surrogatepass")
    store = ProgressStore(folder)
    progress = store.load("x")
    assert isinstance(progress, LessonProgress)
    step, value = progress.position
    assert isinstance(step, int) and isinstance(value, int)
    for record in progress.answers.values():
        int(record.get("tries", 0))  # what the lesson screen does with it
        if "choice" in record:
            int(record["choice"])
    settings_data = store.settings()
    assert isinstance(settings_data, dict)
    for key in ("last_lesson", "theme"):
        assert settings_data.get(key) is None or isinstance(settings_data[key], str)
    store.save(progress)  # what it loaded, it can write back
    json.loads((folder / "lesson-x.json").read_text(encoding="utf-8"))


# -- trace JSON ------------------------------------------------------------------------------


def _mazur_json() -> str:
    from tutor.engine.variants import trace_example_step
    from tutor.experiments.builtin_examples import get_example

    trace, _ = trace_example_step(get_example("mazur"), None)
    return export_json(trace)


MAZUR_JSON = _mazur_json()
SMALL_JSON = json.dumps(
    {
        "schema_version": 1,
        "title": "t",
        "meta": {"sizes": [1, 1], "loss": "half_sse"},
        "values": [
            {"name": "a", "phase": "given", "template": "0.5", "inputs": [], "value": 0.5},
            {"name": "b", "phase": "forward", "template": "{0}·2", "inputs": ["a"], "value": 1},
        ],
    },
    indent=1,
)


@FUZZ
@given(
    st.one_of(
        mutations(SMALL_JSON),
        mutations(MAZUR_JSON[:4000] + MAZUR_JSON[-200:]),
        json_values.map(json.dumps),
        st.fixed_dictionaries(
            {"schema_version": st.just(1), "values": st.lists(json_values, max_size=3)},
            optional={"meta": json_values, "title": json_values},
        ).map(json.dumps),
        any_text(200),
    )
)
def test_trace_json_fuzz(text):
    try:
        trace = load_trace_json(text)
    except TraceFormatError:
        return
    for fmt in FORMATS:  # what it accepts, every exporter can write
        assert isinstance(export(trace, fmt), str)


# -- MNIST files -----------------------------------------------------------------------------


@st.composite
def idx_files(draw) -> bytes:
    images = draw(st.booleans())
    magic = draw(st.sampled_from([2051, 2049, 0, 2**32 - 1]))
    n = draw(st.sampled_from([0, 1, 2, 3, 250_001, 2**32 - 1]))
    if images:
        rows = draw(st.sampled_from([28, 0, 27, 2**31]))
        header = struct.pack(">IIII", magic, n, rows, 28)
    else:
        header = struct.pack(">II", magic, n)
    body = draw(st.binary(max_size=64)) + bytes(draw(st.sampled_from([0, 784, 2 * 784, 3 * 784])))
    data = (header + body)[: draw(st.integers(0, 4000))]
    if draw(st.booleans()):
        data = gzip.compress(data, compresslevel=1)
        data = data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data
    return data


@FUZZ
@given(idx_files(), st.booleans())
def test_mnist_idx_fuzz(data, as_images):
    path = write("idx.gz", data)
    loader = load_idx_images if as_images else load_idx_labels
    try:
        result = loader(path)
    except MnistDataError as error:
        assert str(path) in str(error)
        return
    assert isinstance(result, np.ndarray) and result.dtype == np.uint8
    assert result.ndim == (2 if as_images else 1)


CELLS = ["0", "9", "255", "256", "-1", "x", "", "1e3", " 7", "\ufeff1", "3.5"]


@st.composite
def csv_rows(draw) -> str:
    cells = ["0"] * draw(st.sampled_from([1, 784, 785, 786]))
    for _ in range(draw(st.integers(0, 3))):
        cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(CELLS))
    return ",".join(cells)


@st.composite
def csv_files(draw) -> bytes:
    lines = draw(st.lists(csv_rows(), max_size=3))
    if draw(st.booleans()):
        lines.insert(0, "label," + ",".join(f"p{k}" for k in range(784)))
    text = ("\ufeff" if draw(st.booleans()) else "") + "\n".join(lines)
    data = text.encode("utf-8")
    return gzip.compress(data, compresslevel=1) if draw(st.booleans()) else data


@FUZZ
@given(csv_files())
def test_mnist_csv_fuzz(data):
    path = write("digits.csv", data)
    try:
        images, labels = load_csv(path)
    except MnistDataError as error:
        assert str(path) in str(error)
        return
    assert images.shape == (len(labels), 784) and labels.max(initial=0) <= 9
    assert not math.isnan(float(images.sum()))
