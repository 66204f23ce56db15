"""Lesson text is data: Textual markup in any lesson field is shown as typed and runs nothing.

One teacher's lesson carries the same payload in its title, summary, step titles and text,
quiz options and explanations, predict hints, a variant name and figure source/erratum;
the TUI is walked through every place that shows them (picker, header, step pane, quiz,
feedback, errata table, notifications, command palette), and clicking the text must not
run the `@click` action.
"""

from __future__ import annotations

from textual.widgets import Static

from tests.lesson_toml import dumps
from tests.tui.snapshot_app import picker_ready
from tutor.tui.app import TutorApp
from tutor.tui.screens.lesson import LessonScreen

CLICK = "[@click=app.notify('x')]B[/]"
PAYLOAD = f"{CLICK} E[x] [/]"


def payload_lesson() -> dict:
    """A valid lesson with the payload in every free-text field."""
    return {
        "id": "payload",
        "title": f"T {PAYLOAD}",
        "summary": f"S {PAYLOAD}",
        "order": 1,
        "figures": [
            {
                "id": "wrong",
                "published": "0.5",
                "source": f"src {PAYLOAD}",
                "computed": "trace:mazur:out_h1",
                "erratum": f"err {PAYLOAD}",
            },
            {
                "id": "right",
                "published": "0.593269992",
                "source": f"src2 {PAYLOAD}",
                "computed": "trace:mazur:out_h1",
            },
        ],
        "steps": [
            {"kind": "prose", "title": f"P {PAYLOAD}", "text": f"text {PAYLOAD}"},
            {
                "kind": "predict",
                "title": f"Q {PAYLOAD}",
                "trace": "mazur",
                "target": "out_h1",
                "text": f"predict {PAYLOAD}",
                "hints": [f"hint {PAYLOAD}"],
            },
            {
                "kind": "quiz",
                "text": f"quiz {PAYLOAD}",
                "options": [
                    {"text": f"O1 {PAYLOAD}", "correct": True, "explanation": f"X1 {PAYLOAD}"},
                    {"text": f"O2 {PAYLOAD}", "correct": False, "explanation": f"X2 {PAYLOAD}"},
                ],
            },
            {"kind": "errata", "figure": "wrong", "text": f"errata {PAYLOAD}", "variant": "[/]"},
            {"kind": "errata", "figure": "right", "text": f"right {PAYLOAD}"},
        ],
    }


def screen_lines(app) -> list[str]:
    """What the terminal shows, line by line (every layer: toasts and the palette included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


class Recorder:
    """Records every notification the app is asked to show."""

    def __init__(self, app):
        self.messages: list[str] = []
        original = app.notify

        def notify(message, *args, **kwargs):
            self.messages.append(str(message))
            return original(message, *args, **kwargs)

        app.notify = notify


async def click_every_b(pilot, recorder: Recorder) -> int:
    """Click the `B` of each literal `…]B[/]` on screen; the action must not run."""
    clicks = 0
    for y, line in enumerate(screen_lines(pilot.app)):
        start = line.find("]B[")
        while start >= 0:
            await pilot.click(offset=(start + 1, y))
            clicks += 1
            start = line.find("]B[", start + 1)
    await pilot.pause()
    assert "x" not in recorder.messages
    return clicks


def make_app(tmp_path, data_dir) -> TutorApp:
    folder = tmp_path / "teacher"
    folder.mkdir()
    (folder / "01-payload.toml").write_text(dumps(payload_lesson()), encoding="utf-8")
    return TutorApp(
        lessons_dirs=[folder], builtin_lessons=False, data_dir=data_dir, cursor_blink=False
    )


async def test_markup_in_lesson_text_is_shown_literally_and_never_runs(private_data, tmp_path):
    app = make_app(tmp_path, private_data)
    recorder = Recorder(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await picker_ready(pilot)
        text = screen_text(app)
        assert f"T {PAYLOAD}" in text and f"S {PAYLOAD}" in text  # the picker
        assert await click_every_b(pilot, recorder) >= 2

        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        text = screen_text(app)
        assert f"P {PAYLOAD}" in text and f"text {PAYLOAD}" in text  # step title, Markdown
        assert f"T {PAYLOAD}" in text  # the header and the position line
        assert await click_every_b(pilot, recorder) >= 2

        # predict: a wrong answer shows the lesson's hint
        await pilot.press("right")
        assert screen.frame.step.kind == "predict"
        await pilot.press(*"123", "enter")
        await pilot.pause()
        text = screen_text(app)
        # the feedback pane wraps the (long, measured) message: read it as one paragraph
        feedback = " ".join(str(screen.query_one("#feedback", Static).content).split())
        assert f"hint {PAYLOAD}" in feedback and f"predict {PAYLOAD}" in text
        await click_every_b(pilot, recorder)

        # quiz: every option as typed; choosing one shows every explanation
        await pilot.press("escape", "right")
        assert screen.frame.step.kind == "quiz"
        await pilot.pause()
        text = screen_text(app)
        assert f"O1 {PAYLOAD}" in text and f"O2 {PAYLOAD}" in text
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert f"X1 {PAYLOAD}" in text and f"X2 {PAYLOAD}" in text
        await click_every_b(pilot, recorder)

        # errata: the erratum, then the source of a figure without one; a variant named `[/]`
        await pilot.press("escape", "right")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.frame.step.kind == "errata"
        assert f"err {PAYLOAD}" in screen_text(app)
        await pilot.press("v")
        await pilot.pause()
        assert any("[/]" in message for message in recorder.messages)
        await pilot.press("right")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"src2 {PAYLOAD}" in screen_text(app)
        await click_every_b(pilot, recorder)

        # the command palette: lesson titles, summaries and step titles as typed
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert f"Open lesson: T {PAYLOAD}" in text and f"S {PAYLOAD}" in text
        await pilot.press(*"step 1")
        await pilot.pause(0.5)
        assert f"Go to step 1: P {PAYLOAD}" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.frame.step_index == 0
        assert "x" not in recorder.messages


def test_every_notification_of_the_tui_is_literal_text():
    """A notification may quote a lesson, a path or an error: none is read as markup."""
    import ast
    from pathlib import Path

    import tutor.tui

    calls = []
    for path in Path(tutor.tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
            ):
                literal = any(
                    k.arg == "markup"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value is False
                    for k in node.keywords
                )
                calls.append((f"{path.name}:{node.lineno}", literal))
    assert len(calls) >= 10
    assert [where for where, literal in calls if not literal] == []


async def test_a_lesson_with_escape_sequences_is_listed_as_an_error(private_data, tmp_path):
    """The loader refuses it; the picker names the field and shows the character escaped."""
    lesson = payload_lesson()
    lesson["title"] = "A\u001b]0;pwned\u0007\u001b[2J"
    folder = tmp_path / "teacher"
    folder.mkdir()
    (folder / "01-escape.toml").write_text(dumps(lesson), encoding="utf-8")
    app = TutorApp(
        lessons_dirs=[folder], builtin_lessons=False, data_dir=private_data, cursor_blink=False
    )
    async with app.run_test(size=(160, 30)) as pilot:
        await picker_ready(pilot)
        text = screen_text(app)
        assert "01-escape.toml: title: control character \\x1b" in text
        assert "\x1b" not in text and "\x07" not in text
