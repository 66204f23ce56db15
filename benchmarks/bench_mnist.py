"""Benchmark: one epoch of 784-128-10 (ReLU, softmax-CE, batch 128, float32) over 60,000 digits.

Three implementations of the same training, timed in the same run, interleaved,
best of several repeats, the same number of BLAS/PyTorch threads:
  ours   tutor.mnist.train.fit on the engine's Network.forward/backward
  bare   a NumPy loop with no abstraction, written here
  torch  the same network with PyTorch on the CPU, if installed (`pip install torch`)
All three start from the same weights and visit the batches in the same order;
ours and bare must end with the same weights (checked). Targets (issue 15): ours ≤ 1.1× bare,
≤ 0.7× torch.

    python benchmarks/bench_mnist.py [--repeats 5] [--threads 1[,2]] [--data DIR] [--digits N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tutor.cli.mnist_cmd import add_data_argument  # noqa: E402
from tutor.mnist.blas import blas_threads, get_blas_threads  # noqa: E402
from tutor.mnist.data import MnistDataError, data_folder_from_env, load_full  # noqa: E402
from tutor.mnist.subset import load_subset  # noqa: E402
from tutor.mnist.train import (  # noqa: E402
    MnistConfig,
    build_mnist_network,
    fit,
    one_hot,
    to_inputs,
)

N = 60_000
LR = 0.1
BATCH = 128


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _elapsed(start: tuple[float, float]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) since `start`."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def training_data(folder: str | None, n: int = N):
    """`n` (60,000) digits: the full training set if given, else the shipped 5,000 tiled."""
    if folder:
        ds = load_full(folder)
        images, labels, what = ds.X_train[:n], ds.y_train[:n], f"full MNIST ({folder})"
    else:
        images, labels = load_subset()
        shipped, reps = len(labels), -(-n // len(labels))
        images, labels = np.tile(images, (reps, 1))[:n], np.tile(labels, reps)[:n]
        what = f"shipped {shipped:,}-digit subset " + (
            f"tiled to {n:,}" if reps > 1 else f"cut to {n:,}"
        )
    return to_inputs(images), labels.astype(np.int64), what


def ours(X, y, config, W0):
    """The tutor's path: build, then fit one epoch."""
    net = build_mnist_network(config)
    for layer, (W, b) in zip(net.layers, W0):
        layer.W[...], layer.b[...] = W, b
    T = one_hot(y)
    start = _clock()
    fit(net, X, T, config)
    return _elapsed(start), [(layer.W, layer.b) for layer in net.layers]


def bare(X, y, config, W0):
    """A NumPy loop with no abstraction: the same arithmetic, written out."""
    (W1, b1), (W2, b2) = [(W.copy(), b.copy()) for W, b in W0]
    T = one_hot(y)
    n = len(X)
    start = _clock()
    order = np.random.default_rng(config.seed).permutation(n)
    total = 0.0
    for s in range(0, n, BATCH):
        idx = order[s : s + BATCH]
        x, t = X[idx], T[idx]
        m = len(idx)
        z1 = x @ W1 + b1
        h = np.maximum(z1, 0.0)
        z2 = h @ W2 + b2
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        total += float(-np.sum(t * np.log(np.clip(p, 1e-12, 1.0))))
        d2 = (p - t) * (1.0 / m)
        dW2 = h.T @ d2
        db2 = d2.sum(axis=0)
        d1 = (d2 @ W2.T) * (z1 > 0)
        dW1 = x.T @ d1
        db1 = d1.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
    return _elapsed(start), [(W1, b1), (W2, b2)]


