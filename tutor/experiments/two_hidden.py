"""Seed 002: two sigmoid hidden layers, BCE, full-batch GD, early stop at 100 % accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.engine import Init, Network, apply_update, build, get_activation, get_loss
from tutor.experiments.registry import Progress, check_progress, experiment

SOURCE = "002_ee2b744f5dca3dac.txt"
MAX_EPOCHS = 50_000


def generate_xor_easy() -> tuple[np.ndarray, np.ndarray]:
    """The lab's 21 points: (0.1i, 0.1i) → 0 and, except at i = 5, (0.1i, 1 − 0.1i) → 1."""
    inputs, labels = [], []
    for i in range(11):
        inputs.append([0.1 * i, 0.1 * i])
        labels.append(0)
        if 0.1 * i == 0.5:
            continue
        inputs.append([0.1 * i, 1 - 0.1 * i])
        labels.append(1)
    return np.array(inputs), np.array(labels).reshape(21, 1)


def generate_linear(rng: np.random.RandomState, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The lab's n points uniform in [0, 1)²: label 0 if x1 > x2, else 1."""
    pts = rng.uniform(0, 1, (n, 2))
    labels = [0 if pt[0] > pt[1] else 1 for pt in pts]
    return pts, np.array(labels).reshape(n, 1)


def setup(distribution: str, h1: int, h2: int, seed: int) -> tuple[Network, np.ndarray, np.ndarray]:
    """np.random.seed(seed); w1, w2, w3 = rand(...); THEN the data (linear data uses the stream)."""
    rng = np.random.RandomState(seed)  # the report's np.random.seed(99999) is overwritten at once
    net = build([2, h1, h2, 1], ["sigmoid"] * 3, Init("rand"), rng=rng, bias_mode="none")
    x, y = generate_xor_easy() if distribution == "XOR" else generate_linear(rng)
    return net, x, y


Previous = tuple[int, int] | None  # (seed, h) of the call before, which left the global stream


def sweep_setup(
    distribution: str, h: int, seed: int, previous: Previous
) -> tuple[Network, np.ndarray, np.ndarray]:
    """The sweeps' network_(): data FIRST, from the global stream as the previous call left it.

    Then np.random.seed(seed) and the weights. After a call the stream stands at
    seed(s) + that call's weight draws, so the data depend on the previous call's seed and h.
    """
    if distribution == "XOR":
        x, y = generate_xor_easy()
    else:
        if previous is None:
            raise ValueError("the linear sweep's data need the previous call's (seed, h)")
        prev_seed, prev_h = previous
        stream = np.random.RandomState(prev_seed)
        build([2, prev_h, prev_h, 1], ["sigmoid"] * 3, Init("rand"), rng=stream, bias_mode="none")
        x, y = generate_linear(stream)
    rng = np.random.RandomState(seed)
    net = build([2, h, h, 1], ["sigmoid"] * 3, Init("rand"), rng=rng, bias_mode="none")
    return net, x, y


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
            "w1": [st["w1"].shape for st in stacks],
            "w2": [st["w2"].shape for st in stacks],
            "w3": [st["w3"].shape for st in stacks],
        }
        roles = {
            "hidden1": ("a1", "s1", "g1"),
            "hidden2": ("a2", "s2", "g2"),
            "out": ("yh", "d3", "dz3", "y"),
            "w1": ("w1", "gw1", "lr1"),
            "w2": ("w2", "gw2", "lr2"),
            "w3": ("w3", "gw3", "lr3"),
        }
        self.flat: dict[str, np.ndarray] = {}
        for family, names in roles.items():
            sizes = [int(np.prod(shape)) for shape in shapes[family]]
            for name in names:
                flat = np.empty(sum(sizes))
                self.flat[name] = flat
                start = 0
                for st, shape, size in zip(stacks, shapes[family], sizes):
                    view = flat[start : start + size].reshape(shape)
                    if name in ("w1", "w2", "w3", "y"):
                        view[...] = st[name]
                    elif name.startswith("lr"):
                        view[...] = st["lr"]
                    st[name] = view
                    start += size
        self.y_is_1 = self.flat["y"] == 1
        self.above = np.empty(self.flat["y"].shape, dtype=bool)
        samples = [n for shape in shapes["out"] for n in [shape[1]] * shape[0]]
        self.run_starts = np.concatenate([[0], np.cumsum(samples)[:-1]]).astype(np.intp)
        for st in stacks:
            st["xT"] = st["x"].transpose(0, 2, 1)
            for name in ("a1", "a2", "w2", "w3"):
                st[name + "T"] = st[name].transpose(0, 2, 1)
        self.matched = np.empty(len(self.runs), dtype=bool)

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
                        "lr": st["lr1"][keep][:, :1, :1],
                        "w1": st["w1"][keep],
                        "w2": st["w2"][keep],
                        "w3": st["w3"][keep],
                    }
                )
        return _Stacks(stacks)

    def forward(self) -> bool:
        """ŷ of every run; True if some run classifies every sample right (round(ŷ) == y)."""
        mm, exp, add, div, flat = np.matmul, np.exp, np.add, np.divide, self.flat
        for source, weights, target in (("x", "w1", "a1"), ("a1", "w2", "a2"), ("a2", "w3", "yh")):
            for st in self.stacks:
                mm(st[source], st[weights], out=st[target])  # −z
            t = flat[target]
            exp(t, out=t)
            add(t, 1.0, out=t)
            div(1.0, t, out=t)
        # round() sends 0.5 to 0, so class 1 means ŷ > 0.5; NaN compares False.
        np.greater(flat["yh"], 0.5, out=self.above)
        np.equal(self.above, self.y_is_1, out=self.above)
        np.logical_and.reduceat(self.above, self.run_starts, out=self.matched)
        return bool(self.matched.any())

    def backward_and_update(self) -> None:
        """The report's gradients (unclipped) and w ← w − lr·grad, on the negated weights."""
        mm, sub, mul, div, add = np.matmul, np.subtract, np.multiply, np.divide, np.add
        f = self.flat
        yh, d3, dz3 = f["yh"], f["d3"], f["dz3"]
        sub(1.0, yh, out=d3)
        mul(yh, d3, out=d3)  # ŷ(1 − ŷ)
        sub(yh, f["y"], out=dz3)
        div(dz3, d3, out=dz3)
        mul(dz3, d3, out=dz3)  # dz3 = (ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ), as the report
        for st in self.stacks:
            mm(st["dz3"], st["w3T"], out=st["g2"])
        sub(1.0, f["a2"], out=f["s2"])
        mul(f["a2"], f["s2"], out=f["s2"])
        mul(f["g2"], f["s2"], out=f["g2"])  # −dz2
        for st in self.stacks:
            mm(st["g2"], st["w2T"], out=st["g1"])
        sub(1.0, f["a1"], out=f["s1"])
        mul(f["a1"], f["s1"], out=f["s1"])
        mul(f["g1"], f["s1"], out=f["g1"])  # dz1 (−dz2 times −W2)
        for st in self.stacks:
            mm(st["a2T"], st["dz3"], out=st["gw3"])
            mm(st["a1T"], st["g2"], out=st["gw2"])
            mm(st["xT"], st["g1"], out=st["gw1"])
        mul(f["lr3"], f["gw3"], out=f["gw3"])
        add(f["w3"], f["gw3"], out=f["w3"])  # −(w3 − lr·a2ᵀdz3)
        mul(f["lr2"], f["gw2"], out=f["gw2"])
        sub(f["w2"], f["gw2"], out=f["w2"])  # −w2 − lr·a1ᵀ(−dz2)
        mul(f["lr1"], f["gw1"], out=f["gw1"])
        add(f["w1"], f["gw1"], out=f["w1"])


