"""Wall and CPU time of the whole test suite from a fresh clone, against the target of 75 s wall.

Run from the repository root: `python3 benchmarks/bench_suite.py` (the README's test command,
`pytest -q -n auto`, once), or with `--serial` to also run the suite on one core (the peer:
`pytest -q`, same clone) and print the ratio. The clone is of the committed HEAD, into a
temporary folder: no bytecode, no Hypothesis database, no pytest cache. The wall time depends
on what else the machine runs, so the load average is printed beside it; CPU is user + system
of pytest and everything it started (workers, servers, Chromium).
"""

from __future__ import annotations

import os
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 75.0  # seconds of wall time on a quiet machine, issue 15
QUICKSTART = re.compile(r"<!-- quickstart:start -->(.*?)<!-- quickstart:end -->", re.DOTALL)


def readme_pytest_args() -> list[str]:
    """The pytest options of the README's test command (the line .ci/run runs)."""
    block = QUICKSTART.search((ROOT / "README.md").read_text(encoding="utf-8")).group(1)
    line = [s for s in block.splitlines() if s.startswith("python3 -m pip install")][1]
    command = line.split("&&")[-1].strip()
    argv = shlex.split(command)
    assert argv[:3] == ["python3", "-m", "pytest"], command
    return argv[3:]


def timed(argv: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (with children) and the last line pytest printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    return wall, cpu, lines[-1] if lines else f"exit status {done.returncode}"


def main() -> None:
    serial = "--serial" in sys.argv[1:]
    args = readme_pytest_args()
    with tempfile.TemporaryDirectory(prefix="bt-suite-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        pytest = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        wall, cpu, last = timed([*pytest, *args], clone)
        print(f"pytest {' '.join(args)}: {wall:7.1f} s wall {cpu:7.1f} s CPU  ({last})")
        print(f"load average after:  {os.getloadavg()[0]:.2f}")
        print(f"limit:               {LIMIT:7.1f} s wall")
        print(f"ratio wall / limit:  {wall / LIMIT:7.2f}  (target ≤ 1 on a quiet machine)")
        if serial:
            one = [a for a in args if a not in ("-n", "auto") and not a.startswith("-n")]
            peer_wall, peer_cpu, peer_last = timed([*pytest, *one], clone)
            print(f"pytest {' '.join(one)} (one core): {peer_wall:7.1f} s wall "
                  f"{peer_cpu:7.1f} s CPU  ({peer_last})")
            print(f"ratio wall / one core: {wall / peer_wall:7.2f}")


if __name__ == "__main__":
    main()
