"""A browser tab's app start under `serve`: through the zygote (ours) vs `python -m tutor tui`.

Each round runs a tab's command exactly as textual-serve does (the shell command of
`tutor.web.session_command`, textual-serve's environment, pipes for stdin/stdout/stderr), once
through a zygote started here as `serve` starts it (ours) and once plainly (the peer),
alternating. Measured at the first frame that shows the picker ("Choose a lesson" in the app's
output): the wall time from the spawn, and the CPU time of the tab's processes so far (from
/proc/PID/schedstat, in ns: the command's process, plus for ours the app the zygote forked).
The zygote's own start (its imports, paid once per server) is printed apart.

    python3 benchmarks/bench_serve_sessions.py [ROUNDS]
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.web import session_command  # noqa: E402
from tutor.web.session_starter import SessionStarter  # noqa: E402
from tutor.web.sessions import session_environment  # noqa: E402

PICKER = b"Choose a lesson"
client_cpu: list[float] = []  # the tab's command's process alone (ours: the client)


def cpu_seconds(pid: int) -> float:
    """The CPU time a live process has had (schedstat's first field, ns)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def children_of(parent: int) -> set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            pids.add(int(entry))
    return pids


def read_until_picker(stdout) -> None:
    """Read the app's packets (after its "__GANGLION__" line) until the picker's text shows."""
    if stdout.readline() != b"__GANGLION__\n":
        raise SystemExit("the app did not start")
    seen = b""
    while PICKER not in seen:
        head = stdout.read(5)
        if len(head) < 5:
            raise SystemExit("the app ended before its picker showed")
        seen += stdout.read(int.from_bytes(head[1:], "big"))


def one_start(command: str, environment: dict[str, str], zygote: int | None) -> tuple[float, float]:
    """(wall s, CPU s) from spawning a tab's command to its picker on screen."""
    before = children_of(zygote) if zygote else set()
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        shell=True,
        cwd=ROOT,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        read_until_picker(process.stdout)
        wall = time.perf_counter() - start
        pids = [process.pid, *(children_of(zygote) - before if zygote else ())]
        cpu = sum(cpu_seconds(pid) for pid in pids)
        client_cpu.append(cpu_seconds(process.pid))
    finally:
        process.send_signal(signal.SIGTERM)  # the app exits as for "quit"
        process.communicate(timeout=30)
    if zygote and len(pids) != 2:
        raise SystemExit(f"expected the client and one forked app, found {pids}")
    return wall, cpu


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    root = Path(tempfile.mkdtemp(prefix="bt-bench-serve-"))
    environment = dict(session_environment(), COLUMNS="80", ROWS="24")
    plain = session_command(private_root=root)
    starter = SessionStarter(
        lambda path: session_command(private_root=root, starter_socket=path), plain
    )
    started = time.perf_counter()
    starter.start(session_environment())
    try:
        ours_command = starter.command()
        results: dict[str, list[tuple[float, float]]] = {"ours": [], "peer": []}
        # The first tab waits for the zygote's imports: the server's start, not a tab's.
        first = one_start(ours_command, environment, starter.process.pid)
        zygote_cpu = cpu_seconds(starter.process.pid)
        print(
            f"zygote start (once per server): {zygote_cpu:.3f} s CPU; first tab's picker "
            f"{time.perf_counter() - started:.3f} s after the server's start "
            f"({first[0]:.3f} s from the tab's spawn)"
        )
        for _round in range(rounds):
            results["ours"].append(one_start(ours_command, environment, starter.process.pid))
            results["peer"].append(one_start(plain, environment, None))
    finally:
        starter.stop()
        shutil.rmtree(root, ignore_errors=True)
    clients = client_cpu[1::2]  # ours (after the first tab), not the peer's
    print(f"{rounds} rounds, alternating; medians (min-max)")
    client_ms = statistics.median(clients) * 1000
    print(f"ours' client alone (sh, env, python -S -I): {client_ms:.0f} ms CPU")
    for index, what in ((1, "CPU to first paint"), (0, "time to first paint (wall)")):
        ours = [result[index] for result in results["ours"]]
        peer = [result[index] for result in results["peer"]]
        print(
            f"{what}: ours {statistics.median(ours) * 1000:.0f} ms "
            f"({min(ours) * 1000:.0f}-{max(ours) * 1000:.0f}), "
            f"peer python -m tutor tui {statistics.median(peer) * 1000:.0f} ms "
            f"({min(peer) * 1000:.0f}-{max(peer) * 1000:.0f}), "
            f"ratio x{statistics.median(ours) / statistics.median(peer):.2f}"
        )


if __name__ == "__main__":
    main()
