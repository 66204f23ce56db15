"""Issue 9's defects a new learner met in the TUI (items 17–20, 26–31), each driven by keys."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from tutor.tui.app import TutorApp
from tutor.tui.commands import tutor_commands


def text_of(app, selector: str, width: int = 200) -> str:
    """The plain text a Static shows, rendered `width` wide."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def builtin(private_data, lesson: str) -> TutorApp:
    return TutorApp(data_dir=private_data, start_lesson=lesson, cursor_blink=False)


async def test_the_network_shows_the_weights_the_step_uses(private_data):
    """Item 17: at dE_o1/dout_h1 = delta_o1·w5 the panel shows w5 = 0.4, not the updated 0.3589."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("dE_o1/dout_h1")
        await pilot.pause()
        assert "w5+" in {n for f in screen.frames[: screen.index] for n in f.shown}
        network = text_of(app, "#network")
        assert "w5 0.4 " in network and "0.3589" not in network
        assert screen.jump_to("dE_total/dout_h1")  # w5 and w7 reach it through the deltas
        await pilot.pause()
        network = text_of(app, "#network")
        assert "w5 0.4 " in network and "w7 0.5 " in network and "0.3589" not in network
        assert screen.jump_to("w6+")  # a step that does not use w5: its update shows
        await pilot.pause()
        assert "w5 0.3589" in text_of(app, "#network")


async def test_lesson_keys_are_not_typed_into_the_answer_box(private_data):
    """Item 19: with the box focused, g q ? f go to the lesson; e is the phase key until digits."""
    from textual.widgets import Input

    from tests.tui.snapshot_app import make_app

    app = make_app(private_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        await pilot.press("right", "right", "right")
        assert screen.frame.name == "out_h1" and isinstance(app.focused, Input)
        footer_keys = {b.key for (_, b, enabled, _) in screen.active_bindings.values()}
        assert {"g", "q", "question_mark"} <= footer_keys
        await pilot.press("g")
        await pilot.pause()
        assert type(app.screen).__name__ == "GotoScreen"
        await pilot.press("escape")
        await pilot.pause()
        box = screen.query_one("#answer", Input)
        screen.set_focus(box)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen" and box.value == ""
        await pilot.press("escape")
        await pilot.pause()
        screen.set_focus(box)
        await pilot.press(*"5.9327", "e", "-", "1")
        assert box.value == "5.9327e-1"  # after digits, e is the exponent
        box.value = ""
        await pilot.press("e")  # on an empty box: the error phase
        assert screen.frame.name == "E_o1" and box.value == ""


async def test_after_a_jump_the_keys_keep_jumping(private_data):
    """Item 19: `u` lands on a predict step with its box focused; `e` and `f` still jump."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("u")
        await pilot.pause()
        assert screen.frame.phase == "update"
        await pilot.press("e")
        assert screen.frame.phase == "error"
        await pilot.press("f")
        assert screen.frame.phase == "forward"
        assert screen.query_one("#answer").value == ""


async def test_a_jump_back_to_a_predict_step_takes_the_typed_answer(private_data):
    """Seen in tmux: after `g 4` from the end, a typed answer went nowhere (box unfocused)."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("end")
        await pilot.pause()
        assert screen.jump_to("4")
        await pilot.pause()
        await pilot.press(*"0.59")
        assert screen.query_one("#answer").value == "0.59"
        # one step back from the next step does not trap ←: it walks on back
        screen.query_one("#answer").value = ""
        await pilot.press("right")
        await pilot.pause()
        await pilot.press("left")
        await pilot.pause()
        await pilot.press("left")
        await pilot.pause()
        assert screen.frame.step_index < 3


async def test_a_long_answer_is_capped(private_data):
    """Item 20: the box holds at most 40 characters; a long paste is cut, the echo stays short."""
    from tutor.tui.widgets.step_view import ANSWER_LENGTH

    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("net_h1")
        await pilot.pause()
        box = screen.query_one("#answer")
        screen.set_focus(box)
        await pilot.press(*("1" * (ANSWER_LENGTH + 2)))  # two keys past the cap
        assert len(box.value) == ANSWER_LENGTH
        box.value = ""
        box._on_paste(__import__("textual").events.Paste("9" * 5000))
        assert box.value == "9" * ANSWER_LENGTH
        await pilot.press("enter")
        await pilot.pause()
        feedback = text_of(app, "#feedback", width=80)
        assert len(feedback.strip().splitlines()) <= 4


async def test_hints_are_true_and_the_placeholder_asks_for_a_format(private_data):
    """Issue 12: 0.5933 for out_h1 is measured, not diagnosed; the box never shows a value."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("out_h1")
        await pilot.pause()
        box = screen.query_one("#answer")
        assert box.placeholder == "a number to 6 decimals"
        screen.set_focus(box)
        await pilot.press(*"0.5933", "enter")
        feedback = text_of(app, "#feedback")
        assert "0.5933 agrees to 4 decimals; give 6." in feedback
        assert "minus sign" not in feedback and "Squash" not in feedback
        await pilot.press(*"0.406730", "enter")  # σ(+net_h1): the exponent's sign dropped
        assert "The minus sign matters" in text_of(app, "#feedback")
        assert screen.jump_to("net_h1")
        await pilot.pause()
        assert screen.query_one("#answer").placeholder == "a number to 4 decimals"


