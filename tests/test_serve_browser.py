"""`backprop-tutor serve` in a real headless Chromium: the picker, a lesson, no leaked processes.

Skipped only where no Chromium is installed (.ci/run installs Debian's `chromium`).
The screenshot and the server's log are kept in a folder printed in the test output (`-s`),
or in $BACKPROP_TUTOR_ARTEFACTS when set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.serve_helpers import (
    OTHER_HOSTS_UNREACHABLE,
    ServeProcess,
    chromium_path,
    open_page_checked,
    open_page_from,
    poll_until,
    rss_kib,
    wait_for_screen_text,
    watch_pages,
)

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium here: install Debian's `chromium` (apt-get install -y chromium)",
)
PICKER_TEXT = "Choose a lesson and press Enter"
FIRST_LESSON_TITLE = "The artificial neuron and the perceptron"
CYCLES = 20
PRIVATE_ROOTS: list[Path] = []  # the sessions' progress folders' parent, seen by the tests


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory):
    """pytest's tmp folder, or $BACKPROP_TUTOR_ARTEFACTS (for CI to keep the screenshot)."""
    chosen = os.environ.get("BACKPROP_TUTOR_ARTEFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("serve-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser test artefacts: {folder}")
    return folder


@pytest.fixture(scope="module")
def serve_process(artefacts):
    """`serve` started (not yet listening); stopped, every session's process with it, at the end."""
    data = artefacts / "data"
    data.mkdir(exist_ok=True)
    serve = ServeProcess(data, artefacts / "serve.log")
    try:
        yield serve
    finally:
        serve.stop()
    assert serve.group_pids() == []  # no session, no zygote left
    assert not any(root.exists() for root in PRIVATE_ROOTS)  # removed with the server


# Headless Chromium here has no GPU: xterm.js's WebGL renderer (textual.js loads it first, then
# the canvas one) runs on SwiftShader, a GPU emulated on the CPU, and each tab gets a renderer
# process of its own. The lifecycle test's 20 tabs are about the server's sessions, not pixels,
# so they use a browser without WebGL whose same-site tabs share one renderer: xterm.js draws on
# its canvas renderer, as in a learner's browser without WebGL, and the tests read xterm's
# buffer either way. ~3.4 s less CPU over the 20 tabs (benchmarks/RESULTS.md, tenth pass).
# The picker test keeps Chromium's defaults: the WebGL path a learner's browser takes.
LEAN_ARGS = ["--disable-3d-apis", "--disable-gpu", "--process-per-site"]


@pytest.fixture(scope="module")
def playwright_driver(serve_process):
    """Playwright's driver, started while the server starts."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        yield playwright


def launch(playwright, extra_args: list[str]):
    """Chromium launched, other hosts unreachable (closed by the caller before the server)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", OTHER_HOSTS_UNREACHABLE, *extra_args]
    )


@pytest.fixture(scope="module")
def browser(playwright_driver):
    """Chromium with its defaults; closed before the server stops."""
    browser = launch(playwright_driver, [])
    try:
        yield browser
    finally:
        # Close the pages before the server, so that the tabs, not the server's stop,
        # end their sessions.
        browser.close()


