"""The built-in examples and the sandbox's data sets are built above the engine (issue 10):
the layers contract holds with no exception, and the engine itself names no experiment."""

from __future__ import annotations

import tomllib

import pytest

from tests import forked_probe
from tests.test_import_hygiene import ROOT
from tutor.engine.variants import get_variant
from tutor.experiments.builtin_examples import EXAMPLES, get_example, resolve


def test_the_layers_contract_has_no_exception():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    for contract in config["contracts"]:
        assert not contract.get("ignore_imports"), contract["name"]


def test_tracing_the_worked_example_with_a_variant_loads_no_experiment():
    code = (
        "import sys\n"
        "from tutor.engine.examples import mazur\n"
        "from tutor.engine.variants import get_variant, trace_example_step\n"
        "trace_example_step(get_variant('tanh').apply(mazur()))\n"
        "print(sorted(m for m in sys.modules if m.startswith('tutor.experiments')))\n"
    )
    out = forked_probe.run(code, check=True)
    assert out.stdout.strip() == "[]"


def test_the_registry_names_the_worked_example_the_engine_builds():
    from tutor.engine.examples import mazur

    assert list(EXAMPLES) == [
        "mazur", "xor-221", "encoder-838", "two-hidden", "deep-xor", "mnist-digit"
    ]  # fmt: skip
    built, direct = get_example("mazur"), mazur()
    assert built.title == direct.title and (built.x == direct.x).all()


@pytest.mark.parametrize("hidden", ["relu", "sigmoid"])
def test_the_xor_variants_rebuild_the_example_with_its_own_builder(hidden):
    from tutor.experiments.course_examples import xor_221

    example, variant = resolve(f"xor-221@{hidden}")
    expected = xor_221(hidden)
    assert variant is get_variant(hidden, "xor-221")
    assert example.title == expected.title and example.note == expected.note
    assert [layer.activation.name for layer in example.network.layers] == [hidden, "sigmoid"]
    for got, want in zip(example.network.layers, expected.network.layers, strict=True):
        assert (got.W == want.W).all() and (got.b == want.b).all()


def test_a_network_without_a_builder_is_not_silently_replaced_by_the_built_in_one():
    from tutor.engine.examples import mazur
    from tutor.errors import NotFound

    with pytest.raises(NotFound, match="cannot be rebuilt with sigmoid hidden units"):
        get_variant("sigmoid").apply(mazur())
