"""Import probes (`python -c CODE`: which modules does a command load?) forked from one interpreter.

The import-hygiene tests start a fresh interpreter per probe and read `sys.modules` at its end.
Most of each start-up is the interpreter's own (~0.1 s of CPU on this machine, `site` and
its `.pth` files) and NumPy's import, the same for every probe. Here one clean interpreter
(started like the probes, `python -c`, from the same folder) imports NumPy and nothing else,
then forks a child per probe: the child runs the probe's code as `python -c` would (a new
`__main__`, `sys.argv`, the probe's environment and output files, exit status and atexit
handlers as at exit). What a command imports is what it imports in a fresh interpreter plus
NumPy: a probe that asserts something about NumPy itself, or that needs an interpreter option
or a `PYTHON*` variable read at start-up, must use `subprocess` instead (`run` refuses an
environment that differs but for BACKPROP_TUTOR_* and pytest's own). Off Linux (no fork,
or macOS's Accelerate BLAS, unsafe in a forked child) each probe starts afresh.
"""

from __future__ import annotations

import atexit
import marshal
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The server: a `python -c` interpreter that has imported NumPy (and what `-c pass` imports).
# Requests and replies are marshalled dicts of strings, read from stdin, written to stdout.
_SERVER = r"""
import marshal, os, sys
import numpy

def _child(request):
    import builtins, io, types
    os.dup2(os.open(request.get("stdin", os.devnull), os.O_RDONLY), 0)
    # A new sys.stdin on fd 0, as a fresh interpreter's (the server's read its requests).
    encoding, errors = sys.stdin.encoding, sys.stdin.errors
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding=encoding, errors=errors
    )
    for fd, name in ((1, "stdout"), (2, "stderr")):
        os.dup2(os.open(request[name], os.O_WRONLY | os.O_TRUNC), fd)
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["-c", *request["args"]]
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    status = 0
    try:
        exec(compile(request["code"], "<string>", "exec"), main.__dict__)
    except SystemExit as stop:
        if stop.code is None:
            status = 0
        elif isinstance(stop.code, int):
            status = stop.code
        else:
            print(stop.code, file=sys.stderr)
            status = 1
    except BaseException:
        import traceback
        traceback.print_exc()
        status = 1
    try:
        import atexit, threading
        threading._shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
while True:
    try:
        request = marshal.load(stdin)
    except EOFError:
        break
    pid = os.fork()
    if pid == 0:
        _child(request)
    _, status = os.waitpid(pid, 0)
    marshal.dump(os.waitstatus_to_exitcode(status), stdout)
    stdout.flush()
"""

_server: subprocess.Popen | None = None
# The server's environment: this process's when the tests were collected. A probe may change
# only the tutor's own variables, read when a command runs, and pytest's name of the test
# (Python's PYTHON* and NumPy's thread settings are read when they start).
_ENVIRON = dict(os.environ)
_MAY_DIFFER = ("BACKPROP_TUTOR_", "PYTEST_CURRENT_TEST")


def _start() -> subprocess.Popen:
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen(
            [sys.executable, "-c", _SERVER],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_ENVIRON,
        )
        atexit.register(_stop, _server)
    return _server


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)


def run(
    code: str,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = False,
    input: bytes | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """`subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
    text=text, env=env, check=check, input=input)`, the process forked from the probe server
    (see above; without `input`, its stdin is /dev/null)."""
    env = dict(os.environ if env is None else env)
    differ = {k for k in env.keys() | _ENVIRON.keys() if env.get(k) != _ENVIRON.get(k)}
    if any(not k.startswith(_MAY_DIFFER) for k in differ):
        raise ValueError(f"a probe changing {sorted(differ)} needs a fresh interpreter")
    argv = [sys.executable, "-c", code, *args]
    if not sys.platform.startswith("linux"):  # macOS's BLAS (Accelerate) is not fork-safe
        return subprocess.run(
            argv,
            cwd=ROOT,
            input=input,
            capture_output=True,
            text=text,
            env=env,
            check=check,
        )
    server = _start()
    assert server.stdin is not None and server.stdout is not None
    with tempfile.TemporaryDirectory(prefix="tutor-probe-") as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        out.touch()
        err.touch()
        request = {"code": code, "args": list(args), "env": env, "stdout": str(out)}
        request["stderr"] = str(err)
        if input is not None:
            Path(folder, "stdin").write_bytes(input)
            request["stdin"] = str(Path(folder, "stdin"))
        marshal.dump(request, server.stdin)
        server.stdin.flush()
        status = marshal.load(server.stdout)
        if text:
            output = [f.read_text(encoding="utf-8", errors="replace") for f in (out, err)]
        else:
            output = [f.read_bytes() for f in (out, err)]
        done = subprocess.CompletedProcess(argv, status, *output)
    if check:
        done.check_returncode()
    return done
