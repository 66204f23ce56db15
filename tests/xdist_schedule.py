"""pytest-xdist's `--dist loadgroup` scheduler, with its bookkeeping kept as counts.

Under `loadgroup` every test outside an `xdist_group` is a work unit of its own (the suite has
~1,700), and xdist's scheduler in the controller recounts, at each finished test, every test
ever assigned to that worker (`_pending_of`: one pass over all its units, the experiments
group's ~600 tests included), and finds each newly assigned test's index by a linear
`list.index` over the collection. Both grow with the suite: over 2,300 tests, ~1.4 million
steps in the controller, which shares the two cores with the workers.

`CountedLoadGroupScheduling` makes the same decisions in the same order — the same units, to
the same workers, at the same moments, the same messages — from a running count of each
worker's pending tests and a nodeid → index table built once. Only the controller's
arithmetic changes; which test runs where, and every test, is xdist's. A crashed worker
(`remove_node`) is left to xdist's own code, its count dropped with it.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling


class CountedLoadGroupScheduling(LoadGroupScheduling):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[object, int] = {}  # worker → its assigned tests not yet finished
        self._indexes: dict[object, dict[str, int]] = {}  # worker → nodeid → first index

    @property
    def tests_finished(self) -> bool:
        if not self.collection_is_completed or self.workqueue:
            return False
        return all(self._pending[node] < 2 for node in self.assigned_work)

    @property
    def has_pending(self) -> bool:
        return bool(self.workqueue) or any(self._pending[node] for node in self.assigned_work)

    def add_node(self, node) -> None:
        super().add_node(node)
        self._pending[node] = 0

    def remove_node(self, node):
        self._pending.pop(node, None)
        self._indexes.pop(node, None)
        return super().remove_node(node)

    def mark_test_complete(self, node, item_index: int, duration: float = 0) -> None:
        nodeid = self.registered_collections[node][item_index]
        unit = self.assigned_work[node][self._split_scope(nodeid)]
        if not unit[nodeid]:
            self._pending[node] -= 1
        unit[nodeid] = True
        self._reschedule(node)

    def _assign_work_unit(self, node) -> None:
        assert self.workqueue
        scope, work_unit = self.workqueue.popitem(last=False)
        self.assigned_work.setdefault(node, {})[scope] = work_unit
        indexes = self._indexes.get(node)
        if indexes is None:
            indexes = {}
            for index, nodeid in enumerate(self.registered_collections[node]):
                indexes.setdefault(nodeid, index)  # list.index's answer: the first
            self._indexes[node] = indexes
        nodeids_indexes = [
            indexes[nodeid] for nodeid, completed in work_unit.items() if not completed
        ]
        self._pending[node] += len(nodeids_indexes)
        node.send_runtest_some(nodeids_indexes)

    def _reschedule(self, node) -> None:
        # xdist's `_reschedule`, with the count in place of `_pending_of(assigned_work[node])`.
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        self.log("Number of units waiting for node:", len(self.workqueue))
        if self._pending[node] > 2:
            return
        self._assign_work_unit(node)
