"""Benchmark: the engine's 5000 epochs of lesson 7 against seed 004's own script, in one run.

    python3 benchmarks/bench_deep_xor.py [--repeats 3] [--epochs 5000]

The peer is the lab's code (004_bf1db25ddaceea2c.txt, cell [1]) copied as a reference
implementation: forward, backward and the training loop, with its printing every 500 epochs
and without matplotlib. Both runs start from the same seed-42 He weights and train on XOR
tiled 500 times. The runs alternate and the best CPU time (time.process_time) of `--repeats`
is compared, so a busy machine hurts both alike; wall times are printed too.
Target: engine ≤ 0.8 × the lab's time.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tutor.engine import Init, build, get_loss, train  # noqa: E402
from tutor.engine.training import TrainConfig  # noqa: E402

# ---- the lab's script (seed 004), as printed, minus matplotlib -------------------------------
layers = [2, 8, 8, 2]
lr = 0.1
print_every = 500


def he_init(fan_in, fan_out):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)


def relu(z):
    return np.maximum(0, z)


def drelu(z):
    return (z > 0).astype(z.dtype)


def softmax(z):
    z = z - np.max(z, axis=1, keepdims=True)
    exp = np.exp(z)
    return exp / np.sum(exp, axis=1, keepdims=True)


def cross_entropy(yhat, Y):
    eps = 1e-9
    return -np.mean(np.sum(Y * np.log(yhat + eps), axis=1))


def accuracy(yhat, y):
    return np.mean(np.argmax(yhat, axis=1) == y)


def forward(X, params):
    cache = {}
    a = X
    cache["a0"] = X
    L = len(layers) - 1
    for i in range(1, L):
        z = a @ params[f"W{i}"] + params[f"b{i}"]
        a = relu(z)
        cache[f"z{i}"] = z
        cache[f"a{i}"] = a
    zL = a @ params[f"W{L}"] + params[f"b{L}"]
    yhat = softmax(zL)
    cache[f"z{L}"] = zL
    cache["yhat"] = yhat
    return yhat, cache


def backward(Y, cache, params):
    grads = {}
    L = len(layers) - 1
    yhat = cache["yhat"]
    N = Y.shape[0]
    dz = (yhat - Y) / N
    a_prev = cache[f"a{L - 1}"]
    grads[f"dW{L}"] = a_prev.T @ dz
    grads[f"db{L}"] = np.sum(dz, axis=0, keepdims=True)
    da_prev = dz @ params[f"W{L}"].T
    for i in range(L - 1, 0, -1):
        z = cache[f"z{i}"]
        dz = da_prev * drelu(z)
        a_prev = cache["a0"] if i == 1 else cache[f"a{i - 1}"]
        grads[f"dW{i}"] = a_prev.T @ dz
        grads[f"db{i}"] = np.sum(dz, axis=0, keepdims=True)
        if i > 1:
            da_prev = dz @ params[f"W{i}"].T
    return grads


def lab_script(epochs: int, log: list[str]) -> dict[str, np.ndarray]:
    """The lab's cell [1] from np.random.seed(42) to the end of its training loop."""
    np.random.seed(42)
    X_base = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y_base = np.array([0, 1, 1, 0])
    repeats = 500
    X = np.tile(X_base, (repeats, 1))
    y = np.tile(y_base, repeats)
    Y = np.eye(2)[y]
    params = {}
    for i in range(len(layers) - 1):
        params[f"W{i + 1}"] = he_init(layers[i], layers[i + 1])
        params[f"b{i + 1}"] = np.zeros((1, layers[i + 1]))
    for epoch in range(1, epochs + 1):
        yhat, cache = forward(X, params)
        Ls = cross_entropy(yhat, Y)
        grads = backward(Y, cache, params)
        for k in params:
            params[k] -= lr * grads["d" + k]
        if epoch % print_every == 0:
            acc = accuracy(yhat, y)
            log.append(f"Epoch {epoch:4d} | loss={Ls:.6f} | acc={acc:.4f}")
    return params


# ---- the engine doing the same work ------------------------------------------------------------
def engine(epochs: int, log: list[str]):
    """The same run with tutor.engine: build, train, the same printed line every 500 epochs."""
    X = np.tile(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64), (500, 1))
    y = np.tile(np.array([0, 1, 1, 0]), 500)
    Y = np.eye(2)[y]
    net = build([2, 8, 8, 2], ["relu", "relu", "softmax"], Init("he"), seed=42)
    history = train(net, X, Y, get_loss("cross_entropy"), TrainConfig(0.1, epochs))
    for epoch in range(print_every, epochs + 1, print_every):
        log.append(f"Epoch {epoch:4d} | loss={history.losses[epoch - 1]:.6f}")
    return net


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=5000)
    args = parser.parse_args(argv)
    # CPU time of this process: on a shared machine, wall time mostly measures the neighbours.
    times: dict[str, list[float]] = {"engine": [], "lab script": []}
    walls: dict[str, list[float]] = {"engine": [], "lab script": []}
    # Page faults: arrays allocated afresh each epoch may fault in new pages (glibc returns
    # freed heap to the system depending on the process's history); they cost CPU time too.
    page_faults: dict[str, list[int]] = {"engine": [], "lab script": []}
    runs = [("lab script", lab_script), ("engine", engine)]
    for repeat in range(args.repeats):
        # Alternate which goes first, so neither always runs on a warmer (or busier) machine.
        for name, run in runs if repeat % 2 == 0 else runs[::-1]:
            log: list[str] = []
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            wall, cpu = time.perf_counter(), time.process_time()
            result = run(args.epochs, log)
            times[name].append(time.process_time() - cpu)
            walls[name].append(time.perf_counter() - wall)
            page_faults[name].append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults)
            if name == "lab script":
                lab_params, lab_log = result, log
            else:
                net, engine_log = result, log
    diff = max(
        float(np.max(np.abs(layer.W - lab_params[f"W{k}"])))
        for k, layer in enumerate(net.layers, start=1)
    )
    print(f"lab's last line:    {lab_log[-1]}")
    print(f"engine's last line: {engine_log[-1]}")
    print(f"max |W_engine − W_lab| after {args.epochs} epochs: {diff:.1e}")
    best = {name: min(t) for name, t in times.items()}
    for name, t in times.items():
        print(
            f"{name:11s} best CPU {best[name]:.3f} s   CPU runs: "
            + ", ".join(f"{x:.3f}" for x in t)
            + "   wall: "
            + ", ".join(f"{x:.3f}" for x in walls[name])
            + "   page faults: "
            + ", ".join(str(x) for x in page_faults[name])
        )
    ratio = best["engine"] / best["lab script"]
    verdict = "met" if ratio <= 0.8 else "NOT met"
    print(f"ratio engine / lab script: {ratio:.2f}  (target ≤ 0.80: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
