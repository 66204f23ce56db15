"""A browser tab's session command: ask `serve`'s zygote for a forked tutor, relay, exit as it.

Run by path as `python -S -I session_client.py SOCKET PYTHON -m tutor tui [ARGS]`: no `site`,
no package import, only C modules (`_socket`, `_signal`: `socket` and `signal` import
`enum`), so the client starts in ~10 ms. It sends its stdin, stdout and stderr (SCM_RIGHTS),
argv, environment and working folder to the zygote (`tutor/web/zygote.py`), which forks the
tutor on those fds; the client relays SIGTERM, SIGINT and SIGHUP to it and exits with its
status (killed by a signal: by the same signal), as textual-serve expects of its process.
When the zygote cannot be reached or refuses, it says so in one line on stderr and execs
`PYTHON -m tutor tui [ARGS]` itself.
"""

import _signal  # type: ignore[import-not-found]  # (no stubs)
import _socket
import os
import select
import sys

PROTOCOL = b"bt-zygote-1"
RELAYED = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP)


class Session:
    """The connection to the zygote and the signals to relay over it."""

    def __init__(self) -> None:
        self.conn: _socket.socket | None = None
        self.pid = 0
        self.pending: list[int] = []  # signals received, not yet relayed
        self.lines = b""

    def on_signal(self, number, _frame) -> None:
        self.pending.append(number)
        self.relay()

    def relay(self) -> None:
        """Pass the pending signals on: over the connection, or straight to the child."""
        while self.pending and (self.conn is not None or self.pid):
            number = self.pending[0]
            try:
                if self.conn is None:
                    raise OSError
                self.conn.send(bytes([number]))
            except OSError:
                if not self.pid:
                    return
                try:
                    os.kill(self.pid, number)
                except OSError:
                    pass
            self.pending.pop(0)

    def request(self, socket_path: str, argv: list[str]) -> None:
        """Connect and send the request with fds 0, 1, 2 (OSError when it cannot)."""
        conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        conn.connect(socket_path)
        fields = [PROTOCOL, os.getcwdb(), str(len(argv)).encode()]
        fields += [os.fsencode(word) for word in argv]
        fields += [name + b"=" + value for name, value in os.environb.items()]
        body = b"\0".join(fields)
        message = len(body).to_bytes(4, "big") + body
        fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
        sent = conn.sendmsg([message], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
        if sent < len(message):  # (sendall of nothing still sends: EPIPE once refused)
            conn.sendall(message[sent:])
        self.conn = conn

    def read_line(self) -> str:
        """The zygote's next line ("" when it has gone)."""
        while b"\n" not in self.lines:
            if self.conn is None:
                return ""
            try:
                chunk = self.conn.recv(4096)
            except OSError:
                chunk = b""
            if not chunk:
                return ""
            self.lines += chunk
        line, self.lines = self.lines.split(b"\n", 1)
        return line.decode(errors="replace")


def exit_as(status: int) -> None:
    """Exit with the child's status; a child killed by a signal: die by the same signal."""
    if status < 0:
        try:
            _signal.signal(-status, _signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL's cannot be set, nor need to be
        os.kill(os.getpid(), -status)
        status = 128 - status
    os._exit(status)


def fall_back(session: Session, argv: list[str], why: str) -> None:
    """Start the tutor in this process, afresh (unless a signal already asked us to end)."""
    if session.pending:
        exit_as(-session.pending[0])
    os.write(
        2,
        f"backprop-tutor serve: session starter unavailable ({why}): started afresh\n".encode(
            errors="replace"
        ),
    )
    for number in RELAYED:
        _signal.signal(number, _signal.SIG_DFL)
    os.execv(argv[0], argv)


def wait_orphan(session: Session) -> None:
    """The zygote has gone while our child runs: wait for the child's end (status unknown)."""
    try:
        pidfd = os.pidfd_open(session.pid)  # Linux 5.3+
    except AttributeError:
        pidfd = -1
    except OSError:
        exit_as(1)  # already gone
    while True:
        try:
            if pidfd >= 0:
                select.select([pidfd], [], [])
                exit_as(1)
            os.kill(session.pid, 0)  # elsewhere: poll
            select.select([], [], [], 0.2)
        except InterruptedError:
            continue
        except ProcessLookupError:
            exit_as(1)


def main(argv: list[str]) -> None:
    if len(argv) < 5:
        os.write(2, b"usage: session_client.py SOCKET PYTHON -m tutor [ARGS]\n")
        os._exit(2)
    socket_path, command = argv[1], argv[2:]
    session = Session()
    for number in RELAYED:
        _signal.signal(number, session.on_signal)
    try:
        session.request(socket_path, command)
    except OSError as error:
        fall_back(session, command, error.strerror or type(error).__name__)
    first = session.read_line()
    if first.startswith("exit "):  # the child died before it could say it runs
        exit_as(int(first[5:]))
    if not first.startswith("pid "):
        fall_back(session, command, first or "the starter ended before forking")
    session.pid = int(first[4:])
    session.relay()
    while True:
        line = session.read_line()
        if line.startswith("exit "):
            exit_as(int(line[5:]))
        if not line:
            session.conn = None
            session.relay()
            wait_orphan(session)


if __name__ == "__main__":
    main(sys.argv)
