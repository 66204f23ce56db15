"""textual-serve's server, with each closed tab's app process ended at once.

textual-serve (1.1.3, pinned) stops a closed tab's process by writing a "quit" packet to its
stdin and waiting, without a limit, for the process's output to end. An app still starting
(importing Textual: about a second, more on a busy server) reads its stdin only once started:
it runs its whole start-up for a tab nobody shows, then quits; a process that never reads its
stdin again would never end. Here stopping a session also sends SIGTERM: a process still
starting dies at once (Python's default action; no lesson is open yet), a started app exits
as for "quit" (Textual's web driver turns SIGTERM into the app's exit, which saves the lesson
on the way out), and a process still there `kill_after` seconds later is killed.

When the server stops (Ctrl+C, SIGTERM), it closes every tab's websocket, so the sessions
end with it: textual-serve left them to aiohttp, which waits for open handlers until its
shutdown timeout.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server, to_int

if TYPE_CHECKING:
    from tutor.web.session_starter import SessionStarter

log = logging.getLogger("textual-serve")


class SessionService(AppService):
    """One tab's app process; stopping it ends the process even while it still starts."""

    kill_after = 10.0  # seconds from SIGTERM to SIGKILL

    async def stop(self) -> None:
        """SIGTERM and "quit" the process, then wait until it has ended (SIGKILL when late).

        textual-serve's own `stop` does the same without the signals: it cancels the
        session's downloads, sends "quit" and waits for the process's output to end.
        """
        process, task = self._process, self._task
        if task is None or process is None:
            return
        self._signal(signal.SIGTERM)
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        ended = asyncio.gather(task, process.wait())
        done, _ = await asyncio.wait({ended}, timeout=self.kill_after)
        if not done:
            log.warning(
                "session process %s still runs %s s after SIGTERM: killed",
                process.pid,
                self.kill_after,
            )
            self._signal(signal.SIGKILL)
            await ended
        self._task = None

    def _signal(self, number: int) -> None:
        """Send a signal to the process unless it has already ended.

        os.kill rather than Process.send_signal: that polls (waitpid) the child, racing
        asyncio's child watcher, which then logs an "unknown child process".
        """
        process = self._process
        if process is not None and process.returncode is None:
            try:
                os.kill(process.pid, number)
            except ProcessLookupError:
                pass  # ended since


def _closer(websocket: web.WebSocketResponse) -> Callable[[], Awaitable[None]]:
    """What closes the tab's websocket when its app exits (typed as AppService expects)."""

    async def close() -> None:
        await websocket.close()

    return close


async def _nothing(*_args) -> None:
    """A session's websocket writers and closer when no websocket is there."""


def session_environment(debug: bool = False) -> dict[str, str]:
    """The environment textual-serve gives each session's process, but for its size."""
    service = AppService(
        "",
        write_bytes=_nothing,
        write_str=_nothing,
        close=_nothing,
        download_manager=DownloadManager(),
        debug=debug,
    )
    environment = service._build_environment()
    for name in ("COLUMNS", "ROWS"):
        environment.pop(name)
    return environment


class TutorServer(Server):
    """textual-serve's Server whose sessions are `SessionService`s, all ended when it stops.

    With a `starter` (tutor.web.session_starter), the server starts its zygote as it starts
    serving, takes each tab's command from it, and stops it once every session has ended.
    """

    def __init__(self, *args, starter: SessionStarter | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._websockets: set[web.WebSocketResponse] = set()
        self.starter = starter

    def serve(self, debug: bool = False) -> None:
        """Serve until stopped (textual-serve's `serve`), with the zygote when there is one."""
        if self.starter is None:
            super().serve(debug)
            return
        self.starter.start(session_environment(debug))
        try:
            super().serve(debug)
        finally:
            self.starter.stop()

    def session_command(self) -> str:
        """A new tab's command."""
        return self.command if self.starter is None else self.starter.command()

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab's websocket, so that each handler stops its app process.

        Without this, aiohttp waits for the handlers of tabs still open (up to its 60 s
        shutdown timeout; ~20 s measured): Ctrl+C kept the server and the sessions running.
        """
        await asyncio.gather(
            *(
                websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")
                for websocket in list(self._websockets)
            ),
            return_exceptions=True,
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler (1.1.3) with `SessionService` in place of `AppService`."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: SessionService | None = None
        try:
            await websocket.prepare(request)
            self._websockets.add(websocket)
            app_service = SessionService(
                self.session_command(),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=_closer(websocket),
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            self._websockets.discard(websocket)
            if app_service is not None:
                await app_service.stop()
        return websocket
