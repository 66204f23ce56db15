"""The class server's session starter (a "zygote"): the tutor's TUI imported once, forked per tab.

`serve` starts this as its own child (`python -m tutor.web.zygote --listen-fd N`), handing
it a listening Unix socket in a private (0700) folder. It imports what `python -m tutor tui`
loads before its first paint (Python, Textual, the picker), then waits. Each tab's command is
a small client (`tutor/web/session_client.py`) that connects and sends its standard file
descriptors (SCM_RIGHTS), its argv, environment and working folder; the zygote forks a child
that takes those as its own and runs `python -m tutor tui ...` from the imports already done.

The wire (all lines end with "\\n"):
  client -> zygote: one request, 4-byte big-endian length + NUL-separated fields
                    (version, cwd, argc, argv..., env "K=V"...), with 3 fds (stdin, stdout,
                    stderr); then one byte per signal to relay (SIGTERM, SIGINT, SIGHUP).
  zygote -> client: "pid N" (sent by the forked child itself), then "exit N" (N < 0: killed
                    by signal -N); or "refused WHY".
A client that goes away kills its child (SIGKILL): textual-serve kills the client of a
session that ignored SIGTERM. When the server goes away (this process's stdin, a pipe from
it, ends), the zygote stops accepting, ends its children (SIGTERM, then SIGKILL) and exits.

Fork safety: the zygote is single-threaded and never creates an event loop; it refuses to
start if an import started a thread or loaded NumPy (OpenBLAS starts threads at import).
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import socket
import sys
import time

# What `python -m tutor tui` imports before its first paint, and the driver textual-serve sets.
PRELOAD = (
    "runpy",
    "tutor.cli",
    "tutor.cli.tui_cmd",
    "tutor.cli.lessons_option",
    "tutor.tui.app",
    "tutor.tui.screens.picker",
    "textual.drivers.web_driver",
    # Loaded by App.run and the first layout (`-X importtime` in a forked child, 40 ms here).
    "textual.pilot",
    "textual.layouts.factory",
    "textual.scrollbar",
    "tutor.paths",
)
PROTOCOL = b"bt-zygote-1"
MAX_REQUEST = 1 << 20  # bytes: argv and environment together (Linux's ARG_MAX is 2 MiB)
REQUEST_TIMEOUT = 5.0  # seconds for a connected client to send its request
STOP_GRACE = 5.0  # seconds from SIGTERM to SIGKILL for the children when the server has gone
RELAYED = frozenset({signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
# Variables read while the app runs, not when its modules are imported (Textual reads its
# TEXTUAL_* settings at import): only these may differ between a request and the zygote.
RUNTIME_VARIABLES = frozenset(
    {"COLUMNS", "ROWS", "BACKPROP_TUTOR_DATA", "PWD", "OLDPWD", "SHLVL", "_"}
)


class Refused(Exception):
    """A request the zygote does not serve (the client then starts the tutor afresh)."""


def preload() -> None:
    """Import the TUI, and check that the process can still fork safely."""
    import importlib
    import threading

    for name in PRELOAD:
        importlib.import_module(name)
    if threading.active_count() != 1 or "numpy" in sys.modules:
        raise SystemExit("zygote: an import started a thread or loaded NumPy: unsafe to fork")


def read_request(conn: socket.socket) -> tuple[list[int], bytes, list[bytes], dict[bytes, bytes]]:
    """The client's fds, cwd, argv and environment; Refused when malformed or too large."""
    conn.settimeout(REQUEST_TIMEOUT)
    fds: list[int] = []
    data = b""
    try:
        while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
            if len(data) >= 4 and int.from_bytes(data[:4], "big") > MAX_REQUEST:
                raise Refused(f"request over {MAX_REQUEST} bytes")
            chunk, more_fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
            fds += more_fds
            if not chunk:
                raise Refused("the client left before its request ended")
            data += chunk
        fields = data[4:].split(b"\0")
        if len(fds) != 3 or fields[0] != PROTOCOL:
            raise Refused("expected 3 fds and protocol " + PROTOCOL.decode())
        cwd, argc = fields[1], int(fields[2])
        argv = fields[3 : 3 + argc]
        env = dict(item.split(b"=", 1) for item in fields[3 + argc :] if b"=" in item)
        if len(argv) != argc or argv[1:3] != [b"-m", b"tutor"]:
            raise Refused("expected argv PYTHON -m tutor ...")
        return fds, cwd, argv, env
    except (Refused, OSError, ValueError) as error:
        for fd in fds:
            os.close(fd)
        raise Refused(str(error)) from None


