"""Wall and CPU time of `backprop-tutor verify` from a fresh interpreter (nothing cached),
against the target of 12 s, and of the two-hidden-layer experiments alone.

Run from the repository root: `python3 benchmarks/bench_verify.py`. `verify` runs the
two-hidden-layer experiments in a child process on the second core while it checks the rest
(`registry.run_apart`): on a quiet machine the wall time is the learner's wait; the CPU time
(user + system of verify and its child together) is the figure a loaded machine still gives
fairly. `--serial` also times verify with the child disabled (one core), as the peer.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 12.0  # seconds of CPU, issue 15
EXPERIMENTS = [
    "two_hidden_xor",
    "two_hidden_linear",
    "two_hidden_sweep_figures",
    "two_hidden_sweep_lr_xor",
    "two_hidden_sweep_units_linear",
    "two_hidden_sweep_units_xor",
]


def child_times(argv: list[str]) -> tuple[float, float]:
    """(wall, user + system CPU) seconds of one child process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# verify with `run_apart` seeing one core: everything in one process (the peer).
SERIAL = (
    "import os, sys\nos.cpu_count = lambda: 1\nfrom tutor.cli import main\n"
    "sys.exit(main(['verify', '--format', 'json']))\n"
)


def main() -> None:
    experiments = (  # planned first, as verify plans them
        "from tutor.experiments.registry import plan, run_experiment\n"
        f"plan(set({EXPERIMENTS!r}))\n"
        f"for e in {EXPERIMENTS!r}:\n    run_experiment(e)\n"
    )
    _, two_hidden = child_times([sys.executable, "-c", experiments])
    wall, cpu = child_times([sys.executable, "-m", "tutor", "verify", "--format", "json"])
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"two-hidden-layer experiments:   {two_hidden:6.2f} s CPU")
    print(f"verify (all lessons):           {wall:6.2f} s wall, {cpu:6.2f} s CPU (with its child)")
    if "--serial" in sys.argv:
        serial_wall, serial_cpu = child_times([sys.executable, "-c", SERIAL])
        print(f"verify in one process (peer):   {serial_wall:6.2f} s wall, {serial_cpu:6.2f} s CPU")
        print(f"wall, two cores / one:          {wall / serial_wall:6.2f}")
    print(f"limit:                          {LIMIT:6.2f} s")
    print(f"ratio wall / limit:             {wall / LIMIT:6.2f}  (target ≤ 1 on a quiet machine)")
    print(f"ratio CPU / limit:              {cpu / LIMIT:6.2f}  (the figure on a loaded machine)")


if __name__ == "__main__":
    main()
