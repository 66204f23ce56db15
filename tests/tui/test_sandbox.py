"""The sandbox and the graph view driven by keys and the mouse (Pilot)."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console
from textual.widgets import Static

from tests.tui.snapshot_app import make_app, make_sandbox_app
from tutor import sandbox as sb
from tutor.engine import TrainConfig, train
from tutor.engine.netfile import load_network_file
from tutor.engine.variants import trace_example_step
from tutor.tui.screens.graph import GraphScreen
from tutor.tui.screens.sandbox import SandboxScreen
from tutor.tui.widgets.sandbox_network import SandboxNetwork

MAZUR_FILE = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "mazur.toml"


def text_of(app, selector: str) -> str:
    """The plain text a Static shows."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


async def sandbox(pilot) -> SandboxScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, SandboxScreen)
    return pilot.app.screen


async def type_value(pilot, text: str) -> None:
    """Type a number into the prompt the first key opens, then Enter."""
    await pilot.press(text[0])
    await pilot.pause()
    await pilot.press(*text[1:], "enter")
    await pilot.pause()


async def test_editing_w5_gives_exactly_the_trace_of_the_edited_file(private_data, tmp_path):
    async with make_sandbox_app("mazur", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        assert screen.selected == "w5"
        await type_value(pilot, "0.5")
        edited = tmp_path / "edited.toml"
        edited.write_text(
            MAZUR_FILE.read_text().replace("[[0.40, 0.45],", "[[0.5, 0.45],"), encoding="utf-8"
        )
        expected, _ = trace_example_step(load_network_file(edited))
        assert screen.state.trace.as_dict() == expected.as_dict()
        changes = text_of(pilot.app, "#sb-changes")
        assert "w5 0.4 → 0.5" in changes and "E_total 0.298371 → 0.306524" in changes
        # + and − step by 0.1; undo and redo walk the edits
        await pilot.press("plus")
        assert sb.value_of(screen.state, "w5") == 0.6
        await pilot.press("u", "u")
        assert sb.value_of(screen.state, "w5") == 0.4
        await pilot.press("U")
        assert sb.value_of(screen.state, "w5") == 0.5


async def test_a_typed_value_is_a_number_never_an_expression(private_data):
    async with make_sandbox_app("mazur", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"2*3", "enter")
        await pilot.pause()
        assert "not a number" in text_of(pilot.app, "#sb-message")
        assert sb.value_of(screen.state, "w5") == 0.4 and not screen.undo_stack


async def test_add_and_remove_a_neuron_keep_the_trace_valid(private_data):
    async with make_sandbox_app("mazur", private_data).run_test(size=(120, 40)) as pilot:
        screen = await sandbox(pilot)
        await pilot.press("a")
        assert screen.state.sizes == [2, 3, 2]
        assert "net_h3" in screen.state.trace and "dE_total/dw9" in screen.state.trace
        await pilot.press("x", "x")
        assert screen.state.sizes == [2, 1, 2]
        await pilot.press("x")  # refused: the layer's last neuron
        assert screen.state.sizes == [2, 1, 2]
        assert "one neuron left" in text_of(pilot.app, "#sb-message")
        await pilot.press("e", "e")  # mse, then bce on a sigmoid output: both valid
        assert screen.state.loss.name == "bce"
        await pilot.press("e")  # cross-entropy needs softmax: refused, nothing changes
        assert screen.state.loss.name == "bce"
        assert "softmax" in text_of(pilot.app, "#sb-message")


async def test_training_n_steps_equals_the_engines_fast_training(private_data):
    async with make_sandbox_app("xor", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        start = screen.state
        await pilot.press("n")
        await pilot.pause()
        screen.query_one("#sb-input").value = ""
        await pilot.press(*"3000", "enter")
        await pilot.pause()
        assert screen.steps_n == 3000
        await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        net = start.network.copy()
        data = start.data()
        history = train(net, data.X, data.T, start.loss, TrainConfig(2.0, epochs=3000))
        for a, b in zip(net.layers, screen.state.network.layers):
            assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
        assert [e for _, e in screen.curve][:-1] == history.losses
        assert screen.state.accuracy() == (4, 4) and screen.steps_done == 3000
        assert "4/4 right" in text_of(pilot.app, "#sb-status")
        grid = boundary_map(pilot.app)
        assert grid.count("●") == 2 and grid.count("○") == 2
        # and the map is on the screen at 80×24, beside the curve, not pushed off its edge
        box = screen.query_one("#sb-boundary")
        assert box.display and box.region.right <= 80 and box.region.height >= 5
        await pilot.press("u")  # a whole run undoes at once
        assert screen.state is start


def boundary_map(app) -> str:
    """The decision boundary's map without its legend (which shows ● and ○ too)."""
    lines = text_of(app, "#sb-boundary").splitlines()
    return "".join(lines[: next(i for i, line in enumerate(lines) if "out_o" in line)])


async def test_the_reports_data_sets_train_with_the_boundary_and_save_with_the_file(
    private_data, tmp_path
):
    async with make_sandbox_app("xor", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        for _ in range(3):  # xor → and → or → easy-xor
            await pilot.press("d")
        await pilot.pause()
        assert screen.state.data_name == "easy-xor"
        assert "easy-xor (21)" in text_of(pilot.app, "#sb-status")
        assert "easy XOR (21 points" in text_of(pilot.app, "#sb-message")
        box = screen.query_one("#sb-boundary")
        assert box.display and box.region.right <= 80
        marks = boundary_map(pilot.app)
        assert 0 < marks.count("●") + marks.count("○") <= 21  # points may share a cell
        await pilot.press("s")  # one step on the 21 points: the engine's full-batch step
        await pilot.pause()
        expected, _ = sb.train_steps(sb.set_data(sb.xor_preset(), "easy-xor"), 1)
        assert np.array_equal(expected.network.layers[0].W, screen.state.network.layers[0].W)
        await pilot.press("ctrl+s")
        await pilot.pause()
        target = tmp_path / "easy.toml"
        screen.query_one("#sb-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "saved" in text_of(pilot.app, "#sb-message")
        assert target.read_text(encoding="utf-8").count("\n[[samples]]\n") == 21
        saved = screen.state
        await pilot.press("z")
        assert screen.state.data_name == "xor"
        await pilot.press("ctrl+o")
        await pilot.pause()
        screen.query_one("#sb-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state.data_name == "easy-xor"
        assert screen.state.trace.as_dict() == saved.trace.as_dict()
        assert screen.state.data_loss() == saved.data_loss()
        await pilot.press("d")  # then on to the linear data: 100 points
        await pilot.pause()
        assert screen.state.data_label() == "linear (100 rows)"


async def test_a_saved_network_file_reloads_to_the_same_trace(private_data, tmp_path):
    async with make_sandbox_app("mazur", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        await pilot.press("a")
        await type_value(pilot, "0.25")
        await pilot.press("ctrl+s")
        await pilot.pause()
        target = tmp_path / "mine.toml"
        screen.query_one("#sb-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "saved" in text_of(pilot.app, "#sb-message")
        trace, _ = trace_example_step(load_network_file(target))
        assert trace.as_dict() == screen.state.trace.as_dict()
        saved = screen.state.trace.as_dict()
        await pilot.press("z")  # back to the start, then load the file again
        assert screen.state.sizes == [2, 2, 2]
        await pilot.press("ctrl+o")
        await pilot.pause()
        screen.query_one("#sb-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state.trace.as_dict() == saved


async def test_a_click_selects_a_value(private_data):
    async with make_sandbox_app("mazur", private_data).run_test(size=(120, 40)) as pilot:
        screen = await sandbox(pilot)
        view = screen.query_one(SandboxNetwork)
        console = Console(width=120, file=io.StringIO(), record=True)
        console.print(view.content)
        lines = console.export_text().splitlines()
        row = next(r for r, line in enumerate(lines) if "w3" in line)
        await pilot.click(SandboxNetwork, offset=(lines[row].index("w3") + 1, row))
        await pilot.pause()
        assert screen.selected == "w3"


async def test_network_file_titles_are_shown_literally(private_data, tmp_path):
    path = tmp_path / "markup.toml"
    path.write_text(
        MAZUR_FILE.read_text().replace(
            'title = "The 2-2-2 worked example"', 'title = "[bold red]boom[/] [@click=app.quit]x"'
        ),
        encoding="utf-8",
    )
    app = make_sandbox_app("mazur", private_data)
    app.start_sandbox = sb.from_example(load_network_file(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await sandbox(pilot)
        assert "[bold red]boom[/] [@click=app.quit]x" in text_of(pilot.app, "#sb-status")


async def test_the_graph_view_walks_backward_with_the_traces_gradients(private_data):
    async with make_sandbox_app("mazur", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        trace = screen.state.trace
        await pilot.press("G")
        await pilot.pause()
        graph_screen = pilot.app.screen
        assert isinstance(graph_screen, GraphScreen)
        assert graph_screen.order[0].id == "E_total"
        for node in graph_screen.graph.nodes:
            if node.grad_name:
                assert abs(node.grad - trace.value(node.grad_name)) <= 1e-12 * max(
                    1, abs(node.grad)
                )
        steps = next(k for k, n in enumerate(graph_screen.order) if n.id == "out_h1")
        await pilot.press(*["right"] * steps)
        assert graph_screen.order[graph_screen.cursor].id == "out_h1"
        flow = text_of(pilot.app, "#graph-flow")
        assert "dE_total/dout_h1" in flow and "0.03635" in flow and "∂E/∂net_h1" in flow
        assert "dout_h1/dnet_h1" in flow  # the chain-rule factor, by the trace's name
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_the_lesson_opens_the_graph_view_and_the_picker_the_sandbox(private_data):
    async with make_app(private_data).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GraphScreen)
        await pilot.press("escape", "q")
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SandboxScreen)
        assert pilot.app.screen.state.name == "xor"


async def test_pause_resume_and_the_result_is_still_the_engines(private_data, monkeypatch):
    import threading

    import tutor.tui.screens.sandbox as sandbox_screen

    # The worker waits after its first chunk until the test has paused, so the pause lands
    # mid-run however fast the machine trains (without this the run could finish first).
    original, paused, calls = sb.train_steps, threading.Event(), []

    def held_train_steps(state, n):
        calls.append(n)
        if len(calls) == 2:
            paused.wait(timeout=30)
        return original(state, n)

    monkeypatch.setattr(sandbox_screen.sb, "train_steps", held_train_steps)
    async with make_sandbox_app("xor", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        start = screen.state
        screen.steps_n = 2000
        await pilot.press("t")
        for _ in range(500):  # until the first chunk of steps has arrived
            if screen.steps_done:
                break
            await pilot.pause(0.01)
        await pilot.press("space")  # pause
        paused.set()
        await pilot.pause()
        assert not screen.training and 0 < screen.remaining < 2000
        assert "paused" in text_of(pilot.app, "#sb-message")
        await pilot.press("w")  # an unbound key while paused changes nothing
        await pilot.press("space")  # resume
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.remaining == 0 and screen.steps_done == 2000
        expected, _ = original(start, 2000)
        for a, b in zip(expected.network.layers, screen.state.network.layers):
            assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)


async def test_randomise_from_a_seed_and_step_one(private_data):
    async with make_sandbox_app("mazur", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        start = screen.state
        await pilot.press("R")
        await pilot.pause()
        screen.query_one("#sb-input").value = "7"
        await pilot.press("enter")
        await pilot.pause()
        expected = sb.randomise(start, 7)
        assert screen.state.trace.as_dict() == expected.trace.as_dict()
        await pilot.press("s")
        one, _ = sb.train_steps(expected, 1)
        assert screen.state.trace.as_dict() == one.trace.as_dict()
        assert screen.steps_done == 1
        # the traced step's update is the step the sandbox takes
        for a, b in zip(expected.traced()[1].layers, screen.state.network.layers):
            np.testing.assert_allclose(a.W, b.W, rtol=1e-13)


async def test_enter_submits_an_open_prompt_without_the_focus(private_data):
    """The screen's Enter (action_edit) submits an open prompt whose box lost the focus."""
    async with make_sandbox_app("mazur", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        await pilot.press("5")
        await pilot.pause()
        screen.query_one("#sb-input").value = "0.5"
        screen.set_focus(None)
        await pilot.press("enter")
        await pilot.pause()
        assert sb.value_of(screen.state, "w5") == 0.5


async def test_the_layer_of_the_selection_comes_from_the_value_s_identity(private_data):
    """Adding a neuron goes to the layer the selected weight or bias feeds (issue 10: read
    from the traced value's identity, not from its name)."""
    async with make_sandbox_app("xor", private_data).run_test(size=(80, 24)) as pilot:
        screen = await sandbox(pilot)
        sizes = screen.state.sizes
        expected = {"i1": 1, "eta": len(sizes) - 1, "t_o1": len(sizes) - 1}
        weights = [w for w in screen.state.trace if w.identity.kind in ("weight", "bias")]
        for v in weights:
            expected[v.name] = v.identity.layer
        assert {weights[0].identity.layer, weights[-1].identity.layer} == {1, len(sizes) - 1}
        for name, layer in expected.items():
            screen.selected = name
            assert screen._layer_of_selection() == layer, name
