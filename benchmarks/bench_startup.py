"""Start-up CPU time of `--help`, `--version` and `lessons` against `python -c pass` and
`python -c "import numpy"`, each the best of a few fresh interpreters.

Run from the repository root: `python3 benchmarks/bench_startup.py`. CPU time (user + system
of the child), so a busy machine still gives a fair figure. Target: `--help` and `--version`
≤ 0.1 s CPU; `lessons` without NumPy.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 7
LIMIT = 0.1


def child_cpu(argv: list[str]) -> float:
    """The least user + system CPU seconds of REPEATS runs of `argv`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    best = float("inf")
    for _ in range(REPEATS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def main() -> None:
    py = sys.executable
    bare = child_cpu([py, "-c", "pass"])
    numpy = child_cpu([py, "-c", "import numpy"])
    print(f"{'python -c pass':28s} {bare:6.3f} s CPU")
    print(f"{'python -c import numpy':28s} {numpy:6.3f} s CPU")
    for argv in (["--help"], ["--version"], ["lessons"], ["trace", "mazur"]):
        ours = child_cpu([py, "-m", "tutor", *argv])
        label = "backprop-tutor " + " ".join(argv)
        limit = f", ×{ours / LIMIT:4.2f} of the {LIMIT} s limit" if argv[0].startswith("-") else ""
        print(
            f"{label:28s} {ours:6.3f} s CPU  ×{ours / bare:4.2f} of bare python, "
            f"×{ours / numpy:4.2f} of import numpy{limit}"
        )


if __name__ == "__main__":
    main()