def train_report(
    setups: list[tuple[Network, np.ndarray, np.ndarray]],
    lrs: list[float],
    max_epochs: int,
    log_every: int = 100,
    progress: Progress | None = None,
) -> list[Run]:
    """The report's loop for several independent runs at once, stacked.

    Per run: forward, loss and accuracy, backward, w ← w − lr·grad, stop when accuracy hits
    1.0. Loss Σ −y log ŷ − (1−y) log(1−ŷ) (a SUM over samples); gradients as the report's
    formulas, unclipped (a saturated ŷ gives 0/0 = NaN, as in the report); accuracy counts
    round(ŷ) == y; the printed epoch is 1-based. Stacking only saves Python overhead: each
    run's arithmetic is its own (checked against a single-run loop in the tests), and a run
    that reached 100 % leaves the stack. Runs of different layer or data sizes may be mixed.
    Trains the networks in place (each keeps its weights from the epoch it stopped).
    """
    nets = [net for net, _, _ in setups]
    count = len(nets)
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
    ends = [max_epochs] * count
    reached = [False] * count
    nan_epochs: list[int | None] = [None] * count
    predictions: list[np.ndarray | None] = [None] * count

    def store(stacks: _Stacks, k: int) -> None:
        st, b = stacks.where(k)
        for i, layer in enumerate(nets[st["runs"][b]].layers):
            layer.W[...] = -st[f"w{i + 1}"][b]

    with np.errstate(all="ignore"):
        for epoch in range(1, max_epochs + 1):
            some_match = stacks.forward()
            logging = epoch % log_every == 0
            hit = None
            if logging or some_match:
                active = stacks.active
                hit = stacks.matched & active
                for k in np.flatnonzero(active & (hit | logging)).tolist():
                    st, b = stacks.where(k)
                    run, p, t = stacks.runs[k], st["yh"][b], st["y"][b]
                    loss = float(np.sum(-t * np.log(p) - (1 - t) * np.log(1 - p)))
                    logs[run].append((epoch, float(np.mean(np.round(p) == t)), loss))
                    if np.isnan(loss) and nan_epochs[run] is None:
                        # NaN weights stay NaN: the report's run goes on to max_epochs in vain.
                        nan_epochs[run] = epoch
                        active[k] = False
                        predictions[run] = p.copy()
                if hit.any():
                    for k in np.flatnonzero(hit).tolist():
                        st, b = stacks.where(k)
                        run = stacks.runs[k]
                        ends[run], reached[run] = epoch, True
                        predictions[run] = st["yh"][b].copy()
                else:
                    hit = None
            stacks.backward_and_update()
            if hit is not None:
                # A finished run keeps the weights of this epoch's update and leaves the stack.
                for k in np.flatnonzero(hit).tolist():
                    store(stacks, k)
                stacks = stacks.without(hit)
            if epoch % log_every == 0:
                check_progress(progress, epoch, max_epochs, None)
            if not stacks.active.any():
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


