"""SVG snapshots of the main screens (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

from tests.tui.snapshot_app import make_app, picker_ready


async def settle(pilot) -> None:
    """Wait for background work (SymPy formulas, runs) so the picture never depends on timing."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_picker(snap_compare, private_data):
    """The lesson list: titles, summaries, progress (read in the picker's worker, as live)."""
    assert snap_compare(
        make_app(private_data, preload=False), terminal_size=(80, 24), run_before=picker_ready
    )


def test_lesson_reveal_step(snap_compare, private_data):
    """A forward-pass value: network with the value highlighted, formula, numbers, result."""

    async def run_before(pilot):
        await pilot.press("enter", "right", "right")
        await settle(pilot)

    assert snap_compare(make_app(private_data), terminal_size=(80, 24), run_before=run_before)


def test_predict_step_with_a_hint(snap_compare, private_data):
    """A wrong prediction of out_h1 (net_h1 typed): the hint names the mistake."""

    async def run_before(pilot):
        await pilot.press("enter", "right", "right", "right")
        await settle(pilot)
        await pilot.press(*"0.3775", "enter")
        await pilot.pause()

    assert snap_compare(make_app(private_data), terminal_size=(100, 30), run_before=run_before)


def test_run_with_its_plot(snap_compare, private_data):
    """A finished run: full bar, loss curve, results, heatmap and boundary below."""

    async def run_before(pilot):
        await pilot.press("enter", "end", "r")
        await settle(pilot)

    assert snap_compare(make_app(private_data), terminal_size=(100, 60), run_before=run_before)


def test_help(snap_compare, private_data):
    """Every key, over the lesson screen."""

    async def run_before(pilot):
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")

    assert snap_compare(make_app(private_data), terminal_size=(100, 30), run_before=run_before)


def test_lesson_step_in_the_light_theme(snap_compare, private_data):
    """The same forward-pass value in the light theme (ctrl+t): highlights stay readable."""

    async def run_before(pilot):
        await pilot.press("enter", "right", "right", "ctrl+t")
        await settle(pilot)

    assert snap_compare(make_app(private_data), terminal_size=(80, 24), run_before=run_before)


def _sandbox_after_an_edit():
    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        await pilot.press(".", "5", "enter")
        await pilot.pause()

    return run_before


def test_sandbox_after_editing_w5(snap_compare, private_data):
    """The sandbox on mazur after w5 = 0.5: changed values marked, the list old → new."""
    from tests.tui.snapshot_app import make_sandbox_app

    app = make_sandbox_app("mazur", private_data)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_sandbox_after_an_edit())


def test_sandbox_xor_wide(snap_compare, private_data):
    """The XOR sandbox at 120×40 after one step: boundary, curve, every weight with ∇."""
    from tests.tui.snapshot_app import make_sandbox_app

    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()

    app = make_sandbox_app("xor", private_data)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def _graph_at(steps: int):
    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        await pilot.press(*["right"] * steps)
        await pilot.pause()

    return run_before


def test_graph_view(snap_compare, private_data):
    """The graph view at out_h1: the gradient flowing to net_h1 with its factor."""
    from tests.tui.snapshot_app import make_sandbox_app

    app = make_sandbox_app("mazur", private_data)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_graph_at(18))


def test_graph_view_wide(snap_compare, private_data):
    """The graph view at 120×40 on a product node: two inputs, the trace's names."""
    from tests.tui.snapshot_app import make_sandbox_app

    app = make_sandbox_app("mazur", private_data)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_graph_at(12))