def environment_mismatch(env: dict[bytes, bytes], own: dict[bytes, bytes]) -> list[str]:
    """The variables, not read at run time, whose value differs from the zygote's."""
    runtime = {name.encode() for name in RUNTIME_VARIABLES}
    names = (set(env) | set(own)) - runtime
    return sorted(name.decode(errors="replace") for name in names if env.get(name) != own.get(name))


class Zygote:
    """The accept/fork/reap loop (single-threaded, `selectors`)."""

    def __init__(self, listener: socket.socket, own_env: dict[bytes, bytes]) -> None:
        self.listener = listener
        self.own_env = own_env
        self.selector = selectors.DefaultSelector()
        self.wake_read, self.wake_write = socket.socketpair()
        self.children: dict[int, socket.socket | None] = {}  # pid -> its client's connection

    def serve(self) -> None:
        """Fork a child per request until the server goes away; then end the children."""
        for sock in (self.wake_read, self.wake_write):
            sock.setblocking(False)
        signal.set_wakeup_fd(self.wake_write.fileno())
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector via the wakeup fd
        # Ctrl+C reaches the whole process group: the server then closes our stdin.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.selector.register(self.listener, selectors.EVENT_READ, self._accept)
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, self._parent_input)
        self.selector.register(self.wake_read, selectors.EVENT_READ, self._reap)
        self.running = True
        while self.running:
            for key, _events in self.selector.select():
                key.data(key.fileobj)
        self._end_children()

    def _parent_input(self, fd: int) -> None:
        if not os.read(fd, 512):  # the server has gone (or stops us)
            self.running = False

    def _accept(self, listener: socket.socket) -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        try:
            fds, cwd, argv, env = read_request(conn)
            mismatch = environment_mismatch(env, self.own_env)
            if mismatch:
                for fd in fds:
                    os.close(fd)
                raise Refused("environment differs from the zygote's: " + " ".join(mismatch))
        except Refused as why:
            self._send(conn, f"refused {why}".replace("\n", " "))
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as error:  # out of processes or memory: the client starts afresh
            pid = -1
            self._send(conn, f"refused fork: {error.strerror}")
        if pid == 0:
            self._child(conn, fds, cwd, argv, env)
        for fd in fds:
            os.close(fd)
        if pid < 0:
            conn.close()
            return
        conn.setblocking(False)
        self.children[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ, self._client_input)

    def _client_input(self, conn: socket.socket) -> None:
        pid = next(pid for pid, c in self.children.items() if c is conn)
        try:
            data = conn.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client has gone: so does its session
            self._forget(pid)
            self._kill(pid, signal.SIGKILL)
            return
        for number in data:
            if number in RELAYED:
                self._kill(pid, number)

    def _reap(self, wake: socket.socket) -> None:
        try:
            while wake.recv(512):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                self._send(conn, f"exit {os.waitstatus_to_exitcode(status)}")
                self.selector.unregister(conn)
                conn.close()

    def _forget(self, pid: int) -> None:
        conn = self.children.get(pid)
        if conn is not None:
            self.selector.unregister(conn)
            conn.close()
            self.children[pid] = None

    def _kill(self, pid: int, number: int) -> None:
        if pid in self.children:  # not yet reaped: the pid is still our child's
            try:
                os.kill(pid, number)
            except ProcessLookupError:
                pass

    @staticmethod
    def _send(conn: socket.socket, line: str) -> None:
        try:
            conn.setblocking(True)
            conn.settimeout(1.0)
            conn.sendall(line.encode() + b"\n")
            conn.setblocking(False)
        except OSError:
            pass  # the client has gone; its EOF says so

    def _end_children(self) -> None:
        """The server has gone: SIGTERM the children, SIGKILL those left after STOP_GRACE."""
        self.selector.unregister(self.listener)
        self.selector.unregister(sys.stdin.fileno())
        self.listener.close()
        for number, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
            for pid in list(self.children):
                self._kill(pid, number)
            deadline = time.monotonic() + grace
            while self.children and time.monotonic() < deadline:
                for key, _events in self.selector.select(deadline - time.monotonic()):
                    if key.data == self._reap or key.data == self._client_input:
                        key.data(key.fileobj)
            if not self.children:
                return

    def _child(self, conn, fds, cwd, argv, env) -> None:
        """In the forked child: become `python -m tutor tui ...` on the client's fds. No return."""
        status = 1
        try:
            # The child, not the zygote, says it runs: were the zygote to die now, the client
            # must not start a second tutor on the same fds.
            conn.sendall(f"pid {os.getpid()}\n".encode())
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, ())
            self.selector.close()
            for sock in (self.listener, self.wake_read, self.wake_write, conn):
                sock.close()
            for other in self.children.values():
                if other is not None:
                    other.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            os.chdir(cwd)
            os.environ.clear()
            os.environb.update(env)
            _fresh_std_streams()
            sys.argv = [os.fsdecode(word) for word in argv[2:]]  # runpy sets argv[0]
            status = _run_tutor()
        except BaseException:
            import traceback

            traceback.print_exc()  # on the client's stderr once fd 2 is there
            sys.stderr.flush()
        finally:
            os._exit(status)


