"""`backprop-tutor serve`: the tutor in a web browser (textual-serve), one process per tab."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.cli import UsageError
from tutor.cli.ranges import whole


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `serve`."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine)"
    )
    parser.add_argument(
        "--port", type=whole(1, 65535), default=8000, help="port to listen on (default 8000)"
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address students type, when it differs from http://HOST:PORT",
    )
    parser.add_argument(
        "--shared-progress",
        action="store_true",
        help="every session uses the server's progress folder (default: each its own, "
        "temporary, removed when the server stops)",
    )
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        type=Path,
        action="append",
        help="also offer the lessons in DIR (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    """Check the options, warn about a non-loopback address, and serve until Ctrl+C."""
    from tutor.web import TEMPLATES_DIR, default_public_url, exposure_warning, session_command

    if not args.host or len(args.host) > 253:
        raise UsageError("--host: expected an address or host name of 1 to 253 characters")
    for folder in args.lessons or []:
        if not folder.is_dir():
            raise UsageError(f"--lessons {folder}: no such folder")
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr)
    public_url = args.public_url or default_public_url(args.host, args.port)
    if len(public_url) > 2000 or not public_url.startswith(("http://", "https://")):
        raise UsageError("--public-url: expected an http:// or https:// address")
    # textual-serve (aiohttp) is imported only here (tutor.web.sessions); Textual itself only in
    # each session.
    import shutil
    import tempfile

    from tutor.web import session_starter
    from tutor.web.sessions import TutorServer

    private_root = None if args.shared_progress else Path(tempfile.mkdtemp(prefix="bt-serve-"))
    plain = session_command(args.lessons, private_root=private_root)
    starter = None
    if session_starter.available():
        starter = session_starter.SessionStarter(
            lambda socket: session_command(
                args.lessons, private_root=private_root, starter_socket=socket
            ),
            plain,
        )
    server = TutorServer(
        plain,
        starter=starter,
        host=args.host,
        port=args.port,
        title="backprop-tutor",
        public_url=public_url.rstrip("/"),
        templates_path=TEMPLATES_DIR,
    )
    try:
        server.serve()
    except OSError as error:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {error.strerror}") from None
    finally:
        if private_root is not None:
            shutil.rmtree(private_root, ignore_errors=True)
    return 0
