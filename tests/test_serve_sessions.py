"""`serve`'s sessions: a closed tab's process ends even when it does not read its stdin,
and stopping the server ends the sessions of the tabs still open.

The browser test (test_serve_browser.py) closes tabs on the real tutor; here the session's
command stands for an app that never reads the "quit" textual-serve writes to its stdin (the
tutor while it is still importing Textual), and for one that ignores SIGTERM as well.

aiohttp and textual-serve (~0.23 s of CPU) are imported by the tests that use them, not when
the module is collected: every pytest-xdist worker collects every module, and only the worker
running the serve tests (one xdist group, tests/conftest.py) needs them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

from tests.serve_helpers import ServeProcess, poll_until

NO_STDIN = "exec sleep 60"  # never reads stdin, ends on SIGTERM
DEAF = "trap '' TERM; exec sleep 60"  # never reads stdin, ignores SIGTERM (kept across exec)


async def _nothing(*_args) -> None:
    """The websocket's writers and closer: nobody is listening."""


def _session(command: str):
    """A tab's `SessionService` running `command`, its websocket gone."""
    from textual_serve.download_manager import DownloadManager

    from tutor.web.sessions import SessionService

    return SessionService(
        command,
        write_bytes=_nothing,
        write_str=_nothing,
        close=_nothing,
        download_manager=DownloadManager(),
    )


async def _start_and_stop(session) -> int | None:
    """Start the session, stop it as a closed tab does (twice, as textual-serve's handler does)."""
    await session.start(80, 24)
    process = session._process
    assert process is not None and process.returncode is None
    # Stop only once the shell has run its `trap` and exec'd `sleep` (the app's place).
    assert await asyncio.to_thread(poll_until, lambda: _command(process.pid) == "sleep", 30)
    try:
        # Without the signal the stop would wait for the process for the whole 60 s of `sleep`.
        await asyncio.wait_for(session.stop(), timeout=30)
        await session.stop()  # the handler's second call: nothing left to do
        return process.returncode
    finally:
        if process.returncode is None:  # the test failed: leave no `sleep` behind
            process.kill()
            await process.wait()


def _command(pid: int) -> str:
    """The process's command name ("" once it has gone)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def test_a_session_that_reads_no_stdin_ends_on_sigterm():
    assert asyncio.run(_start_and_stop(_session(NO_STDIN))) == -signal.SIGTERM


def test_a_session_that_ignores_sigterm_is_killed():
    session = _session(DEAF)
    session.kill_after = 0.5
    assert asyncio.run(_start_and_stop(session)) == -signal.SIGKILL


async def _stop_with_tabs_open(serve: ServeProcess, tabs: int) -> list[int]:
    """Open `tabs` sessions, wait for their apps' first output, SIGTERM the server only.

    Returns the sessions' processes still running once the server has ended (the server must
    end within 15 s; aiohttp alone waited up to 60 s for the open websockets).
    """
    import aiohttp

    url = f"ws://127.0.0.1:{serve.port}/ws?width=80&height=24"
    async with aiohttp.ClientSession() as client:
        sockets = [await client.ws_connect(url) for _ in range(tabs)]
        for websocket in sockets:  # each app has started: it writes its screen
            message = await asyncio.wait_for(websocket.receive(), timeout=60)
            assert message.type == aiohttp.WSMsgType.BINARY, message
        # Like a browser, keep reading (answering pings and the server's close).
        readers = [asyncio.create_task(_drain(websocket)) for websocket in sockets]
        assert len(serve.session_pids()) == tabs
        assert len(serve.forked_pids()) == tabs  # each tab's app, forked by the zygote
        os.kill(serve.process.pid, signal.SIGTERM)
        try:
            await asyncio.to_thread(serve.process.wait, 15)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"serve still ran 15 s after SIGTERM:\n{serve.log()}") from None
        await asyncio.gather(*readers)
    # Reaped by the server (and the zygote) before it ended: no session, no zygote left.
    poll_until(lambda: not serve.group_pids(), timeout=10)
    return serve.group_pids()


async def _drain(websocket) -> None:
    async for _message in websocket:
        pass


def test_stopping_the_server_ends_the_open_tabs_sessions(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    serve = ServeProcess(data, tmp_path / "serve.log")
    try:
        serve.wait_listening()
        assert asyncio.run(_stop_with_tabs_open(serve, tabs=2)) == []
    finally:
        serve.stop()
