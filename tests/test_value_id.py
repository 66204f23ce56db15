"""Issue 10, structured names: every traced value carries its identity beside its name.

The traced step builds each value's `ValueId` and writes the name from it; `identify`, the one
way back (for names read from a trace's JSON file), must give the very same identity.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.engine.naming import layer_label
from tutor.engine.value_id import ValueId, identify
from tutor.experiments.builtin_examples import trace_reference
from tutor.export import export_json, load_trace_json

# Every built-in example small enough to trace value by value, and each of their variants.
REFERENCES = [
    "mazur",
    "mazur@tanh",
    "mazur@updated-weights",
    "mazur@seed-001",
    "xor-221",
    "xor-221@sigmoid",
    "encoder-838",
    "encoder-838@seed-001",
    "two-hidden",
    "deep-xor",
]
GOLDEN_JSON = Path(__file__).parent / "__snapshots__/test_export/test_golden_mazur[json].json"

@pytest.fixture(scope="module", params=REFERENCES)
def trace(request):
    return trace_reference(request.param)


def test_the_name_is_written_from_the_identity_and_read_back_to_it(trace):
    sizes = trace.meta["sizes"]
    for v in trace:
        assert v.identity.name == v.name
        assert identify(v.name, sizes) == v.identity, v.name
        assert v.identity.phase == v.phase, v.name


def test_the_identity_s_layer_is_the_layer_the_trace_labels(trace):
    n_layers = len(trace.meta["sizes"]) - 1
    for v in trace:
        if v.phase != "given":
            assert layer_label(v.identity.layer - 1, n_layers) == v.layer, v.name


def test_a_batch_value_carries_its_sample_and_a_shared_one_none():
    trace = trace_reference("xor-221")
    assert trace["net_h1[3]"].identity == ValueId("net", 1, neuron="h1", sample=3)
    assert trace["dE_total/dw5[0]"].identity.sample == 0
    assert trace["dE_total/dw5"].identity == ValueId("gradient", 2, parameter="w5")
    assert trace["w5"].identity.sample is None
    assert trace["E_total[2]"].identity.with_sample(None) == trace["E_total"].identity


def test_with_sample_is_replace_on_every_field():
    """with_sample builds the identity field by field (cheaper than dataclasses.replace): it
    must keep every field but `sample`, a field added later included."""
    import dataclasses

    values = {"kind": "part", "layer": 2, "neuron": "h1", "parameter": "w5", "via": "o1"}
    values |= {"sample": 4, "text": "t"}
    assert [f.name for f in dataclasses.fields(ValueId)] == list(values)  # add a field: here too
    identity = ValueId(**values)
    for sample in (None, 0, 7):
        assert identity.with_sample(sample) == dataclasses.replace(identity, sample=sample)
    hand_made = ValueId("other", text="x[1]")
    assert hand_made.with_sample(3) is hand_made


def test_what_a_value_refers_to_comes_from_its_fields():
    trace = trace_reference("mazur")
    assert trace["dE_o1/dout_h1"].identity.refers_to == {"o1", "h1"}
    assert trace["dnet_o1/dw5"].identity.refers_to == {"o1", "w5"}
    assert trace["w5+"].identity.refers_to == {"w5"}
    assert trace["E_total"].identity.refers_to == set()
    assert trace["b1"].identity.kind == "bias"


def test_json_round_trips_the_identities_and_older_files_load():
    batch = trace_reference("xor-221")
    assert load_trace_json(export_json(batch)) == batch  # identities compared too
    older = load_trace_json(GOLDEN_JSON.read_text(encoding="utf-8"))  # written before identities
    assert older.values == trace_reference("mazur").values  # names, numbers and identities
    assert older["dE_total/dw5"].identity == ValueId("gradient", 2, parameter="w5")
    assert older["t_o2"].identity == ValueId("target", 2, neuron="o2")


def test_a_name_no_kind_writes_is_kept_as_it_is():
    assert identify("foo[3]") == ValueId("other", text="foo[3]")
    assert identify("foo[3]").name == "foo[3]"
    assert identify("h1") == ValueId("other", text="h1")  # a neuron, not a traced value
    assert identify("net_h1").layer is None  # without the network's sizes


def test_a_file_s_absurd_sizes_leave_the_layers_unknown():
    assert identify("w5", [2] * 100_000).layer is None
    assert identify("w5", [2, 2, 2]).layer == 2
    assert identify("b_h2_1", [2, 3, 3, 1]).layer == 2
