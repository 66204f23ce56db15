"""Experiments run apart: `verify` runs the long, independent ones in a child process.

The child is this process forked (no other thread alive, Linux) or the same code started
afresh; its results must be the parent's bit for bit, and a child that fails must cost nothing
but time (the parent computes the experiment itself).
"""

from __future__ import annotations

import pickle

import pytest

from tutor.experiments import registry, two_hidden


@pytest.fixture
def fresh_cache(monkeypatch):
    """Empty results and run caches, no pending child and no planned sweep for the test (a child
    then trains what it is asked for: no run an earlier test kept; and this process trains
    `two_hidden_linear`'s runs alone, not inside the whole sweep's loop an earlier test planned:
    ~6 s of CPU); the session's come back."""
    monkeypatch.setattr(registry, "_CACHE", {})
    monkeypatch.setattr(registry, "_PENDING", {})
    monkeypatch.setattr(two_hidden, "_PLANNED", [])
    kept = [dict(runs) for runs in registry._RUN_CACHES]
    for runs in registry._RUN_CACHES:
        runs.clear()
    yield
    for runs, saved in zip(registry._RUN_CACHES, kept):
        runs.clear()
        runs.update(saved)


def test_a_child_computes_exactly_what_this_process_computes(fresh_cache, monkeypatch):
    import sys

    linux = sys.platform.startswith("linux")
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    # Forked on Linux whatever thread an earlier test of this process left alive.
    monkeypatch.setattr(registry, "_may_fork", lambda: linux)
    real = registry.get_experiment("two_hidden_linear")
    calls = []

    def counted(progress=None):  # this process's copy: the child runs the real one
        calls.append(1)
        return real.func(progress=progress)

    monkeypatch.setitem(
        registry.EXPERIMENTS,
        real.id,
        registry.Experiment(real.id, real.title, real.source, counted, real.unit, real.apart),
    )
    registry.run_apart(["two_hidden_linear", "xor_relu"])  # xor_relu is not marked apart
    assert isinstance(registry._PENDING["two_hidden_linear"], registry._ForkedChild) == linux
    assert registry.is_pending("two_hidden_linear")
    assert not registry.is_pending("xor_relu")
    from_child = registry.run_experiment("two_hidden_linear")
    assert not registry._PENDING and calls == []  # the child's result, not a fallback
    here = real.func()
    # Same keys, same values, bit for bit (pickling keeps every float's bits).
    assert pickle.dumps(from_child) == pickle.dumps(here)


def test_a_failed_child_leaves_the_work_to_this_process(fresh_cache, monkeypatch):
    _fail_in_the_child(monkeypatch, fork=True)


def test_a_failed_fresh_child_leaves_the_work_to_this_process(fresh_cache, monkeypatch):
    # Another thread alive (or not Linux): the child is a fresh interpreter.
    _fail_in_the_child(monkeypatch, fork=False)


def _fail_in_the_child(monkeypatch, fork: bool) -> None:
    import os

    here = os.getpid()
    calls = []

    def only_here(progress=None):
        if os.getpid() != here:  # a forked child knows it: it fails there
            raise RuntimeError("the child fails")
        calls.append(1)
        return {"value": 0.25}

    # Registered in this process only: a fresh child does not know it and fails.
    experiment = registry.Experiment("test_only_here", "t", "", only_here, apart=True)
    monkeypatch.setitem(registry.EXPERIMENTS, "test_only_here", experiment)
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(registry, "_may_fork", lambda: fork)
    registry.run_apart(["test_only_here"])
    assert registry.is_pending("test_only_here")
    assert registry.run_experiment("test_only_here") == {"value": 0.25}
    assert calls == [1] and not registry._PENDING


def test_a_fresh_child_computes_exactly_what_this_process_computes(fresh_cache, monkeypatch):
    # Another thread alive (or not Linux): the child is this code run afresh, not a fork.
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(registry, "_may_fork", lambda: False)
    registry.run_apart(["two_hidden_linear"])
    assert not isinstance(registry._PENDING["two_hidden_linear"], registry._ForkedChild)
    from_child = registry.run_experiment("two_hidden_linear")
    assert not registry._PENDING
    here = registry.get_experiment("two_hidden_linear").func()
    assert pickle.dumps(from_child) == pickle.dumps(here)


def test_the_child_is_forked_only_with_no_other_thread_alive():
    import sys
    import threading

    assert registry._may_fork() == sys.platform.startswith("linux")  # the test runs alone
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not registry._may_fork()
    finally:
        release.set()
        other.join()


