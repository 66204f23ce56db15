"""What a frame shows is what the student has seen, not a prefix of the trace."""

from __future__ import annotations

from tutor.lessons.loader import load_lesson
from tutor.paths import lessons_dir
from tutor.tui import data
from tutor.tui.frames import build_frames


def frames_of_the_worked_example():
    lesson = load_lesson(lessons_dir() / "02-worked-example.toml")
    frames, problems = build_frames(lesson, data.trace_for)
    assert not problems
    return frames


def test_predicting_w1_plus_early_does_not_show_the_other_updates():
    frames = frames_of_the_worked_example()
    w1_plus = next(i for i, f in enumerate(frames) if f.name == "w1+")
    after = frames[w1_plus + 1]  # the rest of the backward pass, value 1
    assert after.phase == "backward"
    assert "w1+" in after.shown and "w1" in after.shown
    assert not {"w6+", "w7+", "w8+", "w2+"} & after.shown
    assert "dE_total/dw4" not in frames[w1_plus].shown  # not used by w1+, not yet revealed


def test_every_update_gets_its_own_frame_and_the_last_frame_shows_everything():
    frames = frames_of_the_worked_example()
    names = {f.name for f in frames}
    trace = data.trace_for("mazur")
    assert {v.name for v in trace if v.phase == "update"} <= names
    computed = {v.name for v in trace if v.phase != "given"}
    assert computed <= frames[-1].shown


def test_a_predict_frame_shows_what_the_value_uses_but_not_the_value():
    frames = frames_of_the_worked_example()
    f = next(f for f in frames if f.name == "dE_total/dw1")
    assert f.step.kind == "predict"
    assert "dE_total/dw1" not in f.shown
    assert {"dout_h1/dnet_h1", "dE_total/dout_h1", "dnet_h1/dw1", "out_h1"} <= f.shown


def test_sympy_formulas_are_shown_in_unicode():
    forms = data.symbolic_formulas("mazur")
    assert forms["E_o2"] == "(−out_o2 + t_o2)²/2"
    assert not any("^2" in f or "-" in f for f in forms.values())
