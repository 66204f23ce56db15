"""Running `backprop-tutor serve` and a headless Chromium for the browser tests.

The server runs in its own process group, so the tests can count (and, at the end, stop)
every process it started, orphans included: its session starter (the zygote, forking an app
per tab) and, per tab, the client textual-serve runs and the app forked for it. The page's
xterm.js Terminal is kept on `window` by a script Chromium runs before the page's own
(`watch_pages`): the screen is a canvas, so its text is read from the terminal's buffer.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

READ_SCREEN_JS = """() => {
  const t = window.__tutorTerminal;
  if (!t) return "";
  const b = t.buffer.active, lines = [];
  for (let i = 0; i < b.length; i++) {
    const line = b.getLine(i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""

# textual.js makes its xterm.js Terminal in the page's load handler, as
# `this.terminal=new X.Terminal(...)` on an object with no `terminal` of its own. Before the
# page's scripts run, a setter on Object.prototype catches that assignment: it keeps the value
# as an ordinary property of the object, keeps the Terminal on `window`, then removes itself
# (every later `terminal` assignment is plain JavaScript). `open_page_checked` fails when the
# page loaded without a Terminal being caught (textual-serve's script changed).
KEEP_TERMINAL_JS = """(() => {
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal", {
        value, writable: true, enumerable: true, configurable: true,
      });
      if (value && value.buffer && typeof value.loadAddon === "function") {
        window.__tutorTerminal = value;
        delete Object.prototype.terminal;
      }
    },
  });
})();"""

# Chromium resolves no host name (IP addresses included) but the test server's address: a
# page's request for another host fails at once and cannot leave the machine. `watch_pages`
# records it, so that a test can fail on it.
OTHER_HOSTS_UNREACHABLE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def chromium_path() -> str | None:
    """Debian's chromium (a wrapper script), or another on PATH; None when there is none."""
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """`python -m tutor serve` on a free port, in its own process group."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        # The server's own temporary folders (its sessions' progress root, the zygote's socket
        # folder) go in a scratch folder of this test process: a server the test SIGKILLs cannot
        # remove them. Removed at this process's exit, after every assertion about them.
        scratch = tempfile.mkdtemp(prefix="bt-test-")
        atexit.register(shutil.rmtree, scratch, True)
        env = dict(os.environ, BACKPROP_TUTOR_DATA=str(data_dir), TMPDIR=scratch)
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_listening(self, timeout: float = 30.0) -> None:
        """Return once the port accepts connections; AssertionError (with the log) otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"serve did not listen on {self.port}:\n{self.log()}")

    def log(self) -> str:
        """What the server printed so far."""
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def _group(self) -> dict[int, int]:
        """The live processes of the server's group other than the server: pid -> parent pid."""
        pgid = self.process.pid
        parents = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == pgid:
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # Fields after the ")" that ends the command name: state ppid pgrp ...
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                parents[int(entry)] = int(fields[1])
        return parents

    def group_pids(self) -> list[int]:
        """Every process of the server's group but the server: the zygote and the sessions'."""
        return sorted(self._group())

    def zygote_pids(self) -> list[int]:
        """The server's session starter (tutor/web/zygote.py): [] once it has gone."""
        return [
            pid
            for pid, parent in self._group().items()
            if parent == self.process.pid and b"tutor.web.zygote" in _cmdline(pid)
        ]

    def app_pids(self) -> list[int]:
        """The sessions' processes: each tab's client and the app the zygote forked for it
        (the app alone when the zygote is gone), orphans included; not the zygote itself."""
        zygotes = self.zygote_pids()
        return sorted(pid for pid in self._group() if pid not in zygotes)

    def session_pids(self) -> list[int]:
        """One per open tab: the process textual-serve started (the server's own child)."""
        zygotes = self.zygote_pids()
        return sorted(
            pid
            for pid, parent in self._group().items()
            if parent == self.process.pid and pid not in zygotes
        )

    def forked_pids(self) -> list[int]:
        """The apps the zygote forked (one per tab started through it)."""
        zygotes = self.zygote_pids()
        return sorted(pid for pid, parent in self._group().items() if parent in zygotes)

    def wait_sessions_ended(
        self, pids: list[int] | None = None, timeout: float = 30.0
    ) -> list[int]:
        """Wait until none of `pids` (default: no session at all) runs; those still running."""

        def left() -> list[int]:
            running = self.app_pids()
            return running if pids is None else [pid for pid in pids if pid in running]

        poll_until(lambda: not left(), timeout)
        return left()

    def stop(self) -> None:
        """SIGTERM the whole group, SIGKILL what is left after 15 s."""
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self._log.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def poll_until(condition, timeout: float, interval: float = 0.05) -> bool:
    """Check `condition()` every `interval` seconds until it is true (True) or `timeout` (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


def rss_kib(pid: int) -> int:
    """The resident memory of a process in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def watch_pages(context, base_url: str, elsewhere: list[str]) -> None:
    """Keep each page's xterm Terminal on `window`, and record in `elsewhere` every request
    the pages make to another address than `base_url` (Chromium launched with
    OTHER_HOSTS_UNREACHABLE refuses them). No request is routed through Playwright: a
    routed context has no HTTP cache, so each tab would fetch and compile textual.js again.
    """
    context.add_init_script(KEEP_TERMINAL_JS)

    def record(request) -> None:
        if not request.url.startswith(base_url):
            elsewhere.append(request.url)

    context.on("request", record)


def open_page_checked(context, url: str):
    """A new page of `context` at `url`, its xterm Terminal kept; AssertionError otherwise."""
    page = context.new_page()
    page.goto(url)  # returns after the load handlers, textual.js's included, have run
    _check_terminal(page, url)
    return page


def open_page_from(opener, url: str):
    """A new tab opened by the page `opener` (`window.open(url)`), loaded, its xterm Terminal
    kept; AssertionError otherwise. Chromium loads a tab opened so in its opener's renderer
    process when both are of one site; `context.new_page` starts a process for each tab."""
    with opener.context.expect_page() as opened:
        opener.evaluate("(url) => { window.open(url); }", url)
    page = opened.value
    page.wait_for_load_state("load")
    _check_terminal(page, url)
    return page


def _check_terminal(page, url: str) -> None:
    if not page.evaluate("() => !!window.__tutorTerminal"):
        raise AssertionError(f"{url}: the page made no xterm Terminal that KEEP_TERMINAL_JS saw")


# Resolves to the screen's text once it contains `want`, checked each time the terminal has
# parsed what the app wrote (no polling: a check every animation frame kept Chromium drawing
# frames for nothing); rejects after `timeoutMs` with the screen's text.
WAIT_FOR_TEXT_JS = (
    """async ([want, timeoutMs]) => {
  const terminal = window.__tutorTerminal;
  if (!terminal) throw new Error("no xterm Terminal on the page");
  const read = """
    + READ_SCREEN_JS
    + """;
  return await new Promise((resolve, reject) => {
    let parsed = null;
    const timer = setTimeout(() => {
      parsed.dispose();
      reject(new Error(`not on the screen after ${timeoutMs} ms: ${want}\n${read()}`));
    }, timeoutMs);
    const check = () => {
      const screen = read();
      if (screen.includes(want)) {
        parsed.dispose();
        clearTimeout(timer);
        resolve(screen);
      }
    };
    parsed = terminal.onWriteParsed(check);
    check();
  });
}"""
)


def wait_for_screen_text(page, text: str, timeout_ms: int = 60_000) -> str:
    """The screen's text once it contains `text` (read from xterm's buffer); playwright's
    Error, with the screen's text, after `timeout_ms`."""
    return page.evaluate(WAIT_FOR_TEXT_JS, [text, timeout_ms])