def torch_epoch(X, y, config, W0, torch):
    """The same network, loss and SGD in PyTorch on the CPU."""
    (W1, b1), (W2, b2) = W0
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    with torch.no_grad():
        # torch stores weights as (out, in): the transpose of ours.
        model[0].weight.copy_(torch.from_numpy(W1.T.copy()))
        model[0].bias.copy_(torch.from_numpy(b1))
        model[2].weight.copy_(torch.from_numpy(W2.T.copy()))
        model[2].bias.copy_(torch.from_numpy(b2))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    n = len(X)
    start = _clock()
    order = torch.from_numpy(np.random.default_rng(config.seed).permutation(n))
    total = 0.0
    for s in range(0, n, BATCH):
        idx = order[s : s + BATCH]
        loss = torch.nn.functional.cross_entropy(model(Xt[idx]), yt[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    seconds = _elapsed(start)
    weights = [
        (layer.weight.detach().numpy().T, layer.bias.detach().numpy()) for layer in model[::2]
    ]
    return seconds, weights


def max_diff(w_a, w_b) -> float:
    """The largest absolute difference between two lists of (W, b)."""
    return max(float(np.max(np.abs(a - b))) for p, q in zip(w_a, w_b) for a, b in zip(p, q))


def measure(X, y, config, W0, torch, threads: int, repeats: int) -> None:
    """Best-of-`repeats` epoch times with `threads` BLAS (and torch) threads, interleaved.

    Wall time is what a user waits; CPU time of the process is steadier on a busy machine
    (time spent descheduled is not counted) and, with one thread, measures the work done.
    """
    if torch is not None:
        torch.set_num_threads(threads)
    times: dict[str, list[tuple[float, float]]] = {}
    with blas_threads(threads):
        print(
            f"threads: BLAS {get_blas_threads() or '? (not controllable)'}"
            + (f", torch {torch.get_num_threads()}" if torch is not None else "")
            + f"; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
        )
        runners = {
            "ours": lambda: ours(X, y, config, W0),
            "bare": lambda: bare(X, y, config, W0),
        }
        if torch is not None:
            runners["torch"] = lambda: torch_epoch(X, y, config, W0, torch)
        names = list(runners)
        for r in range(repeats):
            # Rotate the order so no implementation always runs first (or after another).
            for name in names[r % len(names) :] + names[: r % len(names)]:
                times.setdefault(name, []).append(runners[name]()[0])
            print(
                "  "
                + "  ".join(f"{k} {v[-1][0]:.3f} s (cpu {v[-1][1]:.3f})" for k, v in times.items()),
                flush=True,
            )
    for col, label in ((0, "wall"), (1, "cpu ")):
        best = {k: min(t[col] for t in v) for k, v in times.items()}
        line = f"best {label} of {repeats}: " + ", ".join(f"{k} {v:.3f} s" for k, v in best.items())
        line += f"; ours/bare = {best['ours'] / best['bare']:.3f} (target ≤ 1.1)"
        if "torch" in best:
            line += f"; ours/torch = {best['ours'] / best['torch']:.3f} (target ≤ 0.70)"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--threads",
        default="1",
        help="BLAS and torch thread counts to measure, e.g. 1,2 (default 1: on a busy machine "
        "two threads spin and the times mean little)",
    )
    parser.add_argument(
        "--digits",
        type=int,
        default=N,
        help=f"digits in the timed epoch (default {N:,}; fewer only to check that the script runs)",
    )
    add_data_argument(parser)
    args = parser.parse_args()

    try:
        X, y, what = training_data(args.data or data_folder_from_env(), args.digits)
    except MnistDataError as error:
        sys.exit(f"bench_mnist: {error}")
    config = MnistConfig(hidden=(128,), learning_rate=LR, batch_size=BATCH, epochs=1, seed=0)
    W0 = [(layer.W.copy(), layer.b.copy()) for layer in build_mnist_network(config).layers]
    try:
        import torch
    except ImportError:
        torch = None
    print(f"data: {what}; 784-128-10 ReLU, softmax-CE, batch {BATCH}, float32, η = {LR}")
    print(
        f"numpy {np.__version__}"
        + (f", torch {torch.__version__}" if torch is not None else ", torch not installed")
    )
    # Warm-up, and proof that the three train the same network the same way.
    _, w_ours = ours(X[:2560], y[:2560], config, W0)
    _, w_bare = bare(X[:2560], y[:2560], config, W0)
    print(f"after 20 batches: max |Δweight| ours vs bare = {max_diff(w_ours, w_bare):.1e}", end="")
    if torch is not None:
        _, w_torch = torch_epoch(X[:2560], y[:2560], config, W0, torch)
        print(f", ours vs torch = {max_diff(w_ours, w_torch):.1e}", end="")
    print()
    for threads in (int(t) for t in args.threads.split(",")):
        measure(X, y, config, W0, torch, threads, args.repeats)
    if torch is None:
        print("PyTorch not installed: pip install torch to compare")


if __name__ == "__main__":
    main()