# --- what the report prints ------------------------------------------------------------------
PRINTED_XOR_LOG = [
    (100, "0.5238095238095238", "14.535359703924756"),
    (200, "0.5238095238095238", "14.534297101623464"),
    (300, "0.5238095238095238", "14.533385016210135"),
    (400, "0.5238095238095238", "14.532525558280865"),
    (500, "0.5238095238095238", "14.531629213192884"),
    (600, "0.5238095238095238", "14.53059186751609"),
    (700, "0.5238095238095238", "14.529264169943021"),
    (800, "0.5238095238095238", "14.527394749015413"),
    (900, "0.5238095238095238", "14.524501616940366"),
    (1000, "0.5238095238095238", "14.519527797093339"),
    (1100, "0.5238095238095238", "14.509718671616021"),
    (1200, "0.5238095238095238", "14.48590256084938"),
    (1300, "0.5238095238095238", "14.407008548046027"),
    (1400, "0.5238095238095238", "14.110971988988853"),
    (1500, "0.8571428571428571", "13.30980709065917"),
    (1600, "0.5238095238095238", "13.018915242873533"),
    (1700, "0.8095238095238095", "8.684009429198237"),
    (1769, "1.0", "4.3954408074595275"),
]
PRINTED_LINEAR_LOG = [
    (100, "0.54", "68.94822881602369"),
    (200, "0.54", "68.8932643717875"),
    (300, "0.54", "68.78442657873096"),
    (400, "0.54", "68.41399532999709"),
    (500, "0.54", "65.13126933511963"),
    (600, "0.96", "29.271026550078194"),
    (700, "0.97", "11.238978201183238"),
    (800, "0.99", "6.552449075272853"),
    (900, "0.99", "4.663473495313786"),
    (1000, "0.99", "3.7005126106862307"),
    (1100, "0.99", "3.1131512911497796"),
    (1200, "0.99", "2.712696571961642"),
    (1300, "0.99", "2.418734065460382"),
    (1400, "0.99", "2.191445710032903"),
    (1479, "1.0", "2.044271556081318"),
]
PRINTED_XOR_PREDICTIONS = (
    "0.0553829 0.98043249 0.18155334 0.97884826 0.38342867 0.97284542 0.49956534 0.94096973 "
    "0.4949563 0.71225017 0.40918925 0.2914546 0.71158079 0.18829961 0.94082852 0.11866489 "
    "0.97303542 0.07728232 0.9791137 0.05347794 0.98071857"
).split()
SEEDS = range(5)
SWEEP_LR_XOR = (
    (0.5, 0.1, 0.05, 0.01, 0.005),
    [
        [50000, 1769, 3354, 17327, 34644],
        [50000, 9292, 17510, 50000, 50000],
        [50000, 3520, 6700, 34021, 50000],
        [50000, 1223, 2413, 12036, 24066],
        [50000, 951, 1909, 9535, 19067],
    ],
)
SWEEP_LR_LINEAR = (
    (0.1, 0.05, 0.01, 0.005, 0.001),
    [
        [106, 296, 1479, 2958, 14783],
        [277, 243, 1196, 2388, 11919],
        [392, 328, 1669, 3339, 16696],
        [97, 159, 789, 1574, 7860],
        [116, 2143, 1583, 3166, 15827],
    ],
)
SWEEP_UNITS_XOR = (
    (2, 3, 5, 10),
    [
        [50000, 1769, 1778, 1175],
        [50000, 9292, 2076, 1646],
        [10323, 3520, 2320, 1725],
        [50000, 1223, 1387, 1407],
        [50000, 951, 963, 870],
    ],
)
SWEEP_UNITS_LINEAR = (
    (2, 3, 5, 10),
    [
        [275, 50000, 50000, 59],
        [176, 50000, 50000, 42],
        [196, 50000, 50000, 160],
        [159, 50000, 65, 39],
        [103, 50000, 50000, 66],
    ],
)


