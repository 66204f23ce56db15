"""A teacher's lesson with its own network file (examples/teacher-lesson), played headless.

Steps name a network file next to the lesson (`network = "nets/and-gate.toml"`) or a
built-in example (`example = "xor-221"`), and address sample-indexed values (`E_o1[2]`).
"""

from pathlib import Path

import pytest

from tutor.cli import main
from tutor.lessons.errors import LessonError
from tutor.lessons.loader import load_lesson
from tutor.lessons.references import check_references, get_trace

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "examples" / "teacher-lesson"


def test_the_teachers_lesson_plays_headless(capsys):
    assert main(["run", "and-gate", "--lessons", str(FOLDER)]) == 0
    out = capsys.readouterr().out
    assert "net_h1[2] = w1·i1[2] + w2·i2[2] + b_h1·1 = 0.5·1 + (-0.4)·0 + 0.1·1 = 0.6" in out
    assert "Answer: E_o1[2] = 0.149389758" in out  # ½(0 − σ(0.7σ(0.6) − 0.6σ(0.1) + 0.05))²
    assert "dE_total/dw5    = (dE_total/dw5[0] + dE_total/dw5[1]" in out
    assert "E_total    = (E_total[0] + E_total[1] + E_total[2] + E_total[3])/4" in out
    assert "verdict:   agrees" in out


def test_the_lessons_references_all_exist_and_verify_passes(capsys):
    lesson = load_lesson(FOLDER / "01-and-gate.toml")
    assert check_references(lesson) == []
    assert lesson.steps[1].trace == "network:" + str((FOLDER / "nets" / "and-gate.toml").resolve())
    assert main(["verify", "--lessons", str(FOLDER), "--lesson", "and-gate"]) == 0
    capsys.readouterr()


def test_a_sample_value_is_the_network_files_own():
    lesson = load_lesson(FOLDER / "01-and-gate.toml")
    trace = get_trace(lesson.steps[1].trace)
    # an independent computation of sample 2 (inputs 1, 0): h1 = σ(0.5 + 0.1), h2 = σ(0.3 − 0.2)
    import math

    def sigmoid(z):
        return 1 / (1 + math.exp(-z))

    out_o1 = sigmoid(0.7 * sigmoid(0.6) - 0.6 * sigmoid(0.1) + 0.05)
    assert trace.value("out_o1[2]") == pytest.approx(out_o1, rel=1e-15)
    assert trace.value("E_o1[2]") == pytest.approx(0.5 * out_o1**2, rel=1e-14)


LESSON = """
id = "nets"
title = "t"
summary = "s"
order = 1

[[steps]]
kind = "reveal"
{where}
names = ["net_h1[0]"]
"""


@pytest.mark.parametrize(
    "where, message",
    [
        ('network = "/etc/passwd"', "expected a path relative to the lesson's folder"),
        ('network = "../outside.toml"', "'../outside.toml' leads out of the lesson's folder"),
        ('network = "nets/../../x.toml"', "leads out of the lesson's folder"),
        ('network = "nets/missing.toml"', "missing.toml: cannot read the file"),
        ('network = "nets/bad.toml"', "bad.toml: layers: expected at least one [[layers]] table"),
        ('network = "nets/net.toml"\ntrace = "mazur"', "give one of trace, example, network"),
        ('example = "nope!"', "steps[1].example: expected EXAMPLE or EXAMPLE@VARIANT"),
    ],
)
def test_bad_network_references_are_named_errors(tmp_path, where, message):
    (tmp_path / "lesson" / "nets").mkdir(parents=True)
    (tmp_path / "lesson" / "nets" / "bad.toml").write_text(
        'inputs = 1\nloss = "mse"\nlearning_rate = 1\nlayers = []\n'
        "[sample]\ninputs = [1]\ntargets = [1]\n"
    )
    (tmp_path / "outside.toml").write_text("")
    path = tmp_path / "lesson" / "01-nets.toml"
    path.write_text(LESSON.format(where=where))
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert message in str(caught.value) and "steps[1]" in str(caught.value)


def test_a_step_can_name_a_builtin_example_and_a_sample_name(tmp_path):
    path = tmp_path / "01-ex.toml"
    path.write_text(LESSON.format(where='example = "deep-xor"').replace("net_h1[0]", "out_h2_3[3]"))
    lesson = load_lesson(path)
    assert lesson.steps[0].trace == "deep-xor"
    assert check_references(lesson) == []
    bad = tmp_path / "02-ex.toml"
    bad.write_text(LESSON.format(where='example = "deep-xor"').replace("net_h1[0]", "net_h1[9]"))
    (error,) = check_references(load_lesson(bad))
    assert "'net_h1[9]' is not a value of the trace 'deep-xor'" in str(error)


