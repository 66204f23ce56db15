"""Seed 002's lab report (002_ee2b744f5dca3dac.txt), its training loop reproduced literally.

The report's `network()`/`network_()` train two sigmoid hidden layers with binary
cross-entropy by full-batch gradient descent and stop at 100 % accuracy. Its tables of
"epochs to 100 %" are figures of THIS arithmetic, so the loop below is the report's own, not
the engine's (`tutor.engine.training.train`). Why the engine cannot stand in
(tests/test_notebook_arithmetic.py shows each on the report's own runs):

- The report's BCE is unclipped and its gradient is (ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ): once a
  sigmoid output rounds to exactly 1.0 or 0.0 the loss is log 0 and the gradient 0/0, every
  weight turns NaN, and the cell prints 50000 (the maximum) — the linear hidden-units table's
  h = 5 cells. The engine clips ŷ to [1e−12, 1 − 1e−12] (the fix the tutor teaches; it must
  not be unfixed to match a published number), stays finite and reaches 100 %.
- The report's σ is 1/(1 + e^−z) for every z; the engine's is e^z/(1 + e^z) for z < 0
  (overflow-free), which rounds differently in the last bit. The XOR runs are chaotic
  (accuracy jumps 0.52 ↔ 0.86) and last-bit differences change their stop epoch.

Experiments (`tutor.experiments.two_hidden`) build the networks and data with the engine
(`build`, the report's seeding order) and train them here.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.engine import Network
from tutor.experiments.notebooks.ufunc_constants import ONE, constant
from tutor.progress import Progress, check_progress

_add_reduce = np.add.reduce  # np.sum without its Python-level dispatch (the same reduction)


_HALF = constant(0.5)
_ZERO = constant(0.0)


_LINE = 8  # float64 values in a 64-byte cache line


def _aligned_zeros(size: int) -> np.ndarray:
    """np.zeros(size) starting on a 64-byte boundary. NumPy's own arrays start on 16 bytes:
    an element-wise call on arrays that start mid-line loads vectors across cache lines and
    takes up to ~2× as long on these buffers (same numbers either way)."""
    spare = np.zeros(size + _LINE)
    skip = (-spare.ctypes.data % 64) // 8
    return spare[skip : skip + size]


@dataclass
class Run:
    """One call of the report's network(): its printed log and how it ended."""

    epochs: int  # the epoch printed last: where accuracy hit 1.0, or the maximum
    reached: bool
    log: list[tuple[int, float, float]]  # (epoch, accuracy, loss) every 100 epochs and at the stop
    nan_epoch: int | None  # first logged epoch (every 100) whose loss was NaN: ŷ hit 0 or 1
    predictions: np.ndarray  # ŷ of the last forward pass
    network: Network | None = None  # trained, with the weights of the epoch it stopped
    data: tuple[np.ndarray, np.ndarray] | None = None