# --- shared pieces ---------------------------------------------------------------------------
def run_boundary(run: Run) -> dict:
    """boundary() of a run from train_report (which keeps every run's network and data)."""
    if run.network is None or run.data is None:
        raise ValueError("this run kept no network or data to draw a boundary from")
    return boundary(run.network, *run.data)


def boundary(net: Network, x: np.ndarray, y: np.ndarray, width: int = 48, height: int = 20) -> dict:
    """P(class 1) on a grid over [0, 1]² (rows top → bottom) and the data points."""
    xs = np.linspace(0.0, 1.0, width)
    ys = np.linspace(1.0, 0.0, height)
    grid = np.array([[gx, gy] for gy in ys for gx in xs])
    with np.errstate(all="ignore"):
        p = net.forward(grid).reshape(height, width)
    return {
        "x": [0.0, 1.0],
        "y": [0.0, 1.0],
        "grid": p.round(4).tolist(),
        "points": [[float(a), float(b), int(t)] for (a, b), t in zip(x, y.ravel())],
    }


def _log_result(distribution: str, lr: float, h: int, printed: list, progress) -> dict:
    net, x, y = setup(distribution, h, h, 0)
    run = train_report([(net, x, y)], [lr], 10_000, log_every=1, progress=progress)[0]
    by_epoch = {epoch: (acc, loss) for epoch, acc, loss in run.log}
    result: dict = {
        "loss_curve": [loss for _, _, loss in run.log],
        "loss_epochs": [epoch for epoch, _, _ in run.log],
        "stop_epoch": run.epochs,
        "accuracy": run.log[-1][1],
        "final_loss": run.log[-1][2],
        "boundary": boundary(net, x, y),
    }
    rows = []
    printed_epochs = {epoch for epoch, _, _ in printed}
    shown = sorted(printed_epochs | {e for e in by_epoch if e % 100 == 0} | {run.epochs})
    for epoch in shown:
        acc, loss = by_epoch.get(epoch, (float("nan"), float("nan")))
        pub = next(((a, v) for e, a, v in printed if e == epoch), ("", ""))
        rows.append([epoch, pub[0], pub[1], repr(acc), repr(loss)])
        result[f"loss_epoch_{epoch}"] = loss
        result[f"accuracy_epoch_{epoch}"] = acc
    result["tables"] = {
        "log": {
            "columns": ["epoch", "printed accuracy", "printed loss", "accuracy", "loss"],
            "rows": rows,
            "caption": f"network(lr={lr}, h1=h2={h}, distribution='{distribution}', seed=0): "
            "BCE summed over the samples, before the epoch's update.",
        },
        "predictions": {
            "columns": ["x1", "x2", "label", "ŷ"],
            "rows": [
                [f"{a:.4f}", f"{b:.4f}", int(t), f"{p:.8f}"]
                for (a, b), t, p in zip(x, y.ravel(), run.predictions.ravel())
            ],
            "caption": "ŷ of the last forward pass (the epoch that reached 100 %).",
        },
    }
    for i, p in enumerate(run.predictions.ravel()):
        result[f"prediction_{i + 1}"] = float(p)
    return result


Cell = tuple[float, int, int, Previous]  # lr, h1 = h2, seed, previous call
_CELLS: dict[tuple[str, Cell], Run] = {}
# The report's cells ran in this order: XOR lr sweep, linear lr sweep, XOR units sweep, linear
# units sweep; each linear sweep starts where the XOR sweep before it left the stream (its
# last call: seed 4 with h = 3, resp. h = 10).
ENTERING = {"lr": (4, 3), "h": (4, 10)}


def sweep_calls(distribution: str, kind: str, values: tuple) -> list[Cell]:
    """The calls of a table in the order the report's print statements made them."""
    calls: list[Cell] = []
    previous: Previous = None if distribution == "XOR" else ENTERING[kind]
    for seed in SEEDS:
        for v in values:
            lr, h = (v, 3 if distribution == "XOR" else 2) if kind == "lr" else (0.1, v)
            calls.append((lr, h, seed, previous))
            previous = None if distribution == "XOR" else (seed, h)
    return calls


