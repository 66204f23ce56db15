"""Cold start of `backprop-tutor derive mazur` (SymPy import included) against a bare SymPy import.

Each run is a fresh interpreter. Prints wall and CPU seconds (min and median of
several runs) and the ratio to the peer measured in the same run. The target
is a cold `derive mazur` within 2 s.

    python3 benchmarks/bench_derive.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0

TUTOR = [sys.executable, "-m", "tutor"]
COMMANDS = {
    "peer: python -c 'import sympy'": [sys.executable, "-c", "import sympy"],
    "derive mazur": TUTOR + ["derive", "mazur"],
    "derive mazur --param w1": TUTOR + ["derive", "mazur", "--param", "w1"],
    "derive mazur --format tex": TUTOR + ["derive", "mazur", "--format", "tex"],
    "check mazur": TUTOR + ["check", "mazur"],
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh run of `command`."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0, _children_cpu() - cpu0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    # Bytecode caches warm, so "cold" means a fresh interpreter, not a first install.
    for command in COMMANDS.values():
        time_once(command)
    results = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():  # interleaved: load drifts hit every command
            results[name].append(time_once(command))
    load = os.getloadavg()[0]
    print(f"{args.runs} runs each, interleaved; load average {load:.2f} on {os.cpu_count()} CPUs")
    columns = ("wall min", "wall med", "cpu min", "cpu med")
    print(f"{'command':<30}" + "".join(f"{c:>10}" for c in columns) + f"{'× peer':>9}")
    peer = statistics.median(w for w, _ in results["peer: python -c 'import sympy'"])
    for name, runs in results.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"{name:<30}{min(walls):>10.3f}{statistics.median(walls):>10.3f}"
            f"{min(cpus):>10.3f}{statistics.median(cpus):>10.3f}"
            f"{statistics.median(walls) / peer:>9.2f}"
        )
    derive = statistics.median(w for w, _ in results["derive mazur"])
    verdict = "within" if derive <= TARGET_SECONDS else "OVER"
    print(f"cold `derive mazur`: median {derive:.3f} s, {verdict} the {TARGET_SECONDS:g} s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
