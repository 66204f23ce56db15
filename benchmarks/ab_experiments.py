"""A/B: the CPU of some experiments in two source trees, alternating, and whether their results
are the same bits.

    python3 benchmarks/ab_experiments.py BASE_TREE [--rounds 3] [--plan] ID [ID ...]

BASE_TREE is another checkout of the project (e.g. `git archive main | tar -x -C /tmp/base`);
the other side is this tree. Each round runs the ids, in the order given, in a fresh process of
each tree (base first, then this one), every experiment timed by `time.process_time` around
`registry.run_experiment` (nested runs counted once, where first asked); `--plan` tells the
registry the ids first, as `verify` does. Every round's results are pickled and compared with
the base tree's of that round: every value equal (arrays byte for byte with their dtype and
shape, floats by repr, NaN = NaN), and each id's pickle bytes. This VM's speed moves by up to
×1.4 within an hour: read the pairs, not one figure.
"""

from __future__ import annotations

import argparse
import math
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

THIS_TREE = Path(__file__).resolve().parents[1]

CHILD = """
import pickle, sys, time
sys.path.insert(0, sys.argv[1])
from tutor.experiments import registry
ids, out = sys.argv[3:], sys.argv[2]
registry._load_all()
if "--plan" in ids:
    ids.remove("--plan")
    registry.plan(set(ids))
results, times = {}, {}
for id in ids:
    start = time.process_time()
    results[id] = registry.run_experiment(id)
    times[id] = time.process_time() - start
with open(out, "wb") as f:
    pickle.dump((results, times), f)
"""


def same(a, b, where: str = "") -> list[str]:
    """Where `a` and `b` differ (empty: the same values, types and bits)."""
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} vs {type(b).__name__}"]
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{where}: keys differ"]
        return [d for k in a for d in same(a[k], b[k], f"{where}/{k}")]
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{where}: lengths differ"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in same(x, y, f"{where}[{i}]")]
    if isinstance(a, np.ndarray):
        equal = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        return [] if equal else [f"{where}: arrays differ"]
    if isinstance(a, float):
        equal = repr(a) == repr(b) or (math.isnan(a) and math.isnan(b))
        return [] if equal else [f"{where}: {a!r} vs {b!r}"]
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]


def run(tree: Path, ids: list[str], plan: bool, folder: str) -> tuple[dict, dict]:
    out = str(Path(folder) / "results.pkl")
    args = [sys.executable, "-c", CHILD, str(tree), out, *ids] + (["--plan"] if plan else [])
    subprocess.run(args, check=True)
    with open(out, "rb") as f:
        return pickle.load(f)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("ids", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plan", action="store_true")
    args = parser.parse_args()
    differ = False
    with tempfile.TemporaryDirectory() as folder:
        for r in range(1, args.rounds + 1):
            base_results, base_times = run(args.base, args.ids, args.plan, folder)
            results, times = run(THIS_TREE, args.ids, args.plan, folder)
            for id in args.ids:
                diffs = same(base_results[id], results[id], id)
                if pickle.dumps(base_results[id]) != pickle.dumps(results[id]):
                    diffs.append(f"{id}: pickle bytes differ")
                differ = differ or bool(diffs)
                print(
                    f"round {r} {id:40s} base {base_times[id]:6.2f} s  this {times[id]:6.2f} s"
                    + ("  DIFFERENT: " + "; ".join(diffs[:3]) if diffs else "  same bits")
                )
            base_total, total = sum(base_times.values()), sum(times.values())
            print(
                f"round {r} {'all':40s} base {base_total:6.2f} s  this {total:6.2f} s  "
                f"ratio {total / base_total:.2f}"
            )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
