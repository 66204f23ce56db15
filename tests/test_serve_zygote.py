"""`serve`'s session starter: one zygote (tutor/web/zygote.py) forks each tab's tutor for a small
client (tutor/web/session_client.py) that passes its fds, environment and argv, relays signals
and exits with the app's status; without a zygote, the tab starts `python -m tutor` afresh.

What goes through the zygote is compared with the same command run plainly (`python -m tutor
...`, a fresh interpreter): the same output on the client's own stdout and stderr, the same
exit status, the progress folder of the session's own environment.

aiohttp and textual-serve (~0.23 s of CPU) are imported by the tests that use them, not when
the module is collected: every pytest-xdist worker collects every module, and only the worker
running this module's group (tests/conftest.py) needs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serve_helpers import ServeProcess, poll_until
from tutor.lessons.lesson_progress import LessonProgress
from tutor.lessons.progress_store import ProgressStore
from tutor.web import SESSION_CLIENT, session_command
from tutor.web.session_starter import SessionStarter

ROOT = Path(__file__).resolve().parent.parent
FELL_BACK = b"session starter unavailable"


@pytest.fixture(scope="module")
def starter():
    """A zygote as `serve` starts it, with the sessions' environment; stopped at the end."""
    started = _zygote()
    try:
        yield started
    finally:
        zygote = started.process.pid
        started.stop()
    assert not os.path.exists(f"/proc/{zygote}")
    assert started.process.returncode == 0  # its server's pipe closed: a normal end


def _zygote() -> SessionStarter:
    """A zygote started as `serve` starts it, with the sessions' environment."""
    from tutor.web.sessions import session_environment  # textual-serve: see the docstring

    started = SessionStarter(lambda path: session_command(starter_socket=path), "unused")
    started.start(session_environment())
    return started


def _environment(starter, data: Path) -> dict[str, str]:
    """A tab's environment: the zygote's (PYTEST_CURRENT_TEST has changed since), its own data."""
    return dict(starter.environment, COLUMNS="80", ROWS="24", BACKPROP_TUTOR_DATA=str(data))


def _client(starter, args, data, socket_path=None, python=sys.executable):
    """The tab's client for `python -m tutor ARGS`, with pipes for its stdin/stdout/stderr."""
    path = starter.socket_path if socket_path is None else socket_path
    client = [sys.executable, "-S", "-I", str(SESSION_CLIENT), str(path)]
    argv = [*client, python, "-m", "tutor", *args]
    return subprocess.Popen(
        argv,
        cwd=ROOT,
        env=_environment(starter, data),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _plain(starter, args, data) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        cwd=ROOT,
        env=_environment(starter, data),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )


