"""`derive` and `check` on 5 hidden layers of 2 (30 parameters, the symbolic limit), against the
targets of issue 15 (derive ≤ 5 s, check ≤ 3 s), and `derive --expand` as the old default.

Run from the repository root: `python3 benchmarks/bench_derive_deep.py`. CPU seconds of each
fresh process (user + system), so a busy machine still gives a fair figure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = '[[layers]]\nsize = 2\nactivation = "sigmoid"\ninit = "xavier"\nbias = 0.1\n'
NETWORK = (
    'inputs = 2\nloss = "half_sse"\nlearning_rate = 0.5\nseed = 1\n'
    + LAYER * 6
    + "[sample]\ninputs = [0.5, 0.5]\ntargets = [0.2, 0.2]\n"
)


def child_cpu(argv: list[str]) -> tuple[float, int]:
    """(CPU seconds, bytes printed) of one fresh `backprop-tutor` run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-m", "tutor", *argv], cwd=ROOT, env=env, capture_output=True
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, len(out)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        net = Path(folder) / "deep5.toml"
        net.write_text(NETWORK, encoding="utf-8")
        for label, argv, limit in (
            ("derive (factored)", ["derive", "--network", str(net)], 5.0),
            ("check", ["check", "--network", str(net)], 3.0),
            ("derive --expand (old default)", ["derive", "--network", str(net), "--expand"], 5.0),
        ):
            cpu, size = child_cpu(argv)
            print(
                f"{label:30s} {cpu:6.2f} s CPU, {size / 1e3:7.0f} kB printed; "
                f"limit {limit:.0f} s, ratio {cpu / limit:4.2f}"
            )


if __name__ == "__main__":
    main()