def compute_cells(cells: list[tuple[str, Cell]], progress: Progress | None = None) -> None:
    """Train every (distribution, cell) not yet in the cache, all in one stacked loop."""
    todo = [c for c in dict.fromkeys(cells) if c not in _CELLS]
    if not todo:
        return
    runs = train_report(
        [sweep_setup(d, h, seed, prev) for d, (_, h, seed, prev) in todo],
        [lr for _, (lr, _, _, _) in todo],
        MAX_EPOCHS,
        progress=progress,
    )
    _CELLS.update(zip(todo, runs))


def sweep_cells(
    distribution: str, cells: list[Cell], progress: Progress | None = None
) -> list[Run]:
    """network_(epoch=50000, lr, h1=h2=h, distribution, seed) for each cell, cached."""
    compute_cells([(distribution, c) for c in cells], progress)
    return [_CELLS[(distribution, c)] for c in cells]


def all_sweep_cells() -> list[tuple[str, Cell]]:
    """The cells of the report's four sweep tables."""
    return [
        (distribution, cell)
        for distribution, kind, (values, _), *_ in SWEEPS.values()
        for cell in sweep_calls(distribution, kind, values)
    ]


def _cell_key(kind: str, value: float, seed: int) -> str:
    return f"epochs_{kind}_{value:g}_seed_{seed}"


def _sweep_result(distribution: str, kind: str, printed: tuple, progress) -> dict:
    values, table = printed
    cells = sweep_calls(distribution, kind, values)
    # The four tables' cells train together: one loop of 50,000 epochs instead of one per table.
    compute_cells(all_sweep_cells(), progress)
    runs = sweep_cells(distribution, cells, progress)
    result: dict = {}
    rows, agree, nan_cells = [], 0, []
    for s in SEEDS:
        row: list[object] = [s]
        for j, v in enumerate(values):
            run = runs[s * len(values) + j]
            pub = table[s][j]
            result[_cell_key(kind, v, s)] = run.epochs
            mark = "" if run.epochs == pub else f" (printed {pub})"
            if run.nan_epoch is not None:
                mark += f" NaN by epoch {run.nan_epoch}"
                nan_cells.append(f"{kind} {v:g}, seed {s} (NaN by epoch {run.nan_epoch})")
            agree += run.epochs == pub
            row.append(f"{run.epochs}{mark}")
        rows.append(row)
    label = "lr" if kind == "lr" else "h1 = h2"
    result["cells_agreeing"] = agree
    shown = next((run for run in runs if run.reached), runs[0])
    result["boundary"] = run_boundary(shown)
    result["cells_total"] = len(cells)
    result["nan_cells"] = len(nan_cells)
    result["tables"] = {
        "epochs_to_100": {
            "columns": ["seed"] + [f"{label} {v:g}" for v in values],
            "rows": rows,
            "caption": f"Epoch at which accuracy reached 100 % ({distribution} data, max "
            f"{MAX_EPOCHS}); '(printed N)' where the report printed another number.",
        }
    }
    result["summary"] = f"{agree} of {len(cells)} cells equal the report's table." + (
        f" NaN (BCE on a saturated ŷ): {'; '.join(nan_cells)}." if nan_cells else ""
    )
    return result


@experiment(
    "two_hidden_xor",
    "Two hidden layers (3, 3), sigmoid, BCE: easy XOR, lr 0.1, seed 0",
    f"{SOURCE}, 3.A first log and 3.B XOR predictions",
)
def two_hidden_xor(progress: Progress | None = None) -> dict:
    """network(epoch=10000, lr=0.1, h1=3, h2=3, distribution='XOR', seed=0)."""
    result = _log_result("XOR", 0.1, 3, PRINTED_XOR_LOG, progress)
    result["summary"] = (
        f"Accuracy 100 % at epoch {result['stop_epoch']} (printed: 1769). The log agrees with "
        "the report to 14+ significant digits up to epoch 1500; from there the run is "
        "chaotic (accuracy jumps 0.52 ↔ 0.86) and last-bit differences in the BLAS sums "
        "grow into different numbers."
    )
    return result