async def test_a_figure_that_agrees_is_not_labelled_errata(private_data):
    """Item 30: 8-3-8 steps 11 and 12 reproduce their figures: 'figure check', not 'errata'."""
    app = builtin(private_data, "encoder-838")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for step in ("11", "12"):
            assert screen.jump_to(step)
            await pilot.pause()
            assert "figure check" in screen.sub_title and "errata" not in screen.sub_title
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.jump_to("23")  # the slides' E_o1 line: a true erratum
        await pilot.pause()
        assert "erratum" in app.screen.sub_title


async def test_the_palette_has_one_entry_per_thing_and_the_headers_words(private_data):
    """Item 29: no 'Keys' beside 'Help: keys', no 'Theme' beside 'Theme: dark'; 'given'."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        # Textual's system commands and the tutor's own provider: what the palette lists
        commands = list(app.get_system_commands(screen)) + list(tutor_commands(app, screen))
        titles = [c.title for c in commands]
        assert "Help: keys" in titles and "Keys" not in titles
        assert "Theme: dark" in titles and "Theme" not in titles
        assert len(titles) == len(set(titles))
        assert screen.jump_to("2")
        await pilot.pause()
        step2 = next(c for c in commands if c.title.startswith("Go to step 2:"))
        header = screen.sub_title.split(" · ")
        assert "given" in header and step2.help.startswith("given ·")
        assert "reveal" not in step2.help


def screen_text(app) -> str:
    """The whole screen as plain text, as the terminal shows it."""
    return "\n".join(
        "".join(segment.text for segment in line) for line in app.screen._compositor.render_strips()
    )


async def test_errata_keep_every_digit_and_the_variant_header_is_whole(private_data):
    """Item 18: at 80×24 the figure's digits show whole; after v the header names the variant
    and no toast covers the values."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("26")
        await app.workers.wait_for_complete()
        await pilot.pause()
        width = screen.query_one("#work").size.width
        assert width < 44  # the narrow step pane of 80 columns
        shown = text_of(app, "#work", width=width)
        assert "published  0.291027924" in shown and "computed   0.291027774" in shown
        await pilot.press("v")
        await pilot.pause()
        header = screen_text(app).splitlines()[0].rstrip()
        assert header.endswith("variant updated-weights")
        assert not app._notifications
        assert "The worked example (updated-weights variant): " in text_of(app, "#feedback")


async def test_the_variant_comparison_keeps_every_digit_at_80_columns(private_data):
    """Item 18: after v at 80×24 the original and variant columns show whole numbers."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("26")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        values = screen.query_one("#values")
        shown = text_of(app, "#values", width=values.size.width)
        assert "…" not in shown
        assert "0.055399425" in shown and "0.049709416" in shown  # dE_o1/dout_h1 both ways
        assert "51 other values are the same in both" in shown


def test_captions_are_left_aligned_under_their_table():
    """Item 28: a long caption wraps flush left, not centred under a narrow table."""
    from rich.console import Console

    from tutor.tui.widgets.heatmap import render_heatmap
    from tutor.tui.widgets.run_panel import render_results

    caption = "Loss per epoch, each sample's loss recorded before each sample's update."
    result = {"tables": {"t": {"columns": ["a", "b"], "rows": [[1, 2]], "caption": caption}}}
    heat = {"rows": ["x"], "columns": ["a"], "values": [[0.5]], "caption": caption}
    for renderable in (render_results(result), render_heatmap(heat)):
        console = Console(width=40, file=io.StringIO(), record=True)
        console.print(renderable)
        lines = console.export_text().splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Loss per epoch"))
        following = lines[start + 1]
        assert following.strip() and not following.startswith(" "), lines


def test_decimal_points_line_up_in_the_values_table():
    """Item 31: 0.74136507 over -0.217071535 over 0.5: the points in one column."""
    from rich.console import Console

    from tutor.tui.widgets.values_table import FittedRows

    rows = [(Text(n), [v], "") for n, v in (("a", "0.74136507"), ("b", "-0.217071535"))]
    rows.append((Text("c"), ["12.5"], ""))
    console = Console(width=38, file=io.StringIO(), record=True)
    console.print(FittedRows(["value", ""], rows))
    lines = [line for line in console.export_text().splitlines()[1:] if line.strip()]
    assert len({line.index(".") for line in lines}) == 1, lines


async def test_worked_answers_break_only_between_terms_at_80_columns(private_data):
    """Item 31: in the 42-column step pane a worked line breaks at · + − =, never inside a
    number or a bracket, and no number loses digits."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for name, numbers in (
            ("dE_total/dw8", ("-0.217071535", "0.175510053", "0.596884378", "-0.022740242")),
            ("E_o2", ("0.99", "0.772928465")),
        ):
            assert screen.jump_to(name)
            await app.workers.wait_for_complete()
            await pilot.pause()
            width = screen.query_one("#work").size.width
            assert width <= 42
            lines = text_of(app, "#work", width=width).splitlines()
            assert "…" not in "\n".join(lines)
            assert all(any(n in line for line in lines) for n in numbers), lines
            assert all(line.count("(") == line.count(")") for line in lines), lines


