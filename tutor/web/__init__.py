"""Serving the tutor in a web browser with textual-serve: one app process per browser tab.

textual-serve starts the session command once per websocket (a browser tab) and stops that
process when the tab closes. The command starts with `exec`, so the shell textual-serve
spawns becomes the tutor itself and no extra shell lingers per session. The app runs with
textual-serve's web driver (it sets TEXTUAL_DRIVER), over pipes rather than a terminal.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

# Our copy of textual-serve's page template, without its link to an external font
# stylesheet (a network that silently drops that request would keep the page from connecting)
# and without its fade-ins (the terminal shows at its first byte).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# A tab's client of `serve`'s zygote, run by path (it imports nothing of the package).
SESSION_CLIENT = Path(__file__).resolve().parent / "session_client.py"


def session_command(
    lessons_dirs: list[Path] | None = None,
    python: str | None = None,
    private_root: Path | None = None,
    starter_socket: Path | None = None,
) -> str:
    """The shell command textual-serve runs for each browser session.

    With `private_root`, each session keeps its progress in a folder of its own made there
    (`mktemp -d`), so one student never resumes another's lesson; without it, every session
    shares the server's data folder. With `starter_socket`, the command is the small client
    that asks `serve`'s zygote (tutor/web/zygote.py) listening there for a forked tutor, and
    runs the same `python -m tutor tui` itself when it cannot.
    """
    python = python or sys.executable
    words = [python, "-m", "tutor", "tui"]
    for folder in lessons_dirs or []:
        words += ["--lessons", str(Path(folder).resolve())]
    if starter_socket is not None:
        words = [python, "-S", "-I", str(SESSION_CLIENT), str(starter_socket), *words]
    command = " ".join(shlex.quote(word) for word in words)
    if private_root is None:
        return "exec " + command
    session = f'"$(mktemp -d -p {shlex.quote(str(private_root))} session-XXXXXX)"'
    return f"exec env BACKPROP_TUTOR_DATA={session} {command}"


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str | None:
    """The one-line warning for a non-loopback address, None for loopback."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}:{port}, not the loopback address: anyone who can reach "
        "this port gets a tutor session (a process on this machine)"
    )


def default_public_url(host: str, port: int) -> str:
    """The address the page tells browsers to connect to when `--public-url` is not given.

    The page holds absolute links (its websocket among them), so a wildcard address
    (0.0.0.0, ::) is replaced by this machine's name: no browser can connect to 0.0.0.0.
    """
    if host in ("0.0.0.0", "::", "[::]"):
        import socket

        host = socket.getfqdn()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"
