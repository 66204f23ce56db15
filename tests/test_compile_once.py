"""tests/compile_once.py: the files compiled before the workers start, shared out evenly."""

from __future__ import annotations

from pathlib import Path

from tests import compile_once


def _files(folder: Path, sizes: list[int], stem: str) -> list[Path]:
    paths = []
    for k, size in enumerate(sizes):
        path = folder / f"{stem}{k}.py"
        path.write_bytes(b"#" * size)
        paths.append(path)
    return paths


def _cost(share: tuple[list[Path], list[Path]]) -> int:
    plain, rewritten = share
    return sum(p.stat().st_size for p in plain) + compile_once.REWRITE_WEIGHT * sum(
        p.stat().st_size for p in rewritten
    )


def test_every_file_goes_to_one_process_as_its_kind(tmp_path):
    plain = _files(tmp_path, [900, 50, 4000, 10, 700, 3000, 20], "plain")
    rewritten = _files(tmp_path, [300, 80, 5, 400, 90], "test_")
    shares = compile_once.split(plain, rewritten, 2)
    assert len(shares) == 2
    assert sorted(p for share in shares for p in share[0]) == sorted(plain)
    assert sorted(p for share in shares for p in share[1]) == sorted(rewritten)


def test_the_estimated_work_is_even(tmp_path):
    """No process is left with more than the costliest single file over another's work
    (largest first to the least loaded); shared by count (every other file), these files
    made 10,405 against 7,900."""
    plain = _files(tmp_path, [4000, 3000, 900, 700, 50, 20, 10], "plain")
    rewritten = _files(tmp_path, [400, 300, 90, 80, 5], "test_")
    costs = [_cost(share) for share in compile_once.split(plain, rewritten, 2)]
    largest = 400 * compile_once.REWRITE_WEIGHT
    assert abs(costs[0] - costs[1]) <= largest
    assert abs(costs[0] - costs[1]) < 0.05 * sum(costs)
