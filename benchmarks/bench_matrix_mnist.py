"""Benchmark: a cold `trace mnist-digit --form matrix` against a cold `trace mazur`, its peer.

    python3 benchmarks/bench_matrix_mnist.py [--runs 5]

Each run is a fresh interpreter (`python3 -m tutor trace …`, output discarded), measured by
`/usr/bin/time`-style accounting of the child: CPU time (user + sys, what a busy machine
does not inflate), wall time and peak resident memory (ru_maxrss). The runs alternate and the
best of `--runs` is reported, with the ratio to the peer: the 784-128-10 step in matrix form
costs what the 2-2-2 per-value trace costs plus the MNIST arithmetic and data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "mnist-digit --form matrix": ["trace", "mnist-digit", "--form", "matrix"],
    "mazur (peer)": ["trace", "mazur"],
}


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """(cpu seconds, wall seconds, peak RSS in kB) of one cold run."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor", *argv], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(args.runs):
        for name, argv in CASES.items():
            cpu, wall, rss = run_once(argv)
            old = best.get(name)
            best[name] = (
                min(cpu, old[0]) if old else cpu,
                min(wall, old[1]) if old else wall,
                max(rss, old[2]) if old else rss,
            )
    for name, (cpu, wall, rss) in best.items():
        print(f"{name:<28} cpu {cpu:.2f} s  wall {wall:.2f} s  peak RSS {rss / 1024:.0f} MB")
    mnist, peer = best["mnist-digit --form matrix"], best["mazur (peer)"]
    print(f"ratio mnist/mazur: cpu {mnist[0] / peer[0]:.2f}×, peak RSS {mnist[2] / peer[2]:.2f}×")


if __name__ == "__main__":
    main()
