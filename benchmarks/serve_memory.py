"""Memory per browser session of `backprop-tutor serve`: N tabs in headless Chromium.

Starts `serve` on a free port, opens N pages at once (each its own session, so its own app
process), waits until each shows the lesson picker, opens the worked example in each and steps
four values on, waits, then
reads every app process's RSS and PSS (shared pages split between the processes sharing them)
and the server's. Prints the figures and how many sessions fit in a given amount of memory.

    python3 benchmarks/serve_memory.py --sessions 5 [--memory-gib 24]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serve_helpers import (  # noqa: E402
    READ_SCREEN_JS,
    ServeProcess,
    chromium_path,
    install_routes,
    rss_kib,
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


def wait_text(page, text: str) -> None:
    page.wait_for_function(
        f"(want) => ({READ_SCREEN_JS})().includes(want)", arg=text, timeout=120_000
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--memory-gib", type=float, default=24.0)
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds to wait before measuring (SymPy loads)"
    )
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
                    executable_path=chromium_path(), args=["--no-sandbox"]
                )
                pages = []
                for _ in range(args.sessions):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    install_routes(context, serve.url, [])
                    page = context.new_page()
                    page.goto(serve.url)
                    pages.append(page)
                for page in pages:
                    wait_text(page, "Choose a lesson")
                for page in pages:
                    page.focus(".xterm-helper-textarea")
                    page.keyboard.press("ArrowDown")  # the worked example, second in the list
                    page.keyboard.press("Enter")
                for page in pages:
                    wait_text(page, "step 1 of")
                for page in pages:  # a few steps on: reveal steps show SymPy's formulas
                    for _ in range(4):
                        page.keyboard.press("ArrowRight")
                time.sleep(args.settle)
                pids = serve.app_pids()
                rss = [rss_kib(pid) / 1024 for pid in pids]
                pss = [pss_kib(pid) / 1024 for pid in pids]
                server_rss = rss_kib(serve.process.pid) / 1024
                browser.close()
        finally:
            serve.stop()
    per_session = max(rss)
    budget = args.memory_gib * 1024 - server_rss
    print(f"sessions open: {len(pids)} (asked {args.sessions})")
    print("app RSS per session (MiB): " + ", ".join(f"{x:.1f}" for x in rss))
    print("app PSS per session (MiB): " + ", ".join(f"{x:.1f}" for x in pss))
    print(f"server RSS: {server_rss:.1f} MiB")
    print(
        f"in {args.memory_gib:g} GiB: {int(budget // per_session)} sessions by RSS "
        f"(largest {per_session:.1f} MiB), {int(budget // max(pss))} by PSS"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
