"""Start-up CPU time of `--help`, `--version`, `lessons` and `trace mazur` against `python -c
pass` and `python -c "import numpy"`, each the best of a few fresh interpreters.

Run from the repository root: `python3 benchmarks/bench_startup.py`. CPU time (user + system
of the child), so a busy machine still gives a fair figure; the commands take turns, round after
round, so a change of load affects them alike. `trace mazur`'s ratio to `import numpy` is also
given round by round (each round runs the two back to back): its median and spread. Targets:
`--help` and `--version` ≤ 0.1 s CPU; `lessons` without NumPy; `trace mazur` ≤ 1.3× `import
numpy`.

The children inherit the environment: where PYTHONDONTWRITEBYTECODE is set (as on the shared
development machine) every tutor module is compiled from source on every run, while NumPy and
the standard library load their installed .pyc files. The last lines measure `trace mazur` and
`import numpy` again with a warm bytecode cache (a temporary PYTHONPYCACHEPREFIX), as an
installed package runs, and the very last lines time the tutor as the README's first command
installs it (`pip install .`, which compiles the bytecode at install time, into a temporary
folder), with the environment as it is.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 9
LIMIT = 0.1


def child_cpu(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """User + system CPU seconds of one run of `argv` in `cwd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def rounds_of(
    commands: dict[str, list[str]],
    extra_env: dict[str, str] | None = None,
    path: Path = ROOT,
) -> dict[str, list[float]]:
    """The CPU seconds of each command in each of REPEATS rounds, the commands taking turns."""
    env = {**os.environ, "PYTHONPATH": str(path), **(extra_env or {})}
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(REPEATS):
        for name, argv in commands.items():
            # From the tree itself, or (`path` elsewhere) from that folder: `python -m` puts the
            # current folder first on sys.path, which would pick this tree's source.
            seconds[name].append(child_cpu(argv, env, path))
    return seconds


def ratio_line(ours: list[float], peer: list[float]) -> str:
    """`trace mazur` / `import numpy` round by round (each round's two runs back to back): the
    median and the spread, which a busy shared machine widens far more than it moves the best."""
    ratios = sorted(a / b for a, b in zip(ours, peer))
    return (
        f"{'  round by round':28s} ×{statistics.median(ratios):4.2f} median "
        f"(×{ratios[0]:4.2f}–×{ratios[-1]:4.2f} over {len(ratios)} rounds)"
    )


def main() -> None:
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "python -c import numpy": [py, "-c", "import numpy"],
    }
    for argv in (["--help"], ["--version"], ["lessons"], ["trace", "mazur"]):
        commands["backprop-tutor " + " ".join(argv)] = [py, "-m", "tutor", *argv]
    runs = rounds_of(commands)
    best = {name: min(seconds) for name, seconds in runs.items()}
    bare, numpy = best["python -c pass"], best["python -c import numpy"]
    for label, ours in best.items():
        if not label.startswith("backprop-tutor"):
            print(f"{label:28s} {ours:6.3f} s CPU")
            continue
        limit = f", ×{ours / LIMIT:4.2f} of the {LIMIT} s limit" if " -" in label else ""
        print(
            f"{label:28s} {ours:6.3f} s CPU  ×{ours / bare:4.2f} of bare python, "
            f"×{ours / numpy:4.2f} of import numpy{limit}"
        )
    print(ratio_line(runs["backprop-tutor trace mazur"], runs["python -c import numpy"]))
    with tempfile.TemporaryDirectory() as cache:
        cached = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": cache}
        pair = {k: commands[k] for k in ("python -c import numpy", "backprop-tutor trace mazur")}
        for argv in pair.values():  # fill the cache
            subprocess.run(argv, cwd=ROOT, env={**os.environ, **cached}, stdout=subprocess.DEVNULL)
        numpy_runs, our_runs = rounds_of(pair, cached).values()
    numpy_cached, ours = min(numpy_runs), min(our_runs)
    print("with a warm bytecode cache:")
    print(f"{'  python -c import numpy':28s} {numpy_cached:6.3f} s CPU")
    print(
        f"{'  backprop-tutor trace mazur':28s} {ours:6.3f} s CPU  "
        f"×{ours / numpy_cached:4.2f} of import numpy"
    )
    print(ratio_line(our_runs, numpy_runs))

    installed_figures(pair)


def installed_figures(pair: dict[str, list[str]]) -> None:
    """`trace mazur` from a `pip install .` of this tree (no dependencies: they are installed)."""
    with tempfile.TemporaryDirectory() as target:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target, "."],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        numpy_runs, our_runs = rounds_of(pair, path=Path(target)).values()
    numpy, ours = min(numpy_runs), min(our_runs)
    print("installed as the README installs it (pip install ., bytecode compiled by pip):")
    print(f"{'  python -c import numpy':28s} {numpy:6.3f} s CPU")
    label = "  backprop-tutor trace mazur"
    print(f"{label:28s} {ours:6.3f} s CPU  ×{ours / numpy:4.2f} of import numpy")
    print(ratio_line(our_runs, numpy_runs))


if __name__ == "__main__":
    main()
