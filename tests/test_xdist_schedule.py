"""The suite's loadgroup scheduler decides as pytest-xdist's own does (tests/xdist_schedule.py).

Both schedulers are driven through the same simulated runs — two workers finishing their tests
at random moments, a group of many tests and single tests, a worker lost mid-run — and must
send the same commands in the same order and answer `tests_finished` / `has_pending` alike
after every event.
"""

from __future__ import annotations

import heapq
import random
from types import SimpleNamespace

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

from tests.xdist_schedule import CountedLoadGroupScheduling

COLLECTION = (
    [f"tests/test_m{m}.py::test_{k}" for m in range(12) for k in range(25)]
    + [f"tests/test_e{m}.py::test_{k}@experiments" for m in range(4) for k in range(20)]
    + [f"tests/test_b.py::test_{k}@browser" for k in range(2)]
    + [f"tests/test_p.py::test_x[a@b-{k}]" for k in range(5)]  # '@' inside a parameter
)


class _Config:
    option = SimpleNamespace(loadscopereorder=True)

    def getvalue(self, name: str) -> list[str]:
        assert name == "tx"
        return ["2*popen"]


class _Worker:
    def __init__(self, name: str, sent: list) -> None:
        self.name, self.sent, self.queue = name, sent, []
        self.shutting_down = False
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indices) -> None:
        self.sent.append((self.name, "runtests", list(indices)))
        self.queue.extend(indices)

    def shutdown(self) -> None:
        self.sent.append((self.name, "shutdown"))
        self.shutting_down = True


def _run(scheduler_class, seed: int, lose_worker_at: int | None) -> list:
    """Every command and answer of one simulated run."""
    events: list = []
    scheduler = scheduler_class(_Config(), Producer("test", enabled=False))
    workers = [_Worker("gw0", events), _Worker("gw1", events)]
    for worker in workers:
        scheduler.add_node(worker)
    for worker in workers:
        scheduler.add_node_collection(worker, list(COLLECTION))
    scheduler.schedule()
    rng = random.Random(seed)
    clock = [(0.0, 0), (0.0, 1)]
    done = 0
    for _ in range(20 * len(COLLECTION)):  # ample; a run with a lost worker may never end
        if scheduler.tests_finished:
            break
        now, k = heapq.heappop(clock)
        worker = workers[k]
        if done == lose_worker_at:
            events.append(("lost", worker.name, scheduler.remove_node(worker)))
            lose_worker_at = None
            continue  # that worker takes no further part
        if worker.queue:
            scheduler.mark_test_complete(worker, worker.queue.pop(0))
            done += 1
            events.append((scheduler.tests_finished, scheduler.has_pending))
        heapq.heappush(clock, (now + rng.expovariate(1.0), k))
    events.append(("end", scheduler.tests_finished, scheduler.has_pending))
    return events


@pytest.mark.parametrize("lose_worker_at", [None, 7, 150])
@pytest.mark.parametrize("seed", range(4))
def test_same_commands_as_xdists_scheduler(seed, lose_worker_at):
    ours = _run(CountedLoadGroupScheduling, seed, lose_worker_at)
    assert ours == _run(LoadGroupScheduling, seed, lose_worker_at)
    ran = [i for event in ours if event[1:2] == ("runtests",) for i in event[2]]
    if lose_worker_at is None:
        assert sorted(ran) == list(range(len(COLLECTION)))  # each test once
        assert ours[-1][:2] == ("end", True)
    else:  # the worker lost held a running test, given back to the queue
        assert any(event[0] == "lost" and event[2] for event in ours)
