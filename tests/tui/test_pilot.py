"""The lesson screen driven by keys (Pilot): step, predict, quiz, run, cancel, export, quit."""

from __future__ import annotations

import io
import json

from rich.console import Console
from textual.widgets import Input, OptionList, Static

from tests.tui.snapshot_app import make_app
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.picker import PickerScreen
from tutor.tui.widgets.run_panel import RunPanel


def text_of(app, selector: str) -> str:
    """The plain text a Static shows (its Rich content rendered wide, without styles)."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


async def open_first_lesson(pilot):
    await pilot.pause()
    assert isinstance(pilot.app.screen, PickerScreen)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()  # SymPy's formulas load in the background
    await pilot.pause()
    assert isinstance(pilot.app.screen, LessonScreen)
    return pilot.app.screen


async def test_step_to_out_h1_and_predict_wrong_then_right(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("right", "n", "space")
        assert screen.frame.name == "out_h1"
        assert screen.frame.step.kind == "predict"
        assert isinstance(app.focused, Input)
        # garbage is refused without costing a try
        await pilot.press(*"1+1", "enter")
        assert "not a number" in text_of(app, "#feedback")
        assert screen.progress.answers.get("2", {}).get("tries", 0) == 0
        app.focused.value = ""
        # net_h1 instead of out_h1: the hint names the mistake
        await pilot.press(*"0.3775", "enter")
        feedback = text_of(app, "#feedback")
        assert "not right" in feedback and "apply the activation" in feedback
        assert "2 of 3 tries left" in text_of(app, "#work")
        await pilot.press(*"5.9327e-1", "enter")
        assert "is right" in text_of(app, "#feedback")
        assert "0.593269992" in text_of(app, "#work")
        assert 2 in screen.progress.completed
        # step back: the reveal of net_h2, then forward again keeps the solved state
        assert app.focused is None  # solved: the step keys work again
        await pilot.press("left")
        assert screen.frame.name == "net_h2"
        await pilot.press("right")
        assert "Correct" in text_of(app, "#work")


async def test_wrong_answers_exhaust_tries_and_show_the_worked_answer(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        assert screen.jump_to("dE_total/dw5")
        await pilot.pause()
        # dE/dout_o1 · dnet/dw5 without the σ' factor
        await pilot.press(*"0.43983", "enter")
        assert "slope" in text_of(app, "#feedback")
        await pilot.press(*".5", "enter")
        assert "worked answer" in text_of(app, "#feedback")
        assert "0.082167041" in text_of(app, "#work")


async def test_quiz_shows_every_explanation(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        screen.jump_to("7")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "enter")
        feedback = text_of(app, "#feedback")
        assert "your answer" in feedback and "same point" in feedback and "common slip" in feedback
        assert screen.progress.answers["6"] == {"choice": 1, "correct": False}
        # a wrong answer is not marked ✓ (issue 12): ✓ means answered right
        assert "✓" not in screen.sub_title and "✗ answered wrong" in screen.sub_title


async def test_the_header_marks_right_wrong_and_seen_steps_differently(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        assert "seen" in screen.sub_title and "✓" not in screen.sub_title  # a prose step
        screen.jump_to("7")
        await pilot.pause()
        assert "answered" not in screen.sub_title  # not answered yet
        await pilot.press("enter")  # the first option, the right one
        await pilot.pause()
        assert "✓ answered" in screen.sub_title


async def test_run_to_the_end_shows_results(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("end", "r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = screen.query_one(RunPanel)
        assert panel.done == panel.total
        assert "predictions" in text_of(app, "#run-results")
        assert panel.query_one("#boundary").display and panel.query_one("#heatmap").display
        assert 8 in screen.progress.completed
        # away and back: this session's results show again without pressing r
        await pilot.press("left", "right")
        await pilot.pause()
        assert screen.frame.step.kind == "run"
        assert "predictions" in text_of(app, "#run-results")
        assert panel.done == panel.total and "Done" in text_of(app, "#run-status")


async def test_cancel_a_run_with_escape_and_stay_responsive(private_data):
    app = make_app(private_data, start_lesson="slow-test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("r")
        await pilot.pause(0.3)
        assert screen._run_active
        # the status names the experiment by its title (looked up by id, not by the label)
        assert "Running Slow run (test):" in text_of(app, "#run-status")
        await pilot.press("escape")
        for _ in range(100):  # the thread notices within one 10 ms tick of the experiment
            await pilot.pause(0.02)
            if not screen._run_active:
                break
        assert not screen._run_active
        assert "cancelled" in text_of(app, "#run-status")
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"


async def test_quit_during_a_run(private_data):
    app = make_app(private_data, start_lesson="slow-test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause(0.1)
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)


async def test_export_writes_the_trace_atomically_here(private_data, tmp_path):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_lesson(pilot)
        await pilot.press("right")
        path = app.export_trace("mazur", "text")
    assert path == (tmp_path / "mazur-trace.txt").resolve()
    text = path.read_text()
    assert "out_h1" in text and "0.593269992" in text


async def test_progress_is_saved_and_resumed(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_lesson(pilot)
        await pilot.press("right", "right")
        await pilot.press("q")
        assert isinstance(app.screen, PickerScreen)
    saved = json.loads((private_data / "lesson-mazur-test.json").read_text())
    assert saved["position"] == [1, 1]
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        assert "Resume" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.frame.name == "net_h2"


async def test_corrupt_progress_is_set_aside_with_a_notice(private_data):
    private_data.mkdir(parents=True)
    (private_data / "lesson-mazur-test.json").write_text("{not json")
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("set aside" in n.message for n in app._notifications)
    assert list(private_data.glob("lesson-mazur-test.json.corrupt-*"))


async def test_tiny_terminal_resize_and_key_repeat_do_not_crash(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await open_first_lesson(pilot)
        assert "too small" in text_of(app, "#too-small")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.has_class("-too-small")
        # → goes on through an empty answer box, so holding it reaches the end
        await pilot.press(*(["right"] * (len(screen.frames) + 4)))
        assert screen.index == len(screen.frames) - 1
        await pilot.press(*(["left"] * (len(screen.frames) + 2)))
        assert screen.index == 0
        await pilot.press("right")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.press("end", "home", "right", "n", "space", "f", "u", "g")
        assert screen.index == 1  # keys must not move the hidden lesson
        assert type(app.screen).__name__ == "LessonScreen"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert screen.index == 1
        await pilot.press("right")
        assert screen.index == 2


async def test_an_answer_typed_before_the_terminal_shrank_goes_on_after_it_grows(private_data):
    """Seen in tmux: after 'too small' and back, digits reached nothing (the box lost focus)."""
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        while not isinstance(app.focused, Input):
            await pilot.press("right")
        box = app.focused
        await pilot.press(*"0.59")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert app.focused is None
        await pilot.press("9")  # the hidden box takes no keys
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.focused is box and not screen.has_class("-too-small")
        await pilot.press(*"327")
        assert box.value == "0.59327"


async def test_phase_keys_goto_theme_and_palette_commands(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("e")
        assert screen.frame.name == "E_o1"
        await pilot.press("f")
        assert screen.frame.name == "net_h1"
        await pilot.press("g", *"E_total", "enter")
        assert screen.frame.name == "E_total"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        from tutor.tui.commands import tutor_commands

        titles = [c.title for c in tutor_commands(app, screen)]
        assert "Export trace as json" in titles and "Theme: dark" in titles
        assert "Go to step 7: Check" in titles and any(t.startswith("Open lesson") for t in titles)
        await pilot.press("ctrl+t")
    assert json.loads((private_data / "settings.json").read_text())["theme"] == "textual-dark"


async def test_a_broken_lesson_file_is_listed_as_an_error_not_a_crash(private_data, tmp_path):
    from tests.tui.snapshot_app import picker_ready
    from tutor.tui.app import TutorApp

    folder = tmp_path / "teacher"
    folder.mkdir()
    (folder / "01-bad.toml").write_text('id = "bad"\ntitle = 3\n')
    app = TutorApp(lessons_dirs=[folder], builtin_lessons=False, data_dir=private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await picker_ready(pilot)
        errors = text_of(app, "#picker-errors")
        assert "01-bad.toml" in errors and "No lessons found" in errors
        await pilot.press("enter", "down", "f1")
        assert type(app.screen).__name__ == "HelpScreen"


async def test_arrows_step_while_the_answer_box_is_empty(private_data):
    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("right", "right", "right")
        assert screen.frame.name == "out_h1" and isinstance(app.focused, Input)
        await pilot.press("5", "left")  # with text in the box the arrows move the cursor
        assert screen.frame.name == "out_h1" and app.focused.cursor_position == 0
        await pilot.press("delete", "right")
        assert screen.frame.name == "out_h2"
        await pilot.press("left", "left")
        assert screen.frame.name == "net_h2"


async def test_deriving_an_activation_hides_the_lessons_network(private_data):
    from tutor.tui.app import TutorApp

    app = TutorApp(data_dir=private_data, start_lesson="activations", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.jump_to("4")  # derive ReLU: not a value of the 2-2-2 trace
        await pilot.pause()
        assert screen.frame.step.kind == "derive" and screen.has_class("-no-trace")
        screen.jump_to("10")  # predict dout_h2/dnet_h2 on the lesson's own tanh network
        await pilot.pause()
        assert not screen.has_class("-no-trace")
