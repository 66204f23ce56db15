"""TextColumns draws what the borderless Rich Table it replaces drew: same characters, same
styles, cell by cell, for every network drawing of the built-in lessons and for values tables."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, Group
from rich.style import Style
from rich.text import Text

from tutor.tui.widgets.network_view import render_network
from tutor.tui.widgets.text_columns import TextColumns
from tutor.tui.widgets.values_table import FittedRows

NULL = Style()


def cells(renderable, width: int) -> list[list[tuple[str, Style]]]:
    """Each line drawn at `width` as (character, style) pairs; no style counts as the null one."""
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    return [[(c, seg.style or NULL) for seg in line for c in seg.text] for line in lines]


def columns_in(renderable) -> list[TextColumns]:
    """The TextColumns in a drawing (itself, or inside a Group)."""
    if isinstance(renderable, TextColumns):
        return [renderable]
    if isinstance(renderable, Group):
        return [c for r in renderable.renderables for c in columns_in(r)]
    return []


def network_drawings():
    """(lesson id, value, drawing) for every distinct traced frame of the built-in lessons,
    once as revealed and once with the value hidden (a predict step)."""
    from tutor.tui import data
    from tutor.tui.frames import build_frames

    lessons, errors = data.load_lessons()
    assert lessons and not errors
    seen = set()
    for lesson in lessons:
        frames, _ = build_frames(lesson, data.trace_for)
        for f in frames:
            if not f.trace or (f.trace, f.name) in seen or data.summary_for(f.trace) is not None:
                continue
            seen.add((f.trace, f.name))
            trace = data.trace_for(f.trace)
            visible = {v.name for v in trace if v.phase == "given"} | set(f.shown)
            deps = set(trace[f.name].inputs) if f.name else set()
            hidden = {f.name} if f.name else set()
            yield lesson.id, f.name, render_network(trace, visible, f.name, deps, set())
            yield lesson.id, f.name, render_network(trace, visible - hidden, f.name, deps, hidden)


def text_key(text: Text) -> tuple:
    """Everything of a Text that Rich draws from: two Texts with the same key draw the same."""
    return (
        text.plain,
        str(text.style),
        tuple(text.spans),
        text.justify,
        text.overflow,
        text.no_wrap,
        text.end,
        text.tab_size,
    )


def columns_key(columns: TextColumns) -> tuple:
    """Everything a TextColumns and its Table are drawn from."""
    return (
        tuple(text_key(h) for h in columns.headers),
        tuple(tuple(text_key(cell) for cell in row) for row in columns.rows),
        columns.pad_edge,
        columns.header_style,
        columns.no_wrap,
    )


def test_every_network_drawing_matches_the_rich_table_cell_by_cell():
    compared = 0
    drawn = set()  # half the drawings repeat another's columns exactly: each is drawn once
    for lesson_id, name, drawing in network_drawings():
        for columns in columns_in(drawing):
            # The network area at 80 columns; wider, both draw the same lines (they fit).
            assert columns.width() <= 78, (lesson_id, name)
            key = columns_key(columns)
            if key not in drawn:
                assert cells(columns, 78) == cells(columns.table(), 78), (lesson_id, name)
                drawn.add(key)
            compared += 1
    assert compared > 100 and len(drawn) > 100


def test_a_drawing_too_wide_is_the_table_itself():
    columns = TextColumns(["a", "b"], [[Text("x" * 30, style="bold"), Text("y" * 30)]])
    assert cells(columns, 40) == cells(columns.table(), 40)
    assert "…" in "".join(c for c, _ in cells(columns, 40)[1])  # the Table cut it, as before


@pytest.mark.parametrize("width", [36, 58])
def test_values_tables_match_the_rich_table(width):
    rows = [
        (Text("net_h1", style="bold green"), ["0.3775"], "bold green"),
        (Text("out_h1", style="bold reverse"), ["0.593269992"], "bold reverse"),
        (Text("dE_total/dw5"), ["?"], ""),
    ]
    for table in (FittedRows(["forward values", ""], rows), FittedRows(["v", "a", "b"], [])):
        drawn = cells(table, width)
        columns = next(r for r in table.__rich_console__(Console(), Console().options))
        assert isinstance(columns, TextColumns)
        assert drawn[: len(drawn) - bool(table.note)] == cells(columns.table(), width)