def test_the_readme_shows_the_example_files_as_they_are():
    readme = (ROOT / "lessons" / "README.md").read_text()
    for name in ("01-and-gate.toml", "nets/and-gate.toml"):
        text = (FOLDER / name).read_text().rstrip()
        assert f"`examples/teacher-lesson/{name}`:\n\n```toml\n{text}\n```" in readme


def test_steps_may_name_matrix_entries(tmp_path):
    path = tmp_path / "01-m.toml"
    names = '["Z1[0,3]", "δ2[0,1]", "W2[0,0]", "dW2[0,1]", "W2⁺[0,0]"]'
    path.write_text(LESSON.format(where='example = "xor-221"').replace('["net_h1[0]"]', names))
    lesson = load_lesson(path)
    assert lesson.steps[0].names == ("net_h1[3]", "delta_o1[1]", "w5", "dE_total/dw6", "w5+")
    assert check_references(lesson) == []
    single = tmp_path / "02-m.toml"
    single.write_text(LESSON.format(where='trace = "mazur"').replace('["net_h1[0]"]', '["δ2[0]"]'))
    assert load_lesson(single).steps[0].names == ("delta_o1",)
    bad = tmp_path / "03-m.toml"
    bad.write_text(LESSON.format(where='trace = "mazur"').replace('["net_h1[0]"]', '["W9[0,0]"]'))
    with pytest.raises(LessonError, match=r"steps\[1\]\.names\[1\]: 'W9\[0,0\]' is not an entry"):
        load_lesson(bad)


def test_a_prose_step_may_name_the_network_it_shows(tmp_path):
    prose = (
        'id = "p"\ntitle = "P"\nsummary = "S"\norder = 1\n'
        '[[steps]]\nkind = "prose"\ntext = "The digit."\n{where}\n'
    )
    path = tmp_path / "01-p.toml"
    path.write_text(prose.format(where='example = "mnist-digit"'))
    lesson = load_lesson(path)
    assert lesson.steps[0].trace == "mnist-digit"
    assert check_references(lesson) == []
    plain = tmp_path / "02-p.toml"
    plain.write_text(prose.format(where=""))
    assert load_lesson(plain).steps[0].trace == ""
    bad = tmp_path / "03-p.toml"
    bad.write_text(prose.format(where='example = "mnist-digits"'))
    (error,) = check_references(load_lesson(bad))
    assert "steps[1]" in str(error) and "unknown example 'mnist-digits'" in str(error)


def _lesson_with_figure(tmp_path, computed: str) -> Path:
    """The teacher's lesson copied, with one more figure whose computed reference is given."""
    import shutil

    folder = tmp_path / "lessons"
    shutil.copytree(FOLDER, folder)
    path = folder / "01-and-gate.toml"
    text = path.read_text(encoding="utf-8")
    figure = (
        '[[figures]]\nid = "and_out"\npublished = "0.5466"\nsource = "the teacher\'s sheet"\n'
        f'computed = "{computed}"\n\n'
    )
    path.write_text(text.replace("[[figures]]", figure + "[[figures]]", 1), encoding="utf-8")
    return path


def test_a_figure_may_name_a_network_file_next_to_the_lesson(tmp_path, capsys):
    from tutor.lessons.figures import check_lesson

    path = _lesson_with_figure(tmp_path, "trace:nets/and-gate.toml:out_o1[2]")
    lesson = load_lesson(path)
    figure = next(f for f in lesson.figures if f.id == "and_out")
    resolved = (path.parent / "nets" / "and-gate.toml").resolve()
    assert figure.computed == f"trace:network:{resolved}:out_o1[2]"
    assert check_references(lesson) == []
    (check,) = [c for c in check_lesson(lesson) if c.figure == "and_out"]
    # σ(0.7·σ(0.6) − 0.6·σ(0.1) + 0.05), computed here independently: 0.546607…
    assert check.computed == pytest.approx(0.5466072778315698, rel=1e-15)
    assert check.verdict == "agrees"
    assert main(["verify", "--lessons", str(path.parent), "--lesson", "and-gate"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    "computed, message",
    [
        ("trace:nets/../../x.toml:out_o1", "leads out of the lesson's folder"),
        ("trace:nets/missing.toml:out_o1", "missing.toml: cannot read the file"),
        ("trace:network:/etc/x.toml:out_o1", "relative to the lesson"),
        ("trace:nets/and-gate.toml:out o1", "is not a traced value's name"),
    ],
)
def test_a_figures_network_file_is_checked_like_a_steps(tmp_path, computed, message):
    path = _lesson_with_figure(tmp_path, computed)
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert message in str(caught.value) and "figures[1].computed" in str(caught.value)


def test_a_figures_name_missing_from_the_network_file_is_a_reference_error(tmp_path):
    lesson = load_lesson(_lesson_with_figure(tmp_path, "trace:nets/and-gate.toml:out_o9"))
    (error,) = check_references(lesson)
    assert "'out_o9' is not a value of the trace" in str(error)