class _Stacks:
    """Runs in training, in stacks of one layer and data size each, and one epoch's buffers.

    Every element-wise step of an epoch is ONE NumPy call over a flat buffer holding all
    stacks (a run's numbers are its own: element-wise arithmetic does not depend on the
    neighbours); only the matrix products go stack by stack, each run's slice as alone.
    σ is the report's f(x) = 1/(1 + e^−x) (exp may overflow to inf: σ = 0, as in the report).
    The weights are kept NEGATED (−W): x @ (−W) = −(x @ W) bit for bit (IEEE rounding is
    symmetric), so the forward pass needs no negation before exp, and every other product or
    update involving −W is the report's own operation with its sign flipped exactly.
    """

    def __init__(self, stacks: list[dict]):
        # A stack: runs (caller's run ids), x, y, lr (count, 1, 1), w1, w2, w3 (negated), active.
        self.stacks = stacks
        self.runs = np.concatenate([st["runs"] for st in stacks] or [np.zeros(0, dtype=int)])
        self.active = np.concatenate([st["active"] for st in stacks] or [np.zeros(0, dtype=bool)])
        if not stacks:
            return
        shapes = {
            "hidden1": [(len(st["runs"]), st["x"].shape[1], st["w1"].shape[2]) for st in stacks],
            "hidden2": [(len(st["runs"]), st["x"].shape[1], st["w2"].shape[2]) for st in stacks],
            "out": [(len(st["runs"]), st["x"].shape[1], 1) for st in stacks],
            "out_padded": [(len(st["runs"]), st["x"].shape[1], 2) for st in stacks],
            "w1": [st["w1"].shape for st in stacks],
            "w2": [st["w2"].shape for st in stacks],
            "w3t_padded": [(len(st["runs"]), 2, st["w3"].shape[1]) for st in stacks],
        }
        # Buffers that element-wise steps treat together share one flat array: every layer's
        # output (σ′ = a(1 − a) of both hidden layers and the output's ŷ(1 − ŷ) are one
        # call), and the three weight families (lr·grad and the update are one call each; the
        # w2 family's lr is stored as −lr, see below).
        buffers = {
            "A": [("hidden1", "a1"), ("hidden2", "a2"), ("out", "yh")],
            "S": [("hidden1", "s1"), ("hidden2", "s2"), ("out", "d3")],
            "G": [("hidden1", "g1"), ("hidden2", "g2")],
            "dz3": [("out", "dz3")],
            "Z": [("out_padded", "z3")],
            "y": [("out", "y")],
            "W": [("w1", "w1"), ("w2", "w2"), ("w3t_padded", "w3")],
            "GW": [("w1", "gw1"), ("w2", "gw2"), ("w3t_padded", "gw3")],
            "LR": [("w1", "lr1"), ("w2", "lr2"), ("w3t_padded", "lr3")],
        }
        lr_sign = {"lr1": 1.0, "lr2": -1.0, "lr3": 1.0}
        self.flat: dict[str, np.ndarray] = {}
        for buffer, parts in buffers.items():
            sizes = {family: [math.prod(shape) for shape in shapes[family]] for family, _ in parts}
            # Each region starts on a 64-byte boundary (see _aligned_zeros); the few doubles
            # between regions stay 0 and are never read.
            spans = [_LINE * -(-sum(sizes[family]) // _LINE) for family, _ in parts]
            whole = _aligned_zeros(sum(spans))
            self.flat[buffer] = whole
            start = 0
            for (family, name), span in zip(parts, spans):
                region = whole[start : start + sum(sizes[family])]
                self.flat[name] = region
                start += span
                at = 0
                for st, shape, size in zip(stacks, shapes[family], sizes[family]):
                    view = region[at : at + size].reshape(shape)
                    if family == "w3t_padded":
                        # Row 0 of each run's (2, h) block holds w3ᵀ, row 1 zeros (lr·0 = 0
                        # keeps them 0): the outer product's right operand (see z3 below).
                        # w3, gw3 and lr3 themselves are (n, h, 1) views of row 0.
                        st[name + "t_padded"] = view
                        if name == "w3":
                            view[:, 0, :] = st["w3"][:, :, 0]
                        view = view[:, :1, :].transpose(0, 2, 1)
                    if name in ("w1", "w2", "y"):
                        view[...] = st[name]
                    elif name in lr_sign:
                        view[...] = lr_sign[name] * st["lr"]  # −lr: exact
                    st[name] = view
                    at += size
        self.y_is_1 = self.flat["y"] == 1
        self.above = np.empty(self.flat["y"].shape, dtype=bool)
        self.run_samples = [n for shape in shapes["out"] for n in [shape[1]] * shape[0]]
        self.run_starts = np.concatenate([[0], np.cumsum(self.run_samples)[:-1]]).astype(np.intp)
        for st in stacks:
            st["xT"] = st["x"].transpose(0, 2, 1)
            for name in ("a1", "a2"):
                st[name + "T"] = st[name].transpose(0, 2, 1)
        # w2ᵀ of every run, C-contiguous, gathered from W by one `take` an epoch (in
        # backward_and_update). NumPy hands g2 @ (a transposed view of w2) to OpenBLAS as a
        # "TN" product, which its small-matrix kernels refuse for K < 32: it goes through
        # the general path (buffer lock, packing, zeroing: ~0.2 µs more per run, ~6 % of
        # the sweep). On a contiguous w2ᵀ the product is "NN", a small-matrix kernel, with
        # the same bits once + 0 turns its −0 sums into +0 (see backward_and_update).
        w_flat, index = self.flat["W"], []
        for st in stacks:
            first = (st["w2"].ctypes.data - w_flat.ctypes.data) // w_flat.itemsize
            places = first + np.arange(st["w2"].size).reshape(st["w2"].shape)
            index.append(places.transpose(0, 2, 1).ravel())
        self.w2_index = np.concatenate(index)
        self.w2t_flat = _aligned_zeros(self.w2_index.size)
        self.w2_take = w_flat.take
        at = 0
        for st in stacks:
            count, h1, h2 = st["w2"].shape
            st["w2T"] = self.w2t_flat[at : at + count * h1 * h2].reshape(count, h2, h1)
            at += count * h1 * h2
        self.matched = np.empty(len(self.runs), dtype=bool)

        # Each matrix product of an epoch as (left, right, out) per stack, looked up once here
        # rather than in every epoch's dicts (the same calls in the same order; ~1–2 % of the
        # 50,000-epoch sweep, benchmarks/RESULTS.md, seventh pass).
        def products(*names: tuple[str, str, str]) -> list[tuple[np.ndarray, ...]]:
            return [(st[a], st[b], st[out]) for st in stacks for a, b, out in names]

        self.forward_products = [
            (products((source, weights, target)), self.flat[target])
            for source, weights, target in (
                ("x", "w1", "a1"),
                ("a1", "w2", "a2"),
                ("a2", "w3", "yh"),
            )
        ]
        f = self.flat
        self.accuracy_operands = (f["yh"], self.y_is_1, self.above, self.matched)
        names = ("A", "S", "yh", "y", "d3", "dz3", "g2", "s2", "g1", "s1", "LR", "GW", "W")
        self.backward_operands = tuple(f[name] for name in names)
        # dz3 ⊗ w3ᵀ, the −δ of layer 2 before σ′, as [dz3, 0] @ [w3ᵀ; 0]: NumPy multiplies
        # the K = 1 product in its own loop (0 + d·w, ~2 ns an element); the K = 2 one goes to
        # OpenBLAS's small-matrix kernel, 1.5-2.5× faster on these stacks, and gives the same
        # bits: fma(d, w, 0) then + 0·0, i.e. d·w rounded once, −0 turned +0 by the + 0
        # (tests/test_two_hidden_products.py compares both on every shape). z3 holds dz3 in
        # column 0 (copied there each epoch: the weight gradient a2ᵀ dz3 keeps the contiguous
        # dz3, as OpenBLAS's gemv sums otherwise for a strided vector) and zeros in column 1.
        self.z3_column = self.flat["z3"][::2]
        self.back_out = products(("z3", "w3t_padded", "g2"))
        self.back_hidden = products(("g2", "w2T", "g1"))
        self.weight_grads = products(
            ("a2T", "dz3", "gw3"), ("a1T", "g2", "gw2"), ("xT", "g1", "gw1")
        )

    def where(self, k: int) -> tuple[dict, int]:
        """The stack holding the k-th run (in self.runs order) and its index there."""
        for st in self.stacks:
            if k < len(st["runs"]):
                return st, k
            k -= len(st["runs"])
        raise IndexError(k)

    def without(self, gone: np.ndarray) -> _Stacks:
        """The same runs minus those where `gone` is True (each run's numbers unchanged)."""
        stacks, start = [], 0
        for st in self.stacks:
            count = len(st["runs"])
            keep = np.flatnonzero(~gone[start : start + count])
            active = self.active[start : start + count][keep]
            start += count
            if len(keep):
                stacks.append(
                    {
                        "runs": st["runs"][keep],
                        "active": active,
                        "x": st["x"][keep],
                        "y": st["y"][keep],
                        "lr": st["lr1"][keep][:, :1, :1],  # lr1 holds +lr
                        "w1": st["w1"][keep],
                        "w2": st["w2"][keep],
                        "w3": st["w3"][keep],
                    }
                )
        return _Stacks(stacks)

    def forward(self) -> bool:
        """ŷ of every run; True if some run classifies every sample right (round(ŷ) == y)."""
        mm, exp, add, div, one = np.matmul, np.exp, np.add, np.divide, ONE
        for products, t in self.forward_products:
            for left, right, out in products:
                mm(left, right, out)  # −z
            exp(t, t)
            add(t, one, t)
            div(one, t, t)
        # round() sends 0.5 to 0, so class 1 means ŷ > 0.5; NaN compares False.
        yh, y_is_1, above, matched = self.accuracy_operands
        np.greater(yh, _HALF, above)
        np.equal(above, y_is_1, above)
        np.logical_and.reduceat(above, self.run_starts, out=matched)
        return bool(np.count_nonzero(matched))  # a C call: ndarray.any() goes through Python

    def logged(self, ks: list[int]) -> list[tuple[float, float]]:
        """(accuracy, loss) of the k-th runs' last forward pass, as the report prints them.

        Per run: np.mean(np.round(ŷ) == y) and np.sum(−y log ŷ − (1 − y) log(1 − ŷ)). The
        element-wise steps run once over the samples from the first run in `ks` (ascending) to
        the last (each number is its own run's, wherever it is computed); the loss of a run is
        then its terms summed as np.sum adds them (one contiguous reduction), the accuracy its
        count of matches over its samples (np.mean's sum of 0s and 1s is that exact count,
        divided by the number of samples).
        """
        first = int(self.run_starts[ks[0]])
        last = int(self.run_starts[ks[-1]]) + self.run_samples[ks[-1]]
        if len(ks) > 1 and last - first > 2 * sum(self.run_samples[k] for k in ks):
            return [figure for k in ks for figure in self.logged([k])]  # few, far apart
        p, t = self.flat["yh"][first:last], self.flat["y"][first:last]
        terms = -t * np.log(p) - (1 - t) * np.log(1 - p)
        right = np.round(p) == t
        figures = []
        for k in ks:
            start = int(self.run_starts[k]) - first
            end = start + self.run_samples[k]
            count = int(np.count_nonzero(right[start:end]))
            figures.append((count / (end - start), float(_add_reduce(terms[start:end]))))
        return figures

    def backward_and_update(self) -> None:
        """The report's gradients (unclipped) and w ← w − lr·grad, on the negated weights."""
        mm, sub, mul, div, add = np.matmul, np.subtract, np.multiply, np.divide, np.add
        A, S, yh, y, d3, dz3, g2, s2, g1, s1, LR, GW, W = self.backward_operands
        self.w2_take(self.w2_index, None, self.w2t_flat, "clip")  # w2ᵀ (clip: no buffering)
        sub(ONE, A, S)
        mul(A, S, S)  # σ′ = a(1 − a) of both hidden layers, and ŷ(1 − ŷ)
        sub(yh, y, dz3)
        div(dz3, d3, dz3)
        mul(dz3, d3, dz3)  # dz3 = (ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ), as the report
        np.positive(dz3, self.z3_column)
        for left, right, out in self.back_out:
            mm(left, right, out)
        mul(g2, s2, g2)  # −dz2
        for left, right, out in self.back_hidden:
            mm(left, right, out)
        # + 0: the report's dz2 @ w2.T (OpenBLAS's general path) adds each sum to a zeroed
        # C, so a sum of zeros comes out +0; the small-matrix kernel may give −0. Every other
        # bit is the same (tests/test_two_hidden_products.py).
        add(g1, _ZERO, g1)
        mul(g1, s1, g1)  # dz1 (−dz2 times −W2)
        for left, right, out in self.weight_grads:  # a2ᵀdz3, a1ᵀ(−dz2), xᵀdz1
            mm(left, right, out)
        # −w3 + lr·a2ᵀdz3, −w2 + (−lr)·a1ᵀ(−dz2) = −w2 − lr·a1ᵀ(−dz2), −w1 + lr·xᵀdz1: the
        # report's w − lr·grad on the negated weights (a + (−b) is a − b in IEEE arithmetic).
        mul(LR, GW, GW)
        add(W, GW, W)


def train_report(
    setups: list[tuple[Network, np.ndarray, np.ndarray]],
    lrs: list[float],
    max_epochs: int | Sequence[int],
    log_every: int | Sequence[int] = 100,
    progress: Progress | None = None,
) -> list[Run]:
    """The report's loop for several independent runs at once, stacked.

    Per run: forward, loss and accuracy, backward, w ← w − lr·grad, stop when accuracy hits
    1.0. Loss Σ −y log ŷ − (1−y) log(1−ŷ) (a SUM over samples); gradients as the report's
    formulas, unclipped (a saturated ŷ gives 0/0 = NaN, as in the report); accuracy counts
    round(ŷ) == y; the printed epoch is 1-based. Stacking only saves Python overhead: each
    run's arithmetic is its own (checked against a single-run loop in the tests), and a run
    that reached 100 % or its last epoch leaves the stack. Runs of different layer or data
    sizes may be mixed, and so may their epoch limits and log intervals (`max_epochs` and
    `log_every`: one for all, or one per run; progress is reported every `max(log_every)`
    epochs). Trains the networks in place (each keeps its weights from the epoch it stopped).
    """
    nets = [net for net, _, _ in setups]
    count = len(nets)
    limits = _per_run(max_epochs, count)
    intervals = _per_run(log_every, count)
    loop_epochs = int(limits.max()) if count else 0
    progress_every = int(intervals.max()) if count else 1
    by_shape: dict[tuple, list[int]] = {}
    for k, (net, x, _) in enumerate(setups):
        by_shape.setdefault((x.shape, *(layer.W.shape for layer in net.layers)), []).append(k)
    stacks = _Stacks(
        [
            {
                "runs": np.array(ks),
                "active": np.ones(len(ks), dtype=bool),
                "x": np.stack([setups[k][1] for k in ks]).astype(float),
                "y": np.stack([setups[k][2] for k in ks]).astype(float),
                "lr": np.array([lrs[k] for k in ks], dtype=float).reshape(-1, 1, 1),
                **{f"w{i + 1}": -np.stack([nets[k].layers[i].W for k in ks]) for i in range(3)},
            }
            for ks in by_shape.values()
        ]
    )
    logs: list[list[tuple[int, float, float]]] = [[] for _ in nets]
    ends = limits.tolist()
    reached = [False] * count
    nan_epochs: list[int | None] = [None] * count
    predictions: list[np.ndarray | None] = [None] * count

    def store(stacks: _Stacks, k: int) -> None:
        st, b = stacks.where(k)
        for i, layer in enumerate(nets[st["runs"][b]].layers):
            layer.W[...] = -st[f"w{i + 1}"][b]

    with np.errstate(all="ignore"):
        schedule = _Schedule(stacks.runs, limits, intervals)
        next_event = schedule.next_event(1)  # the next epoch at which some run logs or ends
        for epoch in range(1, loop_epochs + 1):
            some_match = stacks.forward()
            event = epoch == next_event
            gone = None  # runs that leave the stack after this epoch's update
            if event or some_match:
                logging = event and schedule.logs(epoch)
                ending = event and epoch in schedule.ends
                active = stacks.active
                hit = stacks.matched & active
                gone = hit.copy()
                due = schedule.shown(epoch, active, hit) if logging else active & hit
                shown = np.flatnonzero(due).tolist()
                for k, (accuracy, loss) in zip(shown, stacks.logged(shown) if shown else ()):
                    run = stacks.runs[k]
                    logs[run].append((epoch, accuracy, loss))
                    if math.isnan(loss) and nan_epochs[run] is None:
                        # The report's run goes on to max_epochs in vain: a NaN loss means a
                        # NaN δ of the output (log 0·0 or 0/0), so this epoch's update makes
                        # every weight NaN, and NaN weights stay NaN. The run leaves the stack
                        # with them; its printed figures are all known now.
                        nan_epochs[run] = epoch
                        active[k] = False
                        gone[k] = True
                        st, b = stacks.where(k)
                        predictions[run] = st["yh"][b].copy()
                for k in np.flatnonzero(hit).tolist():
                    st, b = stacks.where(k)
                    run = stacks.runs[k]
                    ends[run], reached[run] = epoch, True
                    predictions[run] = st["yh"][b].copy()
                if ending:  # runs at their last epoch leave after its update, as their loop ends
                    for k in np.flatnonzero(active & ~gone & (schedule.limits == epoch)).tolist():
                        st, b = stacks.where(k)
                        predictions[stacks.runs[k]] = st["yh"][b].copy()
                        gone[k] = True
                if not gone.any():
                    gone = None
            stacks.backward_and_update()
            if gone is not None:
                # A finished run keeps the weights of this epoch's update and leaves the stack.
                for k in np.flatnonzero(gone).tolist():
                    store(stacks, k)
                stacks = stacks.without(gone)
                schedule = _Schedule(stacks.runs, limits, intervals)
            if event or gone is not None:
                next_event = schedule.next_event(epoch + 1)
            if epoch % progress_every == 0:
                check_progress(progress, epoch, loop_epochs, None)
            if gone is not None and not stacks.active.any():  # the last runs just left
                break
    for k, run in enumerate(stacks.runs):
        store(stacks, k)
        if predictions[run] is None:
            st, b = stacks.where(k)
            predictions[run] = st["yh"][b].copy()
    final = [p for p in predictions if p is not None]
    assert len(final) == count, "every run's last forward pass is kept"
    return [
        Run(ends[b], reached[b], logs[b], nan_epochs[b], final[b], nets[b], setups[b][1:])
        for b in range(count)
    ]


def _per_run(value: int | Sequence[int], count: int) -> np.ndarray:
    """One positive int per run: `value` for all, or `value` itself (one per run)."""
    values = np.full(count, value, dtype=np.int64) if isinstance(value, int) else np.array(value)
    if values.shape != (count,) or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"{count} runs need one epoch count or {count}, got {value!r}")
    if count and values.min() < 1:
        raise ValueError(f"epoch counts must be ≥ 1, got {value!r}")
    return values.astype(np.int64)


class _Schedule:
    """When the runs in a stack (`runs`, in its order) log and end: their intervals and limits."""

    def __init__(self, runs: np.ndarray, limits: np.ndarray, intervals: np.ndarray) -> None:
        self.limits = limits[runs]
        self.intervals = intervals[runs]
        self.every = sorted(set(self.intervals.tolist()))  # the distinct intervals
        self.ends = sorted(set(self.limits.tolist()))
        self.one = self.every[0] if len(self.every) == 1 else 0  # the interval, if only one

    def next_event(self, epoch: int) -> int | float:
        """The first epoch from `epoch` on at which some run logs or ends (inf: none left)."""
        left = bisect.bisect_left(self.ends, epoch)
        end = self.ends[left] if left < len(self.ends) else math.inf
        if self.one:
            return min(end, -(-epoch // self.one) * self.one)
        return min([end, *(-(-epoch // every) * every for every in self.every)])

    def logs(self, epoch: int) -> bool:
        """Whether some run logs at `epoch`."""
        if self.one:
            return epoch % self.one == 0
        return any(epoch % every == 0 for every in self.every)

    def shown(self, epoch: int, active: np.ndarray, hit: np.ndarray) -> np.ndarray:
        """The runs that log at `epoch` (a logging epoch): those due, and those that hit 100 %."""
        if self.one:  # one interval: every run
            return active
        return active & (hit | (epoch % self.intervals == 0))
