"""`serve`'s sessions: a closed tab's process ends even when it does not read its stdin.

The browser test (test_serve_browser.py) closes tabs on the real tutor; here the session's
command stands for an app that never reads the "quit" textual-serve writes to its stdin (the
tutor while it is still importing Textual), and for one that ignores SIGTERM as well.
"""

from __future__ import annotations

import asyncio
import signal

from textual_serve.download_manager import DownloadManager

from tutor.web.sessions import SessionService

NO_STDIN = "exec sleep 60"  # never reads stdin, ends on SIGTERM
DEAF = "trap '' TERM; exec sleep 60"  # never reads stdin, ignores SIGTERM (kept across exec)


async def _nothing(*_args) -> None:
    """The websocket's writers and closer: nobody is listening."""


def _session(command: str) -> SessionService:
    return SessionService(
        command,
        write_bytes=_nothing,
        write_str=_nothing,
        close=_nothing,
        download_manager=DownloadManager(),
    )


async def _start_and_stop(session: SessionService) -> int | None:
    """Start the session, stop it as a closed tab does (twice, as textual-serve's handler does)."""
    await session.start(80, 24)
    process = session._process
    assert process is not None and process.returncode is None
    try:
        # Without the signal the stop would wait for the process for the whole 60 s of `sleep`.
        await asyncio.wait_for(session.stop(), timeout=30)
        await session.stop()  # the handler's second call: nothing left to do
        return process.returncode
    finally:
        if process.returncode is None:  # the test failed: leave no `sleep` behind
            process.kill()
            await process.wait()


def test_a_session_that_reads_no_stdin_ends_on_sigterm():
    assert asyncio.run(_start_and_stop(_session(NO_STDIN))) == -signal.SIGTERM


def test_a_session_that_ignores_sigterm_is_killed():
    session = _session(DEAF)
    session.kill_after = 0.5
    assert asyncio.run(_start_and_stop(session)) == -signal.SIGKILL
