"""`serve`'s side of the zygote (`tutor/web/zygote.py`): start it, pick each tab's command, stop it.

The server binds the zygote's Unix socket itself, in a private folder (0700), before it
starts the zygote: a tab opened while the zygote still imports waits in the socket's backlog
rather than finding no socket. The server keeps no copy of the listening socket, so once
the zygote has gone, a client's connection is refused and it starts the tutor afresh.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

STOP_WAIT = 15.0  # seconds for the zygote to end its children after the server's stop


def available() -> bool:
    """Whether this platform can fork and pass file descriptors (Unix)."""
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


class SessionStarter:
    """One zygote process; `command()` is a tab's command, the zygote's or the plain one."""

    def __init__(
        self,
        client_command: Callable[[Path], str],
        plain_command: str,
        python: str | None = None,
    ) -> None:
        """`client_command(socket_path)` is a tab's command through the zygote."""
        self.client_command = client_command
        self.plain_command = plain_command
        self.python = python or sys.executable
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self.fell_back = False
        self.environment: dict[str, str] = {}

    @property
    def socket_path(self) -> Path:
        assert self.folder is not None
        return self.folder / "zygote.sock"

    def start(self, environment: dict[str, str]) -> None:
        """Bind the socket and start the zygote with the sessions' `environment`."""
        self.environment = environment
        self.folder = Path(tempfile.mkdtemp(prefix="bt-zygote-"))  # mode 0700
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(str(self.socket_path))
            listener.listen(64)
            self.process = subprocess.Popen(
                [self.python, "-m", "tutor.web.zygote", "--listen-fd", str(listener.fileno())],
                stdin=subprocess.PIPE,
                pass_fds=(listener.fileno(),),
                env=environment,
            )
        finally:
            listener.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> str:
        """The command for a new tab: through the zygote while it runs, else the plain one.

        The first time the zygote is found gone, one line on stderr says so.
        """
        if self.alive():
            return self.client_command(self.socket_path)
        if not self.fell_back:
            self.fell_back = True
            status = None if self.process is None else self.process.returncode
            print(
                f"backprop-tutor serve: the session starter has ended (status {status}): "
                "new tabs start the tutor afresh (slower)",
                file=sys.stderr,
                flush=True,
            )
        return self.plain_command

    def stop(self) -> None:
        """End the zygote (it ends its remaining children first) and remove its folder."""
        process = self.process
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()  # the zygote's signal to stop
            try:
                process.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