@experiment(
    "two_hidden_linear",
    "Two hidden layers (2, 2), sigmoid, BCE: 100 linear points, lr 0.01, seed 0",
    f"{SOURCE}, 3.A second log",
)
def two_hidden_linear(progress: Progress | None = None) -> dict:
    """network(epoch=10000, lr=0.01, h1=2, h2=2, distribution='linear', seed=0)."""
    result = _log_result("linear", 0.01, 2, PRINTED_LINEAR_LOG, progress)
    # The printed prediction table is from another execution of the same call: one that ran
    # right after the XOR run, so its data came from the stream at seed(0) + the h = 3 draws.
    net, x, y = sweep_setup("linear", 2, 0, (0, 3))
    run = train_report([(net, x, y)], [0.01], 10_000)[0]
    result["stop_epoch_predictions_run"] = run.epochs
    for i, p in enumerate(run.predictions.ravel()):
        result[f"prediction_as_printed_{i + 1}"] = float(p)
    result["tables"]["predictions_as_printed"] = {
        "columns": ["x1", "x2", "label", "ŷ"],
        "rows": [
            [f"{a:.4f}", f"{b:.4f}", int(t), f"{p:.8e}"]
            for (a, b), t, p in zip(x, y.ravel(), run.predictions.ravel())
        ],
        "caption": "The run whose ŷ the report prints (3.B linear): same call, data drawn "
        f"after the XOR run's draws; 100 % at epoch {run.epochs}.",
    }
    result["summary"] = (
        f"Accuracy 100 % at epoch {result['stop_epoch']} (printed: 1479); every printed line "
        "agrees to 14+ significant digits. The printed predictions come from another "
        "execution (data left by the XOR run) that stops at epoch "
        f"{result['stop_epoch_predictions_run']}; all 98 legible values agree to 9 digits."
    )
    return result


# The four tables of section 4: experiment id → (data, swept quantity, printed table, title, place).
SWEEPS = {
    "two_hidden_sweep_lr_xor": (
        "XOR",
        "lr",
        SWEEP_LR_XOR,
        "learning rate × seed, XOR (h = 3)",
        "4.A XOR table",
    ),
    "two_hidden_sweep_lr_linear": (
        "linear",
        "lr",
        SWEEP_LR_LINEAR,
        "learning rate × seed, linear (h = 2)",
        "4.A linear table",
    ),
    "two_hidden_sweep_units_xor": (
        "XOR",
        "h",
        SWEEP_UNITS_XOR,
        "hidden units × seed, XOR (lr 0.1)",
        "4.B XOR table",
    ),
    "two_hidden_sweep_units_linear": (
        "linear",
        "h",
        SWEEP_UNITS_LINEAR,
        "hidden units × seed, linear (lr 0.1), and the BCE divide-by-zero",
        "4.B linear table and its RuntimeWarnings",
    ),
}


def _register_sweep(experiment_id: str, distribution: str, kind: str, printed: tuple) -> None:
    title, place = SWEEPS[experiment_id][3:]

    @experiment(experiment_id, f"Epochs to 100 %: {title}", f"{SOURCE}, {place}")
    def sweep(progress: Progress | None = None) -> dict:
        """One table of section 4: every cell, max 50,000 epochs, seeds 0-4."""
        return _sweep_result(distribution, kind, printed, progress)


for _id, (_distribution, _kind, _printed, *_) in SWEEPS.items():
    _register_sweep(_id, _distribution, _kind, _printed)


# The cells of the four tables that stop early (each run within ~10,000 epochs), for a quick
# look; the full tables (the other cells' figures) are the four sweep experiments above.
FIGURE_CELLS: dict[tuple[str, str], Sequence[tuple[float, int]]] = {
    ("XOR", "lr"): [(0.1, s) for s in SEEDS] + [(0.05, 0), (0.05, 3), (0.05, 4), (0.01, 4)],
    ("XOR", "h"): [(5, s) for s in SEEDS] + [(10, s) for s in SEEDS],
    ("linear", "lr"): [(lr, s) for lr in SWEEP_LR_LINEAR[0] for s in SEEDS],
    ("linear", "h"): [(2, s) for s in SEEDS] + [(10, s) for s in SEEDS] + [(5, 3)],
}
TABLES = {(distribution, kind): printed for distribution, kind, printed, *_ in SWEEPS.values()}


@experiment(
    "two_hidden_sweep_figures",
    "Epochs to 100 %: the cells of the four tables that stop early",
    f"{SOURCE}, 4.A and 4.B tables (subset)",
)
def two_hidden_sweep_figures(progress: Progress | None = None) -> dict:
    """The cells listed in FIGURE_CELLS, keyed like the full sweeps' cells."""
    result: dict = {}
    specs: dict[tuple[str, str], list[Cell]] = {}
    for (distribution, kind), cells in FIGURE_CELLS.items():
        values = TABLES[(distribution, kind)][0]
        calls = dict(
            zip(((v, s) for s in SEEDS for v in values), sweep_calls(distribution, kind, values))
        )
        specs[(distribution, kind)] = [calls[cell] for cell in cells]
    # All of them in one stacked loop (as long as the slowest cell), then read table by table.
    compute_cells([(d, c) for (d, _), cells in specs.items() for c in cells], progress)
    for (distribution, kind), cells in FIGURE_CELLS.items():
        for (v, s), run in zip(cells, sweep_cells(distribution, specs[(distribution, kind)])):
            key = f"{distribution.lower()}_{_cell_key(kind, v, s)}"
            result[key] = run.epochs
            if run.nan_epoch is not None:
                result[f"{key}_nan_epoch"] = run.nan_epoch
    first = _CELLS[("XOR", sweep_calls("XOR", "lr", SWEEP_LR_XOR[0])[1])]  # lr 0.1, seed 0
    boundary_xor = run_boundary(first)
    result["tables"] = {
        "cells": {
            "columns": ["cell", "epochs to 100 %"],
            "rows": [[k, v] for k, v in result.items()],
            "caption": "max 50000; a '_nan_epoch' row: where that run's loss became NaN.",
        }
    }
    result["boundary"] = boundary_xor
    result["summary"] = (
        f"{sum(len(c) for c in FIGURE_CELLS.values())} cells of the report's four sweep tables."
    )
    return result