def test_a_forked_childs_output_is_its_results_alone(fresh_cache, monkeypatch, capfd):
    # What the experiments print stays in the child; nothing but the pickle reaches the pipe.
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)

    def noisy(progress=None):
        print("to stdout")
        import sys

        print("to stderr", file=sys.stderr)
        return {"value": 0.5}

    experiment = registry.Experiment("test_noisy", "t", "", noisy, apart=True)
    monkeypatch.setitem(registry.EXPERIMENTS, "test_noisy", experiment)
    monkeypatch.setattr(registry, "_may_fork", lambda: True)
    registry.run_apart(["test_noisy"])
    assert registry.run_experiment("test_noisy") == {"value": 0.5}
    assert registry._PENDING == {}
    assert capfd.readouterr() == ("", "")


def test_nothing_starts_on_one_core_or_for_what_already_ran(fresh_cache, monkeypatch):
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 1)
    registry.run_apart(["two_hidden_linear"])
    assert not registry._PENDING
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    registry._CACHE["two_hidden_linear"] = {"done": True}
    registry.run_apart(["two_hidden_linear"])
    assert not registry._PENDING


def _child(stdin: str, raw: bool = False) -> tuple:
    """Run child_main as run_apart starts it (`python -c`, forked from the probe server of
    tests/forked_probe.py: a clean interpreter that has imported NumPy alone); (its results,
    or with `raw` its output as it is, and the experiment modules it loaded)."""
    import json

    from tests import forked_probe

    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.__stderr__.write('MODULES=' + json.dumps(sorted("
        "m for m in sys.modules if m.startswith('tutor.experiments.')))))\n"
        "from tutor.experiments.registry import child_main\nchild_main()\n"
    )
    done = forked_probe.run(probe, input=stdin.encode(), text=False, check=True)
    line = [x for x in done.stderr.decode().splitlines() if x.startswith("MODULES=")][-1]
    output = done.stdout if raw else pickle.loads(done.stdout)
    return output, json.loads(line.removeprefix("MODULES="))


def test_the_child_loads_only_the_modules_of_what_it_runs():
    # run_apart names the modules of the ids: the child imports those, not every experiment.
    results, modules = _child("neuron_by_hand\nneuron_by_hand\ntutor.experiments.neuron_by_hand")
    assert pickle.dumps(results["neuron_by_hand"]) == pickle.dumps(
        registry.get_experiment("neuron_by_hand").func()
    )
    assert "tutor.experiments.neuron_by_hand" in modules
    assert "tutor.experiments.two_hidden" not in modules  # nor the other experiments
    # An id whose module is not named is still found: the child then loads them all.
    results, modules = _child("neuron_by_hand\nneuron_by_hand\n")
    assert "neuron_by_hand" in results and "tutor.experiments.two_hidden" in modules


def test_a_childs_progress_reaches_the_parent_while_it_waits(fresh_cache, monkeypatch):
    monkeypatch.setattr(registry.os, "cpu_count", lambda: 2)
    registry.run_apart(["two_hidden_xor"], report_progress=True)
    assert registry.is_pending("two_hidden_xor")
    heard: list[tuple[str, int, int]] = []
    registry.wait_apart(lambda id, done, total: heard.append((id, done, total)))
    assert not registry._PENDING and heard
    assert {id for id, _, _ in heard} == {"two_hidden_xor"}
    dones = [done for _, done, _ in heard]
    assert dones == sorted(dones) and all(0 < done <= total for _, done, total in heard)
    # The reports come before the results, which stay this process's bit for bit.
    from_child = registry.cached_result("two_hidden_xor")
    here = registry.get_experiment("two_hidden_xor").func()
    assert pickle.dumps(from_child) == pickle.dumps(here)


def test_a_child_not_asked_for_its_progress_writes_only_its_results():
    # No terminal to draw on (verify piped): the child's output is the pickled results alone.
    results, _ = _child("neuron_by_hand\nneuron_by_hand\ntutor.experiments.neuron_by_hand")
    assert list(results) == ["neuron_by_hand"]
    # Asked (a terminal): the experiment's reports ("progress ID DONE TOTAL"), then the results.
    output, _ = _child(
        "perceptron_and\nperceptron_and\ntutor.experiments.neuron\nprogress", raw=True
    )
    head, _, body = output.partition(registry._RESULTS_FOLLOW)
    assert head.splitlines() == [b"progress perceptron_and 1 1"]
    assert pickle.dumps(pickle.loads(body)["perceptron_and"]) == pickle.dumps(
        registry.get_experiment("perceptron_and").func()
    )


def test_verify_asks_the_child_for_its_progress_only_on_a_terminal(monkeypatch, capsys):
    from tutor.cli import main, verify_cmd

    asked: list[bool] = []
    monkeypatch.setattr(
        registry, "run_apart", lambda planned, report_progress=False: asked.append(report_progress)
    )
    monkeypatch.setattr(verify_cmd, "_on_terminal", lambda: False)
    main(["verify", "--lesson", "neuron-perceptron"])
    monkeypatch.setattr(verify_cmd, "_on_terminal", lambda: True)
    main(["verify", "--lesson", "neuron-perceptron"])
    assert asked == [False, True]
    assert capsys.readouterr().err == ""  # the test's stderr is no terminal: no bar drawn
