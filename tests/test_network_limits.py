"""Issue 9, item 5 (and the network-file seed of item 8): networks over the size limits are
refused at validation, naming the sizes and the limit, before any weight is allocated."""

from __future__ import annotations

import tracemalloc

import pytest

from tutor.cli import main
from tutor.engine.netfile import (
    MAX_LAYERS,
    MAX_PARAMETERS,
    MAX_UNITS,
    NetFileError,
    load_network_file,
)


def network(inputs: int, sizes: list[int], seed: int | str = 1, init: str = '"he"') -> str:
    layers = "".join(
        f'[[layers]]\nsize = {n}\nactivation = "sigmoid"\ninit = {init}\n\n' for n in sizes
    )
    return (
        f'inputs = {inputs}\nloss = "half_sse"\nlearning_rate = 0.5\nseed = {seed}\n\n{layers}'
        f"[sample]\ninputs = [{', '.join(['0.1'] * min(inputs, MAX_UNITS))}]\n"
        f"targets = [{', '.join(['0.5'] * min(sizes[-1], MAX_UNITS))}]\n"
    )


def load(tmp_path, text: str):
    path = tmp_path / "net.toml"
    path.write_text(text)
    return load_network_file(path)


def test_two_1000_wide_layers_are_refused_naming_sizes_and_limit(tmp_path):
    # The 269-byte file that made `trace` grow past 2.7 GB.
    tracemalloc.start()
    try:
        with pytest.raises(NetFileError) as error:
            load(tmp_path, network(1000, [1000, 1000]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value) == (
        f"{tmp_path / 'net.toml'}: layers: a 1000-1000-1000 network has 2,002,000 weights and "
        f"biases; the limit is {MAX_PARAMETERS:,}"
    )
    assert peak < 1_000_000  # refused before a weight matrix was drawn


def test_init_30000_wide_is_refused_before_allocating(tmp_path):
    with pytest.raises(
        NetFileError,
        match=f"layers\\[0\\].size: expected a whole number 1 to {MAX_UNITS:,}, got 30,000",
    ):
        load(tmp_path, network(2, [30000, 2]))
    with pytest.raises(
        NetFileError, match="inputs: expected a whole number 1 to 1,024, got 2,000,000,000"
    ):
        load(tmp_path, network(2_000_000_000, [2]))


def test_too_many_layers(tmp_path):
    with pytest.raises(NetFileError, match=f"layers: 17 layers; the limit is {MAX_LAYERS}"):
        load(tmp_path, network(2, [2] * 17))


def test_300_by_300_is_refused(tmp_path):
    with pytest.raises(NetFileError, match="300-300-300 network has 180,600"):
        load(tmp_path, network(300, [300, 300]))


def test_a_network_at_the_limits_loads(tmp_path):
    # 1024·60 + 60 + 60·10 + 10 = 62,110 weights and biases: within 65,536
    example = load(tmp_path, network(MAX_UNITS, [60, 10]))
    assert example.network.sizes == [MAX_UNITS, 60, 10]


@pytest.mark.parametrize("seed", ["-1", "4294967296", "100000000000000000000"])
def test_seed_out_of_range_is_a_named_error(tmp_path, seed):
    with pytest.raises(NetFileError, match="seed: expected a whole number"):
        load(tmp_path, network(2, [2], seed=seed))


def test_largest_seed_loads(tmp_path):
    load(tmp_path, network(2, [2], seed=str(2**32 - 1)))


def test_trace_cli_refuses_in_one_line(tmp_path, capsys):
    path = tmp_path / "net.toml"
    path.write_text(network(1000, [1000, 1000]))
    assert main(["trace", "--network", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the limit is 65,536" in err
