"""What the learner reads in place of the tutor's internal names.

Experiment ids, result keys, figure references, trace specs and the course material's file
names are how lessons and experiments refer to things; a learner reads "Notebook 001 (8-3-8
encoder), cell 18", "loss table", "the worked example (updated-weights variant)". The TUI and
`run` show names through these functions; `verify`, a teacher's tool, keeps the ids.
"""

from __future__ import annotations

import re

# The course material (`../shared/seeds/`), by its number: NNN_<16 hex>.txt.
SOURCE_NAMES = {
    "000": "Handout 000",
    "001": "Notebook 001 (8-3-8 encoder)",
    "002": "Lab report 002",
    "003": "Slides (003)",
    "004": "Lab record 004",
}
SEED_FILE = re.compile(r"\b(\d{3})_[0-9a-f]{16}\.txt\b")

# The built-in examples a trace spec names.
EXAMPLE_NAMES = {
    "mazur": "the worked example",
    "xor-221": "the handout's XOR network",
    "encoder-838": "the notebook's 8-3-8 encoder",
    "two-hidden": "the lab report's two-hidden-layer network",
    "deep-xor": "the lab record's deep network",
    "mnist-digit": "the MNIST network",
}
NETWORK_PREFIX = "network:"


def source_name(number: str) -> str:
    """A seed document's name by its number: "003" → "Slides (003)"."""
    return SOURCE_NAMES.get(number, f"Document {number}")


def learner_source(text: str) -> str:
    """`text` with every seed file name replaced by the document's name."""
    return SEED_FILE.sub(lambda match: source_name(match.group(1)), text)


def humanize(key: str) -> str:
    """A result key or table name in words: `loss_table` → "loss table", `lr_0p5` → "lr 0.5"."""
    words = re.sub(r"(?<=\d)p(?=\d)", ".", key)
    return words.replace("_", " ").strip()


def trace_name(spec: str) -> str:
    """`mazur@updated-weights` → "the worked example (updated-weights variant)"."""
    if spec.startswith(NETWORK_PREFIX):
        return "the lesson's network"
    example, _, variant = spec.partition("@")
    name = EXAMPLE_NAMES.get(example, f"the {example.replace('-', ' ')} example")
    return f"{name} ({variant} variant)" if variant else name


def experiment_name(experiment_id: str) -> str:
    """The experiment's title (its id only when it is not registered)."""
    from tutor.experiments.registry import get_experiment

    try:
        return get_experiment(experiment_id).title
    except KeyError:
        return humanize(experiment_id)


def computed_name(reference: str) -> str:
    """A figure's `computed` reference in words.

    `trace:mazur:out_h1` → "out_h1 of the worked example";
    `experiment:ID:loss_epoch_500` → "loss epoch 500 of the run '<title>'".
    """
    kind, _, rest = reference.partition(":")
    where, _, key = rest.rpartition(":")
    if kind == "trace":
        return f"{key} of {trace_name(where)}"
    if kind == "experiment":
        return f"{humanize(key)} of the run '{experiment_name(where)}'"
    return reference
