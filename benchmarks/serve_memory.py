"""Memory per browser session of `backprop-tutor serve`: N tabs in headless Chromium.

Starts `serve` on a free port, opens N pages at once (each its own session, so its own app
process), waits until each shows the lesson picker, opens the worked example in each and steps
four values on, waits, then
reads every app process's RSS and PSS (shared pages split between the processes sharing them)
and the server's. Prints the figures and how many sessions fit in a given amount of memory.

`--train` measures a training run instead: each session opens the MNIST lesson (9), goes to
its run step and starts it; every app process's RSS is sampled every 0.2 s from the lesson
list until every run shows its results, and the peak (and the RSS after) is printed.

    python3 benchmarks/serve_memory.py --sessions 5 [--memory-gib 24]
    python3 benchmarks/serve_memory.py --sessions 1 --train
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serve_helpers import (  # noqa: E402
    OTHER_HOSTS_UNREACHABLE,
    READ_SCREEN_JS,
    ServeProcess,
    chromium_path,
    open_page_checked,
    rss_kib,
    wait_for_screen_text,
    watch_pages,
)


def pss_kib(pid: int) -> int:
    """Proportional set size in KiB (0 when unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--memory-gib", type=float, default=24.0)
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds to wait before measuring (SymPy loads)"
    )
    parser.add_argument(
        "--train", action="store_true", help="measure during lesson 9's MNIST training run"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds a run may take")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 50:
        parser.error("--sessions: expected 1 to 50")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        serve = ServeProcess(Path(tmp), Path(tmp) / "serve.log")
        try:
            serve.wait_listening()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(),
                    args=["--no-sandbox", OTHER_HOSTS_UNREACHABLE],
                )
                pages = []
                for _ in range(args.sessions):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    watch_pages(context, serve.url, [])
                    pages.append(open_page_checked(context, serve.url))
                for page in pages:
                    # The picker paints first and lists the lessons after: a key pressed
                    # before the list shows opens nothing.
                    wait_for_screen_text(page, "The 2-2-2 worked example", 120_000)
                if args.train:
                    return measure_training(serve, browser, pages, args)
                for page in pages:
                    page.focus(".xterm-helper-textarea")
                    page.keyboard.press("ArrowDown")  # the worked example, second in the list
                    page.keyboard.press("Enter")
                for page in pages:
                    wait_for_screen_text(page, "step 1 of", 120_000)
                for page in pages:  # a few steps on: reveal steps show SymPy's formulas
                    for _ in range(4):
                        page.keyboard.press("ArrowRight")
                time.sleep(args.settle)
                pids = serve.forked_pids() or serve.session_pids()  # the apps
                clients = [pid for pid in serve.session_pids() if pid not in pids]
                rss = [rss_kib(pid) / 1024 for pid in pids]
                pss = [pss_kib(pid) / 1024 for pid in pids]
                client_rss = [rss_kib(pid) / 1024 for pid in clients] or [0.0]
                client_pss = [pss_kib(pid) / 1024 for pid in clients] or [0.0]
                server_rss = sum(
                    rss_kib(pid) / 1024 for pid in (serve.process.pid, *serve.zygote_pids())
                )
                browser.close()
        finally:
            serve.stop()
    per_session = max(rss) + max(client_rss)
    budget = args.memory_gib * 1024 - server_rss
    print(f"sessions open: {len(pids)} (asked {args.sessions})")
    print("app RSS per session (MiB): " + ", ".join(f"{x:.1f}" for x in rss))
    print("app PSS per session (MiB): " + ", ".join(f"{x:.1f}" for x in pss))
    print(
        f"each tab's client (zygote path) RSS {max(client_rss):.1f} MiB, "
        f"PSS {max(client_pss):.1f} MiB"
    )
    print(f"server RSS (with its zygote): {server_rss:.1f} MiB")
    print(
        f"in {args.memory_gib:g} GiB: {int(budget // per_session)} sessions by RSS "
        f"(largest {per_session:.1f} MiB), "
        f"{int(budget // (max(pss) + max(client_pss)))} by PSS"
    )
    return 0


def measure_training(serve, browser, pages, args) -> int:
    """Open lesson 9 in every session, start its MNIST run, sample RSS until every run ends.

    Sampling starts before the lesson opens: a lesson whose predict steps ask for the run's
    results may start it as the lesson opens, so the peak is over the whole visit."""
    from tutor.lessons.loader import load_lesson

    lesson = load_lesson(Path(__file__).resolve().parent.parent / "lessons" / "09-mnist.toml")
    run_step = next(k for k, step in enumerate(lesson.steps, start=1) if step.kind == "run")
    pids = serve.forked_pids() or serve.session_pids()  # the apps
    before = {pid: rss_kib(pid) / 1024 for pid in pids}
    peak = dict(before)

    def sample(seconds: float = 0.0) -> None:
        end = time.monotonic() + seconds
        while True:
            for pid in pids:
                peak[pid] = max(peak[pid], rss_kib(pid) / 1024)
            if time.monotonic() >= end:
                return
            time.sleep(0.2)

    for page in pages:
        page.focus(".xterm-helper-textarea")
        for _ in range(8):  # lessons 1 … 8 above it (a fresh data folder: no resume line)
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
    for page in pages:
        # the lesson screen (its title is in the picker too)
        wait_for_screen_text(page, "step 1 of", 120_000)
    sample(args.settle)
    start = time.monotonic()
    for page in pages:  # g opens "go to" the run step, r starts the run
        page.keyboard.press("g")
        sample(1.0)
        page.keyboard.type(str(run_step))
        page.keyboard.press("Enter")
        wait_for_screen_text(page, f"step {run_step} of", 120_000)
        page.keyboard.press("r")
    done: set[int] = set()
    while len(done) < len(pages) and time.monotonic() - start < args.timeout:
        sample()
        for k, page in enumerate(pages):
            if k not in done and "held-out accuracy" in page.evaluate(READ_SCREEN_JS).lower():
                done.add(k)
        time.sleep(0.2)
    elapsed = time.monotonic() - start
    after = {pid: rss_kib(pid) / 1024 for pid in pids}
    browser.close()
    serve.stop()
    print(
        f"sessions training: {len(pids)}; runs finished {len(done)} of {len(pages)} "
        f"{elapsed:.0f} s after the run step was reached"
    )
    for pid in pids:
        print(
            f"app RSS (MiB): at the lesson list {before[pid]:.1f}, peak in the lesson and its "
            f"run {peak[pid]:.1f}, after it {after[pid]:.1f}"
        )
    largest = max(peak.values())
    print(
        f"in {args.memory_gib:g} GiB: {int(args.memory_gib * 1024 // largest)} sessions "
        f"all training at once (peak {largest:.1f} MiB each)"
    )
    return 0 if len(done) == len(pages) else 1


if __name__ == "__main__":
    raise SystemExit(main())