async def test_export_writes_what_the_screen_shows_where_the_learner_says(private_data, tmp_path):
    """Item 27: the trace on screen (its variant when toggled), to a path asked for (a default
    filled in); a step without a trace explains instead of exporting another lesson's."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.jump_to("26")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert screen.shown_trace() == "mazur@updated-weights"
        command = next(c for c in tutor_commands(app, screen) if c.title == "Export trace as md")
        assert "mazur@updated-weights" in command.help
        command.callback()
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        assert field.value == str(tmp_path / "mazur_updated-weights-trace.md")
        field.value = str(tmp_path / "chosen" / "mine.md")
        (tmp_path / "chosen").mkdir()
        await pilot.press("enter")
        await pilot.pause()
        written = (tmp_path / "chosen" / "mine.md").read_text()
        assert "0.291027924" in written or "0.030229739" in written  # the variant's numbers
        toast = list(app._notifications)[-1]
        assert toast.message == "chosen/mine.md" and "Exported" in toast.title
    app = builtin(private_data, "knowledge-check")  # its steps trace no network
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = {c.title: c for c in tutor_commands(app, app.screen)}
        assert "Export trace as text" not in titles
        titles["Export trace"].callback()
        await pilot.pause()
        assert "no trace to export" in list(app._notifications)[-1].message
    assert not list(tmp_path.glob("mazur*"))  # nothing written behind the learner's back


def test_round_ticks_and_log_decades():
    """Item 26: ticks at 0, 2500, 5000 … (not 7499, 9999); log ticks at powers of ten."""
    from tutor.tui.widgets.loss_plot import decades, nice_ticks, tick_label

    assert nice_ticks(0, 9999) == [0, 2500, 5000, 7500]
    assert nice_ticks(0, 960) == [0, 250, 500, 750]
    assert nice_ticks(0, 30) == [0, 10, 20, 30]
    assert decades(0.0037, 1.83) == [0.001, 0.01, 0.1, 1.0, 10.0]
    assert [tick_label(t) for t in (0, 2500, 0.5, 1e-4)] == ["0", "2500", "0.5", "1e-04"]


async def test_the_mnist_curve_counts_batches_and_keeps_its_axis_when_done(private_data):
    """Item 26: x says 'batch' while running and after (each epoch's mean at its last batch,
    not a redraw on 0…30); l toggles a log loss axis."""
    from tests.tui.snapshot_app import make_app
    from tutor.tui.widgets.loss_plot import LossPlot
    from tutor.tui.widgets.run_panel import RunPanel

    app = make_app(private_data)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "end")
        await pilot.pause()
        screen = app.screen
        panel = screen.query_one(RunPanel)
        plot = screen.query_one(LossPlot)
        panel.reset("Running…", "batch")
        panel.progress("mnist", 112, 960, [(8.0, 2.3), (112.0, 0.9)])
        assert plot.unit == "batch" and max(plot._series["mnist"][0]) == 112
        result = {"loss_curve": [1.0, 0.5], "loss_epochs": [1, 2],
                  "loss_axis": {"unit": "batch", "per_epoch": 32}}
        panel.finished([("mnist", result)])
        assert plot.unit == "batch" and plot._series["mnist"][0] == [32, 64]
        await pilot.press("l")
        assert plot.log_scale
        await pilot.press("l")
        assert not plot.log_scale


async def test_prose_tables_keep_each_pair_whole_at_80_columns(private_data):
    """Item 31: the given-values table of lesson 2 wraps between pairs, never 'w2 =⏎ 0.20'."""
    app = builtin(private_data, "worked-example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.jump_to("1")
        await pilot.pause()
        width = app.screen.query_one("#prose").size.width
        assert width <= 42
        lines = text_of(app, "#prose", width=width).splitlines()
        text = "\n".join(lines)
        for pair in ("w1 = 0.15", "w2 = 0.20", "w3 = 0.25", "w4 = 0.30", "w8 = 0.55"):
            assert pair in text, lines
        rule = next(i for i, line in enumerate(lines) if "────" in line)
        end = next(i for i in range(rule + 1, len(lines)) if not lines[i].strip())
        table = lines[rule + 1 : end]
        assert len(table) >= 6
        assert not any(line.rstrip().endswith("=") for line in table), table


def test_a_variant_name_with_brackets_is_shown_literally():
    """The comparison's headers come from lesson data: shown as typed, never as markup."""
    from rich.console import Console

    from tutor.tui.widgets.values_table import FittedRows

    rows = [(Text("w1"), ["0.1", "0.2"], "")]
    console = Console(width=60, file=io.StringIO(), record=True)
    console.print(FittedRows(["value", "original", "[bold]x[/]"], rows))
    assert "[bold]x[/]" in console.export_text()