def _fresh_std_streams() -> None:
    """sys.stdin/stdout/stderr on the new fds 0/1/2, made as Python makes them at start-up."""
    encoding = sys.stdout.encoding if sys.stdout else "utf-8"
    sys.stdin = sys.__stdin__ = open(0, encoding=encoding, closefd=False)  # type: ignore[misc]  # noqa: SIM115
    stdout = open(1, "w", encoding=encoding, closefd=False)  # noqa: SIM115
    stdout.reconfigure(line_buffering=os.isatty(1))
    stderr = open(2, "w", encoding=encoding, errors="backslashreplace", closefd=False)  # noqa: SIM115
    stderr.reconfigure(line_buffering=True)
    sys.stdout = sys.__stdout__ = stdout  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = stderr  # type: ignore[misc]


def _run_tutor() -> int:
    """Run the `tutor` package as `python -m tutor` does; its exit status, after atexit."""
    import atexit
    import runpy
    import threading

    status = 0
    try:
        runpy.run_module("tutor", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        if stop.code is None:
            status = 0
        elif isinstance(stop.code, int):
            status = stop.code & 0xFF
        else:
            print(stop.code, file=sys.stderr)
            status = 1
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        status = 128 + signal.SIGINT
    except BaseException:
        sys.excepthook(*sys.exc_info())
        status = 1
    try:
        threading._shutdown()  # type: ignore[attr-defined]  # as the interpreter does at exit
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BaseException:
        pass
    if status == 128 + signal.SIGINT:  # end by SIGINT, as Python does after KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor.web.zygote")
    parser.add_argument("--listen-fd", type=int, required=True)
    args = parser.parse_args(argv)
    listener = socket.socket(fileno=args.listen_fd)
    address = listener.getsockname()
    own_env = dict(os.environb)
    preload()
    Zygote(listener, own_env).serve()
    # The server removes the folder when it stops; a server killed (SIGKILL) cannot.
    folder = os.path.dirname(address)
    if os.path.basename(folder).startswith("bt-zygote-"):
        for remove, path in ((os.unlink, address), (os.rmdir, folder)):
            try:
                remove(path)
            except OSError:
                pass
    return 0


def exit_without_teardown(status: int) -> None:
    """Exit as the interpreter would (atexit handlers run, stdout and stderr flushed), without
    then tearing down every module the preload imported: ~0.08 s of CPU for Textual's, once
    per server and in its wait for the zygote to end, which frees nothing a process's end
    does not (the sockets and the folder are closed and removed above)."""
    import atexit

    try:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(status)


if __name__ == "__main__":
    exit_without_teardown(main())
