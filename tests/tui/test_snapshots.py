"""SVG snapshots of the main screens (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

from tests.tui.snapshot_app import make_app


async def settle(pilot) -> None:
    """Wait for background work (SymPy formulas, runs) so the picture never depends on timing."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_picker(snap_compare, private_data):
    """The lesson list: titles, summaries, progress."""
    assert snap_compare(make_app(private_data), terminal_size=(80, 24))


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
