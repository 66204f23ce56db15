"""`serve`'s options, its warning off the loopback address, and its session command."""

from __future__ import annotations

import subprocess

import pytest

from tests import forked_probe
from tutor.cli import main
from tutor.web import TEMPLATES_DIR, exposure_warning, is_loopback, session_command


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_get_no_warning(host):
    assert is_loopback(host)
    assert exposure_warning(host, 8000) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "tutor.example.org"])
def test_other_hosts_get_a_one_line_warning(host):
    warning = exposure_warning(host, 8000)
    assert warning is not None and "\n" not in warning
    assert f"{host}:8000" in warning and "anyone who can reach" in warning


def test_session_command_execs_the_tui_without_a_shell_left(tmp_path):
    command = session_command([tmp_path / "my lessons"], python="/usr/bin/python3")
    assert command.startswith("exec /usr/bin/python3 -m tutor tui --lessons ")
    assert f"'{tmp_path / 'my lessons'}'" in command  # quoted for the shell


def test_template_has_no_external_link():
    page = (TEMPLATES_DIR / "app_index.html").read_text()
    assert "fonts.googleapis.com" not in page
    assert "transition" not in page  # the terminal shows at once, no fade to composite
    assert 'data-session-websocket-url="{{ app_websocket_url }}"' in page  # still the same page


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["serve", "--port", "0"], "--port: expected a whole number 1 to 65,535, got '0'"),
        (["serve", "--port", "70000"], "--port: expected a whole number 1 to 65,535, got '70000'"),
        (["serve", "--lessons", "/nonexistent/x"], "--lessons /nonexistent/x: no such folder"),
    ],
)
def test_bad_options_are_one_line(argv, expected, capsys):
    try:
        code = main(argv)
    except SystemExit as stop:  # the parser refuses an option out of range
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2 and expected in err and err.count("\n") == 1


def test_serve_does_not_import_textual():
    code = (
        "import sys\nfrom tutor.cli import main\n"
        "rc = main(['serve', '--lessons', '/nonexistent/x'])\n"
        "print(rc, any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    result = forked_probe.run(code, check=True)
    assert result.stdout.split() == ["2", "False"]


def test_each_session_gets_its_own_progress_folder(tmp_path):
    fake_python = tmp_path / "fake-python"
    fake_python.write_text('#!/bin/sh\necho "$BACKPROP_TUTOR_DATA $*"\n')
    fake_python.chmod(0o755)
    root = tmp_path / "sessions"
    root.mkdir()
    command = session_command(python=str(fake_python), private_root=root)
    first = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=True)
    second = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=True)
    folder_1, args_1 = first.stdout.split(" ", 1)
    folder_2, _ = second.stdout.split(" ", 1)
    assert args_1.split() == ["-m", "tutor", "tui"]
    assert folder_1 != folder_2
    assert {p.name for p in root.iterdir()} == {
        folder_1.rsplit("/", 1)[1],
        folder_2.rsplit("/", 1)[1],
    }
    assert session_command(python="p").startswith("exec p -m tutor tui")  # shared: no env


def test_public_url_never_points_browsers_at_a_wildcard_address():
    import socket

    from tutor.web import default_public_url

    assert default_public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert default_public_url("0.0.0.0", 80) == f"http://{socket.getfqdn()}:80"
    assert default_public_url("::1", 8000) == "http://[::1]:8000"
