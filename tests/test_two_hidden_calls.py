"""Runs of the report's loop with their own epoch limits and log intervals, trained together.

`train_report` takes one epoch limit and one log interval per run, so that the 3.A logs' runs
(10,000 epochs, logged every epoch) train in the sweeps' stacks (50,000 epochs, every 100).
Each run must come out as the report's loop gives it alone: every log line (repr, so NaN
losses compare too), the stop, the NaN epoch, the last forward pass and the weights, bit for
bit. The tests compare both ways on the lessons' shapes and on random mixes of limits and
intervals, NaN runs and runs that stop early among them.
"""

from __future__ import annotations

import numpy as np
import pytest

from tutor.experiments import two_hidden as th
from tutor.experiments.notebooks.two_hidden_lab import Run, train_report


def _assert_same_run(together: Run, alone: Run) -> None:
    assert (together.epochs, together.reached, together.nan_epoch) == (
        alone.epochs,
        alone.reached,
        alone.nan_epoch,
    )
    assert repr(together.log) == repr(alone.log)
    assert together.predictions.tobytes() == alone.predictions.tobytes()
    assert together.network is not None and alone.network is not None
    for mixed, lone in zip(together.network.layers, alone.network.layers):
        assert mixed.W.tobytes() == lone.W.tobytes()


def _setup(call: th.Call):
    distribution, (_, h, seed, previous), _, _ = call
    return th.sweep_setup(distribution, h, seed, previous)


def _alone(call: th.Call) -> Run:
    _, (lr, *_), epochs, every = call
    return train_report([_setup(call)], [lr], epochs, log_every=every)[0]


def _together(calls: list[th.Call]) -> list[Run]:
    return train_report(
        [_setup(c) for c in calls],
        [c[1][0] for c in calls],
        [c[2] for c in calls],
        [c[3] for c in calls],
    )


def test_each_run_with_its_own_limit_and_interval_is_the_run_alone():
    calls: list[th.Call] = [
        ("XOR", (0.1, 3, 0, None), 400, 1),  # the 3.A XOR run, cut short
        ("XOR", (0.1, 3, 0, None), 600, 100),  # the same network, other limit and interval
        ("linear", (0.1, 2, 0, (0, 2)), 300, 7),  # stops at 100 % before its limit
        ("linear", (0.01, 2, 0, (0, 3)), 250, 50),
        ("XOR", (0.5, 2, 3, None), 333, 10),
    ]
    for call, run in zip(calls, _together(calls)):
        _assert_same_run(run, _alone(call))
    assert _together(calls)[2].reached, "one run stops at 100 % inside the loop"


def test_a_nan_run_among_runs_with_other_limits_is_the_run_alone():
    """Linear h = 5, seed 4, lr 0.1: its loss turns NaN by epoch 2600 (the report's crash)."""
    calls: list[th.Call] = [
        ("linear", (0.1, 5, 4, (4, 3)), 2700, 100),
        ("linear", (0.1, 5, 3, (3, 3)), 40, 3),
        ("XOR", (0.05, 3, 2, None), 2650, 25),
    ]
    runs = _together(calls)
    assert runs[0].nan_epoch == 2600
    for call, run in zip(calls, runs):
        _assert_same_run(run, _alone(call))


@pytest.mark.parametrize("seed", range(6))
def test_random_mixes_of_limits_and_intervals(seed):
    rng = np.random.default_rng(seed)
    calls: list[th.Call] = []
    for _ in range(int(rng.integers(2, 7))):
        distribution = str(rng.choice(["XOR", "linear"]))
        h, s = int(rng.choice([2, 3, 5])), int(rng.integers(0, 5))
        previous = (
            None if distribution == "XOR" else (int(rng.integers(0, 5)), int(rng.choice([2, 3])))
        )
        lr = float(rng.choice([0.5, 0.1, 0.05, 0.01]))
        calls.append(
            (
                distribution,
                (lr, h, s, previous),
                int(rng.integers(1, 260)),
                int(rng.integers(1, 120)),
            )
        )
    for call, run in zip(calls, _together(calls)):
        _assert_same_run(run, _alone(call))


def test_one_limit_and_interval_for_all_is_the_same_as_one_each():
    calls: list[th.Call] = [("XOR", (0.1, 3, s, None), 150, 20) for s in range(3)]
    setups = [_setup(c) for c in calls]
    runs = train_report(setups, [0.1] * 3, 150, log_every=20)
    for call, run in zip(calls, runs):
        _assert_same_run(run, _alone(call))


@pytest.mark.parametrize("limits", [[10, 0], [10], [10.0, 10.0]])
def test_a_limit_per_run_must_be_a_positive_int_for_each(limits):
    calls = [("XOR", (0.1, 3, s, None), 10, 1) for s in range(2)]
    with pytest.raises(ValueError):
        train_report([_setup(c) for c in calls], [0.1, 0.1], limits)


@pytest.mark.parametrize("experiment_id", sorted(th.LOG_RUNS))
def test_the_log_runs_are_the_3a_calls_of_setup(experiment_id):
    """setup(d, h, h, 0), the report's network(), builds what sweep_setup builds for the call."""
    distribution, (_, h, seed, _), _, every = th.LOG_RUNS[experiment_id][0]
    assert every == 1
    net, x, y = th.setup(distribution, h, h, seed)
    net2, x2, y2 = _setup(th.LOG_RUNS[experiment_id][0])
    assert x.tobytes() == x2.tobytes() and y.tobytes() == y2.tobytes()
    for a, b in zip(net.layers, net2.layers):
        assert a.W.tobytes() == b.W.tobytes()


def test_planned_with_a_table_the_log_runs_join_the_sweeps_calls(monkeypatch):
    monkeypatch.setattr(th, "_PLANNED", [])
    th._plan_sweep_cells({"two_hidden_xor", "two_hidden_sweep_lr_xor"})
    assert th.LOG_RUNS["two_hidden_xor"][0] in th._PLANNED
    assert th.LOG_RUNS["two_hidden_linear"][0] not in th._PLANNED
    assert th.sweep_call("XOR", (0.5, 3, 0, None)) in th._PLANNED
    th._plan_sweep_cells({"two_hidden_linear"})
    assert th._PLANNED == th.LOG_RUNS["two_hidden_linear"]
