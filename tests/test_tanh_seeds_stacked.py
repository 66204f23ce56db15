"""tanh_seeds' runs trained in one stack, each cut at its stop: each run's losses are
`_xor_run`'s alone (train() with the stopping callback), float for float."""

from __future__ import annotations

from tutor.experiments import activations


def test_stacked_runs_stop_where_each_run_alone_stops():
    seeds, epochs, stop_below = range(5), 800, 0.2
    for hidden in ("tanh", "sigmoid"):
        reports: list[int] = []
        stacked = activations._xor_runs_until(hidden, seeds, epochs, stop_below, reports.append)
        lengths = set()
        for seed in seeds:
            alone = activations._xor_run(hidden, seed, epochs, stop_below=stop_below)["losses"]
            assert [repr(v) for v in stacked[seed]] == [repr(v) for v in alone], (hidden, seed)
            lengths.add(len(alone))
        assert len(lengths) >= 3  # runs stopping at different epochs
        assert sum(reports) == len(seeds)  # every run reported done once
    assert epochs in lengths  # and a run that never gets below