def train_engine(net: Network, x: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> tuple:
    """The engine's own full-batch loop with its clipped BCE (sum); stops at 100 % accuracy."""
    stop = {"epoch": epochs, "accuracy": 0.0}
    loss = get_loss("bce", reduction="sum")
    cache_acc = []
    for epoch in range(1, epochs + 1):
        value, grads = net.gradients(x, y, loss)
        accuracy = float(np.mean(np.round(net.forward(x)) == y))
        cache_acc.append((epoch, accuracy, value))
        apply_update(net, grads, lr)
        if accuracy == 1.0:
            stop = {"epoch": epoch, "accuracy": accuracy}
            break
    else:
        stop["accuracy"] = cache_acc[-1][1]
    return stop, cache_acc


@experiment(
    "two_hidden_bce_nan",
    "The report's divide-by-zero: where BCE meets ŷ = 0 or 1 exactly, and the clipped BCE",
    f"{SOURCE}, 4.B RuntimeWarnings and the closing remark",
)
def two_hidden_bce_nan(progress: Progress | None = None) -> dict:
    """The NaN cells of the linear hidden-units sweep, and the same runs with clipped BCE."""
    values = SWEEP_UNITS_LINEAR[0]
    calls = dict(zip(((v, s) for s in SEEDS for v in values), sweep_calls("linear", "h", values)))
    cells = [calls[(5, 4)]]  # NaN by epoch 2600 (seed 1's h = 5 run follows by epoch 40000)
    runs = sweep_cells("linear", cells, progress)
    rows: list[list[object]] = []
    result: dict = {}
    for (lr, h, seed, previous), run in zip(cells, runs):
        net, x, y = sweep_setup("linear", h, seed, previous)
        assert run.nan_epoch is not None, "the cell is chosen for its NaN"
        with np.errstate(all="ignore"):
            stop, history = train_engine(net, x, y, lr, run.nan_epoch + 2000)
        finite = all(np.isfinite(v) for _, _, v in history)
        key = f"h_{h}_seed_{seed}"
        result[f"nan_epoch_{key}"] = run.nan_epoch
        result[f"clipped_finite_{key}"] = finite
        result["boundary"] = boundary(net, x, y)
        result[f"clipped_stop_{key}"] = stop["epoch"] if stop["accuracy"] == 1.0 else None
        rows.append(
            [
                f"h {h}, seed {seed}",
                run.nan_epoch,
                "yes" if finite else "NO",
                f"{stop['epoch']}"
                if stop["accuracy"] == 1.0
                else f"not within {len(history)} (accuracy {stop['accuracy']:.2f})",
            ]
        )
    result["tables"] = {
        "nan": {
            "columns": [
                "run (linear, lr 0.1)",
                "report's loop: NaN by epoch",
                "engine (clipped BCE) stays finite",
                "engine: epochs to 100 %",
            ],
            "rows": rows,
            "caption": "ŷ = 1.0 exactly (or 0.0) in float64: log(1 − ŷ) = log 0 = −inf and "
            "(ŷ − y)/(ŷ(1 − ŷ)) = 0/0 = NaN; every weight is NaN one update later.",
        }
    }
    result["summary"] = (
        "Once a sigmoid output rounds to exactly 1.0 (z > ~36.7) or 0.0, the report's BCE "
        "takes log(0) and its gradient 0/0: NaN spreads to every weight, accuracy compares "
        "NaN > 0.5 as False forever, and the cell prints 50000 — a crash, not a slow run. "
        "The engine clips ŷ to [1e−12, 1 − 1e−12] and stays finite."
    )
    return result


@experiment(
    "two_hidden_no_activation",
    "Two hidden layers without activation functions (identity), sigmoid output only",
    f"{SOURCE}, 4.C",
)
def two_hidden_no_activation(progress: Progress | None = None) -> dict:
    """4.C: linear hidden layers make the whole network a linear classifier."""
    result: dict = {"tables": {}}
    rows = []
    for distribution, lr, h in (("XOR", 0.01, 3), ("linear", 0.001, 2)):
        net, x, y = setup(distribution, h, h, 0)
        for layer in net.layers[:2]:
            layer.activation = get_activation("identity")
        with np.errstate(all="ignore"):
            stop, history = train_engine(net, x, y, lr, 5000)
        best = max(a for _, a, _ in history)
        key = distribution.lower()
        result[f"accuracy_{key}"] = history[-1][1]
        result[f"best_accuracy_{key}"] = best
        result[f"stop_{key}"] = stop["epoch"] if stop["accuracy"] == 1.0 else None
        result[f"boundary_{key}"] = boundary(net, x, y)
        rows.append(
            [
                distribution,
                lr,
                h,
                f"{best:.4f}",
                history[-1][0],
                "yes" if stop["accuracy"] == 1.0 else "no",
            ]
        )
        check_progress(progress, len(rows), 2, None)
    result["boundary"] = result["boundary_xor"]
    result["tables"]["runs"] = {
        "columns": ["data", "lr", "h1 = h2", "best accuracy", "epochs run", "100 %?"],
        "rows": rows,
        "caption": "Identity hidden layers: ŷ = σ(x·W1·W2·W3), one straight boundary.",
    }
    result["summary"] = (
        f"XOR: best accuracy {result['best_accuracy_xor']:.3f} — a straight line cannot "
        "separate the two diagonals; linear data: "
        + (
            f"100 % at epoch {result['stop_linear']}."
            if result["stop_linear"]
            else f"best accuracy {result['best_accuracy_linear']:.3f}."
        )
    )
    return result


# (data, lr, h, seed) of sweep cells; the linear ones' data equal setup()'s (previous call:
# same seed, h = 2).
CHAOS_CELLS = [
    ("XOR", 0.1, 3, 0),
    ("XOR", 0.05, 3, 2),
    ("XOR", 0.1, 10, 4),
    ("linear", 0.05, 2, 4),
    ("linear", 0.01, 2, 0),
]
NUDGES = 4


def _nudged(distribution: str, h: int, seed: int, k: int) -> tuple[Network, np.ndarray, np.ndarray]:
    """setup(), then every initial weight moved by one unit in the last place (k = 0: none)."""
    net, x, y = setup(distribution, h, h, seed)
    if k:
        signs = np.random.RandomState(k)
        for layer in net.layers:
            direction = np.where(signs.rand(*layer.W.shape) < 0.5, -np.inf, np.inf)
            layer.W[...] = np.nextafter(layer.W, direction)
    return net, x, y


@experiment(
    "two_hidden_chaos",
    "How fragile is 'epochs to 100 %'? The same runs with weights moved by one ulp",
    f"{SOURCE}, 4.A/4.B tables (sensitivity check)",
)
def two_hidden_chaos(progress: Progress | None = None) -> dict:
    """Stop epochs of a few cells, each also started from 4 one-ulp perturbations."""
    result: dict = {}
    rows = []
    # Every run of every cell in one stacked loop.
    setups = [_nudged(d, h, seed, k) for d, _, h, seed in CHAOS_CELLS for k in range(NUDGES + 1)]
    lrs = [lr for _, lr, _, _ in CHAOS_CELLS for _ in range(NUDGES + 1)]
    all_runs = train_report(setups, lrs, MAX_EPOCHS, progress=progress)
    for n, (distribution, lr, h, seed) in enumerate(CHAOS_CELLS):
        runs = all_runs[n * (NUDGES + 1) : (n + 1) * (NUDGES + 1)]
        epochs = [run.epochs for run in runs]
        key = f"{distribution.lower()}_lr_{lr:g}_h_{h}_seed_{seed}"
        result[f"spread_{key}"] = max(epochs) - min(epochs)
        rows.append([distribution, lr, h, seed, epochs[0], " ".join(map(str, epochs[1:]))])
        if n == 0:
            result["boundary"] = run_boundary(runs[0])
    result["tables"] = {
        "chaos": {
            "columns": ["data", "lr", "h", "seed", "epochs to 100 %", "with ±1 ulp weights"],
            "rows": rows,
            "caption": "A change in the 16th digit of the initial weights (a rounding "
            "difference's worth) moves a chaotic run's stop epoch; a stable one barely.",
        }
    }
    result["summary"] = "Spread of the stop epoch under one-ulp nudges: " + ", ".join(
        f"{k[7:]} {v}" for k, v in result.items() if k.startswith("spread_")
    )
    return result
