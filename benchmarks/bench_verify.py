"""CPU time of `backprop-tutor verify` from a fresh interpreter (nothing cached), against the
target of 12 s CPU, and of the two-hidden-layer experiments alone.

Run from the repository root: `python3 benchmarks/bench_verify.py`. CPU time (user + system of
the child) rather than wall time, so a machine shared with other work still gives a fair figure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
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


def child_cpu(argv: list[str]) -> float:
    """User + system CPU seconds of one child process (and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    experiments = (  # planned first, as verify plans them
        "from tutor.experiments.registry import plan, run_experiment\n"
        f"plan(set({EXPERIMENTS!r}))\n"
        f"for e in {EXPERIMENTS!r}:\n    run_experiment(e)\n"
    )
    two_hidden = child_cpu([sys.executable, "-c", experiments])
    verify = child_cpu([sys.executable, "-m", "tutor", "verify", "--format", "json"])
    print(f"two-hidden-layer experiments: {two_hidden:6.2f} s CPU")
    print(f"verify (all lessons):         {verify:6.2f} s CPU")
    print(f"limit:                        {LIMIT:6.2f} s CPU")
    print(f"ratio verify / limit:         {verify / LIMIT:6.2f}  (target ≤ 1)")


if __name__ == "__main__":
    main()