@pytest.fixture(scope="module")
def lean_browser(playwright_driver):
    """Chromium without WebGL, one renderer per site (LEAN_ARGS); closed before the server."""
    browser = launch(playwright_driver, LEAN_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def server(serve_process, browser):
    """The server, listening (Chromium launched while it starts)."""
    serve_process.wait_listening()
    return serve_process


def new_context(browser, server, blocked):
    """A browser context (a window of its own): its pages' terminals kept, and their requests
    to other hosts recorded in `blocked`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    watch_pages(context, server.url, blocked)
    return context


def open_tab(context, server):
    """A new tab (its own session) of `context` with the page loaded and its terminal made."""
    return open_page_checked(context, server.url)


def test_picker_then_lesson_in_chromium(server, browser, artefacts):
    blocked: list[str] = []
    context = new_context(browser, server, blocked)
    page = open_tab(context, server)
    try:
        wait_for_screen_text(page, PICKER_TEXT)
        # The picker paints first; its worker then reads the lessons and lists them.
        screen = wait_for_screen_text(page, FIRST_LESSON_TITLE)
        assert PICKER_TEXT in screen
        assert "The 2-2-2 worked example" in screen
        page.focus(".xterm-helper-textarea")
        page.keyboard.press("Enter")
        screen = wait_for_screen_text(page, "step 1 of")
        header = next(line for line in screen.splitlines() if line.strip())
        assert header.strip().startswith(FIRST_LESSON_TITLE), header
        assert PICKER_TEXT not in screen
        shot = artefacts / "lesson.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 1000
        print(f"screenshot: {shot}")
        sessions = server.session_pids()
        assert len(sessions) == 1, sessions
        forked = server.forked_pids()  # the tab's app, forked by the zygote
        assert len(forked) == 1, forked
        tab_processes = server.app_pids()
        assert sorted(sessions + forked) == tab_processes
        print(f"app process RSS: {rss_kib(forked[0]) / 1024:.1f} MiB")
        # The session keeps its progress in its own folder, not the server's shared one
        # (set in its command's environment, passed on to the forked app).
        environ = Path(f"/proc/{sessions[0]}/environ").read_bytes().split(b"\0")
        data = next(e for e in environ if e.startswith(b"BACKPROP_TUTOR_DATA=")).split(b"=", 1)[1]
        assert Path(data.decode()).parent.name.startswith("bt-serve-")
        PRIVATE_ROOTS.append(Path(data.decode()).parent)
        # A closed tab's app exits as for "quit" (the server's SIGTERM too becomes the app's
        # exit, once started): it saves the lesson on the way out. The lesson was first saved
        # just after it opened (0.5 s on); the tab closes after that.
        folder = Path(data.decode())
        assert poll_until(lambda: any(folder.glob("lesson-*.json")), timeout=30), "never saved"
        (lesson_file,) = folder.glob("lesson-*.json")
        opened = lesson_file.stat().st_mtime_ns
        context.close()
        assert server.wait_sessions_ended(tab_processes) == []
        assert lesson_file.stat().st_mtime_ns > opened, (
            "the lesson was not saved at the tab's close"
        )
    finally:
        context.close()
    assert blocked == [], f"the page asked for other hosts: {blocked}"


def test_closed_tabs_leave_no_process(server, lean_browser):
    """20 tabs opened and closed: half once the picker shows, half while the app starts.

    The tabs are those of one window, as a learner opens them: a context per tab made
    Chromium build a browser profile and a spare renderer process for each. The window
    keeps a first tab on the server's stylesheet (no session), which opens each of the 20
    tabs (`window.open`): they all load in its renderer process instead of one or two new
    processes per tab (Chromium's CPU per tab ~0.8 s → ~0.5 s with the changes of
    benchmarks/RESULTS.md's eleventh pass).
    """
    blocked: list[str] = []
    most = 0
    context = new_context(lean_browser, server, blocked)
    try:
        first_tab = context.new_page()
        stylesheet = first_tab.goto(server.url + "static/css/xterm.css")
        assert stylesheet is not None and stylesheet.ok, stylesheet
        for cycle in range(CYCLES):
            page = open_page_from(first_tab, server.url)  # its terminal made: connecting
            if cycle % 2 == 0:
                wait_for_screen_text(page, PICKER_TEXT)
            # else closed at once: the app may still be starting
            most = max(most, len(server.app_pids()))
            page.close()
    finally:
        context.close()
    assert server.wait_sessions_ended() == [], f"after {CYCLES} closed tabs, processes remain"
    assert most >= 1  # the count saw the sessions while they were open
    assert os.path.exists(f"/proc/{server.process.pid}")  # the server itself still runs
    assert len(server.zygote_pids()) == 1  # and so does its zygote