@contextlib.contextmanager
def _ending(client: subprocess.Popen):
    """The client, killed (with its app, by the zygote) if a failed test left it running."""
    try:
        yield client
    finally:
        if client.poll() is None:
            client.kill()
        client.wait()  # not its pipes' end: an app left running would hold them
        for pipe in (client.stdin, client.stdout, client.stderr):
            pipe.close()


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _forked(starter) -> list[int]:
    """The zygote's live children (the apps it forked)."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == starter.process.pid:
            pids.append(int(entry))
    return pids


def test_the_zygote_is_single_threaded_without_numpy(starter):
    pid = starter.process.pid
    # Its imports done: the first request is answered only after them.
    with _ending(_client(starter, ["tui", "--lessons", "/nonexistent/x"], ROOT)) as client:
        client.communicate(timeout=60)
    assert os.listdir(f"/proc/{pid}/task") == [str(pid)]  # one thread: safe to fork
    assert b"_multiarray_umath" not in Path(f"/proc/{pid}/maps").read_bytes()  # no NumPy


def test_a_forked_session_has_its_own_environment_and_fds(starter, tmp_path):
    started, fresh = tmp_path / "started", tmp_path / "fresh"
    started.mkdir()
    fresh.mkdir()
    ProgressStore(started).save(LessonProgress("worked-example", completed={0, 1}))
    outputs = {}
    for data in (started, fresh):
        with _ending(_client(starter, ["progress", "--format", "json"], data)) as client:
            out, err = client.communicate(timeout=60)
        plain = _plain(starter, ["progress", "--format", "json"], data)
        assert (client.returncode, out, err) == (0, plain.stdout, plain.stderr)
        outputs[data] = out
    assert outputs[started] != outputs[fresh]  # each read its own BACKPROP_TUTOR_DATA


def test_the_client_exits_with_the_apps_status(starter, tmp_path):
    args = ["tui", "--lessons", "/nonexistent/x"]
    with _ending(_client(starter, args, tmp_path)) as client:
        out, err = client.communicate(timeout=60)
    plain = _plain(starter, args, tmp_path)
    assert plain.returncode == 2 and plain.stderr.count(b"\n") == 1
    assert (client.returncode, out, err) == (2, plain.stdout, plain.stderr)
    assert FELL_BACK not in err


def _started_tui(starter, data):
    """A client whose forked tutor (web driver) has started: (client, the app's pid)."""
    before = set(_forked(starter))
    client = _client(starter, ["tui"], data)
    try:
        assert client.stdout.readline() == b"__GANGLION__\n"  # the app runs, on our stdout
        (app,) = set(_forked(starter)) - before
    except BaseException:
        with _ending(client):
            raise
    return client, app


def test_the_client_relays_sigterm_and_the_app_exits_as_for_quit(starter, tmp_path):
    client, app = _started_tui(starter, tmp_path)
    with _ending(client):
        client.send_signal(signal.SIGTERM)
        client.communicate(timeout=30)
    assert client.returncode == 0  # the app's exit (the web driver's SIGTERM is "quit")
    assert poll_until(lambda: app not in _forked(starter), timeout=10)


def test_an_app_killed_by_a_signal_kills_its_client_likewise(starter, tmp_path):
    client, app = _started_tui(starter, tmp_path)
    with _ending(client):
        os.kill(app, signal.SIGKILL)
        client.communicate(timeout=30)
    assert client.returncode == -signal.SIGKILL


def test_a_killed_client_takes_its_app_along(starter, tmp_path):
    """textual-serve kills the client of a session that ignored SIGTERM: the app goes too."""
    client, app = _started_tui(starter, tmp_path)
    with _ending(client):
        client.kill()
        client.communicate(timeout=30)
    assert poll_until(lambda: app not in _forked(starter), timeout=10)


def test_a_session_outlives_its_zygote_and_still_ends_on_sigterm(tmp_path):
    """The zygote killed under an open tab: the app runs on; the client signals it itself."""
    own = _zygote()
    try:
        client, app = _started_tui(own, tmp_path)
        with _ending(client):
            own.process.kill()
            own.process.wait()
            assert client.poll() is None and _alive(app)
            client.send_signal(signal.SIGTERM)  # relayed with os.kill, the zygote gone
            client.communicate(timeout=30)
        assert client.returncode == 1  # the app's status went with the zygote
        assert poll_until(lambda: not _alive(app), timeout=10)
    finally:
        own.stop()


def test_without_a_zygote_the_client_starts_the_command_itself(starter, tmp_path):
    fake_python = tmp_path / "fake-python"
    fake_python.write_text('#!/bin/sh\necho "$BACKPROP_TUTOR_DATA $*"\nexit 3\n')
    fake_python.chmod(0o755)
    gone = tmp_path / "no-zygote.sock"
    client = _client(starter, ["tui"], tmp_path, socket_path=gone, python=str(fake_python))
    with _ending(client):
        out, err = client.communicate(timeout=60)
    assert client.returncode == 3
    assert out.decode() == f"{tmp_path} -m tutor tui\n"
    assert err.count(b"\n") == 1 and FELL_BACK in err


def _listening_folder(pid: int) -> Path:
    """The folder of the Unix socket the process listens on (/proc/net/unix by inode)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue  # closed since listed: the zygote may still be importing (opening files)
        if link.startswith("socket:["):
            inodes.add(link[len("socket:[") : -1])
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) == 8 and fields[6] in inodes and fields[5] == "01":  # listening
            return Path(fields[7]).parent
    raise AssertionError(f"process {pid} listens on no Unix socket")


async def _first_screen(port: int) -> None:
    import aiohttp

    url = f"ws://127.0.0.1:{port}/ws?width=80&height=24"
    async with aiohttp.ClientSession() as client, client.ws_connect(url) as websocket:
        message = await asyncio.wait_for(websocket.receive(), timeout=60)
        assert message.type == aiohttp.WSMsgType.BINARY, message


def test_serve_falls_back_when_its_zygote_is_gone(tmp_path):
    serve = ServeProcess(tmp_path, tmp_path / "serve.log")
    try:
        serve.wait_listening()
        assert poll_until(lambda: len(serve.zygote_pids()) == 1, timeout=30), serve.log()
        (zygote,) = serve.zygote_pids()
        os.kill(zygote, signal.SIGKILL)
        assert poll_until(lambda: not serve.zygote_pids(), timeout=10)
        for _tab in range(2):
            asyncio.run(_first_screen(serve.port))  # the tab got its app: started afresh
        assert serve.forked_pids() == []
        assert serve.log().count("the session starter has ended") == 1  # said once
    finally:
        serve.stop()
    assert serve.group_pids() == []


def test_a_killed_server_leaves_neither_zygote_nor_apps(tmp_path):
    """The zygote's stdin is a pipe from the server: when it ends, so do the zygote's apps."""
    serve = ServeProcess(tmp_path, tmp_path / "serve.log")
    try:
        serve.wait_listening()

        async def open_tab_and_kill_server() -> None:
            import aiohttp

            url = f"ws://127.0.0.1:{serve.port}/ws?width=80&height=24"
            async with aiohttp.ClientSession() as client:
                websocket = await client.ws_connect(url)
                message = await asyncio.wait_for(websocket.receive(), timeout=60)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                assert len(serve.forked_pids()) == 1
                serve.process.kill()  # the server alone, not its group
                await asyncio.to_thread(serve.process.wait, 10)

        assert poll_until(lambda: len(serve.zygote_pids()) == 1, timeout=30), serve.log()
        folder = _listening_folder(serve.zygote_pids()[0])
        assert folder.name.startswith("bt-zygote-") and folder.stat().st_mode & 0o777 == 0o700
        asyncio.run(open_tab_and_kill_server())
        assert poll_until(lambda: not serve.group_pids(), timeout=30), serve.group_pids()
        assert not folder.exists()  # removed by the zygote, the server being gone
    finally:
        serve.stop()


def test_the_client_and_the_zygote_speak_one_protocol():
    """The client imports nothing of the package, so it keeps its own copy of the wire's
    constants: they must be the zygote's."""
    import importlib.util

    from tutor.web import zygote

    spec = importlib.util.spec_from_file_location("session_client_copy", SESSION_CLIENT)
    assert spec is not None and spec.loader is not None
    client = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(client)
    assert client.PROTOCOL == zygote.PROTOCOL
    assert set(client.RELAYED) == set(zygote.RELAYED)
