"""Seed 002: two sigmoid hidden layers, BCE, full-batch GD, early stop at 100 % accuracy.

The networks and data are built with the engine in the report's seeding order; the report's
runs train with the report's own loop (`notebooks.two_hidden_lab.train_report`: unclipped BCE,
its σ, NaN and all), because its tables are figures of that arithmetic — the module says why
the engine cannot stand in. The engine's loop (`train_engine`) trains what the report never
ran: the clipped-BCE counterpart of a NaN cell and the runs without activation functions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from tutor.engine import Init, Network, build, get_activation, get_loss
from tutor.engine.training import TrainConfig, train
from tutor.experiments.notebooks.two_hidden_lab import Run, train_report
from tutor.experiments.registry import Progress, check_progress, experiment, planner, run_cache

# These runs share nothing with the other lessons' experiments and are verify's longest:
# verify may run them in a process of their own on the second core (registry.run_apart).
_experiment = functools.partial(experiment, apart=True)

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


def _log_result(experiment_id: str, printed: list, progress) -> dict:
    """The log run of `experiment_id` (the first of its LOG_RUNS) beside the printed log."""
    call = LOG_RUNS[experiment_id][0]
    distribution, (lr, h, seed, _), _, _ = call
    compute_calls(LOG_RUNS[experiment_id], progress)
    run = _CELLS[call]
    assert run.network is not None and run.data is not None, "train_report keeps both"
    net, (x, y) = run.network, run.data
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
            "caption": f"network(lr={lr}, h1=h2={h}, distribution='{distribution}', "
            f"seed={seed}): "
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
# One network_() call as trained: (distribution, cell, max epochs, log every). The sweeps' calls
# run 50,000 epochs and log every 100; the 3.A logs' runs 10,000 epochs, logging every epoch.
Call = tuple[str, Cell, int, int]
_CELLS: dict[Call, Run] = run_cache()
# The report's cells ran in this order: XOR lr sweep, linear lr sweep, XOR units sweep, linear
# units sweep; each linear sweep starts where the XOR sweep before it left the stream (its
# last call: seed 4 with h = 3, resp. h = 10).
ENTERING = {"lr": (4, 3), "h": (4, 10)}
SWEEP_LOG_EVERY = 100


def sweep_call(distribution: str, cell: Cell) -> Call:
    """A cell of the section-4 sweeps as it trains: 50,000 epochs, logged every 100."""
    return (distribution, cell, MAX_EPOCHS, SWEEP_LOG_EVERY)


# The runs behind the 3.A logs (network(epoch=10000, ...), seed 0), as calls of sweep_setup:
# setup(d, h, h, 0) builds the same network and data as sweep_setup(d, h, 0, previous) with
# previous None (XOR) or (0, h) (linear: the data follow seed 0's h = h draws).
# two_hidden_linear's second run is the execution whose ŷ the report prints (3.B linear): the
# same call, its data drawn after the XOR run's h = 3 draws.
LOG_RUNS: dict[str, list[Call]] = {
    "two_hidden_xor": [("XOR", (0.1, 3, 0, None), 10_000, 1)],
    "two_hidden_linear": [
        ("linear", (0.01, 2, 0, (0, 2)), 10_000, 1),
        ("linear", (0.01, 2, 0, (0, 3)), 10_000, SWEEP_LOG_EVERY),
    ],
}


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


_PLANNED: list[Call] = []  # calls that will be asked for (see _plan_sweep_cells)


def compute_calls(calls: list[Call], progress: Progress | None = None) -> None:
    """Train every call not yet in the cache, all in one stacked loop (`train_report`: each run
    as alone, whatever its epoch limit and log interval).

    When some are missing, the calls planned to be asked for next train in the same loop.
    """
    todo = [c for c in dict.fromkeys(calls) if c not in _CELLS]
    if not todo:
        return
    todo = [c for c in dict.fromkeys(todo + _PLANNED) if c not in _CELLS]
    runs = train_report(
        [sweep_setup(d, h, seed, prev) for d, (_, h, seed, prev), _, _ in todo],
        [lr for _, (lr, _, _, _), _, _ in todo],
        [epochs for _, _, epochs, _ in todo],
        [every for *_, every in todo],
        progress=progress,
    )
    _CELLS.update(zip(todo, runs))


def compute_cells(cells: list[tuple[str, Cell]], progress: Progress | None = None) -> None:
    """Train every sweep (distribution, cell) not yet in the cache (see compute_calls)."""
    compute_calls([sweep_call(d, c) for d, c in cells], progress)


def sweep_cells(
    distribution: str, cells: list[Cell], progress: Progress | None = None
) -> list[Run]:
    """network_(epoch=50000, lr, h1=h2=h, distribution, seed) for each cell, cached."""
    compute_cells([(distribution, c) for c in cells], progress)
    return [_CELLS[sweep_call(distribution, c)] for c in cells]


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


@_experiment(
    "two_hidden_xor",
    "Two hidden layers (3, 3), sigmoid, BCE: easy XOR, lr 0.1, seed 0",
    f"{SOURCE}, 3.A first log and 3.B XOR predictions",
)
def two_hidden_xor(progress: Progress | None = None) -> dict:
    """network(epoch=10000, lr=0.1, h1=3, h2=3, distribution='XOR', seed=0)."""
    result = _log_result("two_hidden_xor", PRINTED_XOR_LOG, progress)
    result["summary"] = (
        f"Accuracy 100 % at epoch {result['stop_epoch']} (printed: 1769). The log agrees with "
        "the report to 14+ significant digits up to epoch 1500; from there the run is "
        "chaotic (accuracy jumps 0.52 ↔ 0.86) and last-bit differences in the BLAS sums "
        "grow into different numbers."
    )
    return result


@_experiment(
    "two_hidden_linear",
    "Two hidden layers (2, 2), sigmoid, BCE: 100 linear points, lr 0.01, seed 0",
    f"{SOURCE}, 3.A second log",
)
def two_hidden_linear(progress: Progress | None = None) -> dict:
    """network(epoch=10000, lr=0.01, h1=2, h2=2, distribution='linear', seed=0)."""
    result = _log_result("two_hidden_linear", PRINTED_LINEAR_LOG, progress)
    # The printed prediction table is from another execution of the same call: one that ran
    # right after the XOR run, so its data came from the stream at seed(0) + the h = 3 draws.
    run = _CELLS[LOG_RUNS["two_hidden_linear"][1]]
    assert run.data is not None, "train_report keeps the data"
    x, y = run.data
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

    @_experiment(experiment_id, f"Epochs to 100 %: {title}", f"{SOURCE}, {place}")
    def sweep(progress: Progress | None = None) -> dict:
        """One table of section 4: every cell, max 50,000 epochs, seeds 0-4."""
        return _sweep_result(distribution, kind, printed, progress)


for _id, (_distribution, _kind, _printed, *_) in SWEEPS.items():
    _register_sweep(_id, _distribution, _kind, _printed)


@planner
def _plan_sweep_cells(ids: set[str]) -> None:
    """A full table about to run trains all four tables' cells in the first loop that needs any,
    and the 3.A logs' runs planned with them (`verify` runs the logs, the quick figures, then
    the tables: one loop instead of four; the logs' runs are three more runs in its stacks).
    """
    cells = all_sweep_cells() if ids & set(SWEEPS) else []
    logs = [call for id, calls in LOG_RUNS.items() if id in ids for call in calls]
    _PLANNED[:] = [sweep_call(d, c) for d, c in cells] + logs


# The cells of the four tables that stop early (each run within ~10,000 epochs), for a quick
# look; the full tables (the other cells' figures) are the four sweep experiments above.
FIGURE_CELLS: dict[tuple[str, str], Sequence[tuple[float, int]]] = {
    ("XOR", "lr"): [(0.1, s) for s in SEEDS] + [(0.05, 0), (0.05, 3), (0.05, 4), (0.01, 4)],
    ("XOR", "h"): [(5, s) for s in SEEDS] + [(10, s) for s in SEEDS],
    ("linear", "lr"): [(lr, s) for lr in SWEEP_LR_LINEAR[0] for s in SEEDS],
    ("linear", "h"): [(2, s) for s in SEEDS] + [(10, s) for s in SEEDS] + [(5, 3)],
}
TABLES = {(distribution, kind): printed for distribution, kind, printed, *_ in SWEEPS.values()}


@_experiment(
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
    lr_01_seed_0 = sweep_calls("XOR", "lr", SWEEP_LR_XOR[0])[1]
    first = _CELLS[sweep_call("XOR", lr_01_seed_0)]
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
    """The engine's full-batch training (`train`, clipped BCE summed); stops at 100 % accuracy.

    Returns ({"epoch", "accuracy"} of the stop or the last epoch, [(epoch, accuracy, loss)]),
    each epoch's accuracy and loss taken before its update, as the report logs them.
    """
    accuracy = [float(np.mean(np.round(net.forward(x)) == y))]  # of epoch 1's forward pass
    history: list[tuple[int, float, float]] = []

    def on_epoch(epoch: int, loss: float, trained: Network) -> bool:
        history.append((epoch, accuracy[-1], loss))
        if accuracy[-1] == 1.0:
            return False  # 100 % before this epoch's update: the report's stop
        accuracy.append(float(np.mean(np.round(trained.forward(x)) == y)))  # the next epoch's
        return True

    train(
        net, x, y.astype(float), get_loss("bce", reduction="sum"), TrainConfig(lr, epochs), on_epoch
    )
    stop = {"epoch": history[-1][0], "accuracy": history[-1][1]}
    if stop["accuracy"] != 1.0:
        stop["epoch"] = epochs
    return stop, history


@_experiment(
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


@_experiment(
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


@_experiment(
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
