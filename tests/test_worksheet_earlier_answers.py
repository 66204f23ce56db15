"""A worksheet's given lines never fill an earlier blank: lesson 9's question 3 was given
question 2's answer (out_o1), so the sheet answered its own question 2."""

from __future__ import annotations

from tests.lesson_cache import load_builtin_lessons
from tutor.classroom.lesson_sheet import lesson_sheet
from tutor.engine.trace import format_number
from tutor.lessons.experiment_values import experiment_prediction

LESSONS = {lesson.id: lesson for lesson in load_builtin_lessons().lessons}


def _answers(lesson_id: str) -> list[float]:
    """The answer of each experiment value the lesson asks, in order."""
    steps = [s for s in LESSONS[lesson_id].steps if s.kind == "predict" and s.experiment]
    return [experiment_prediction(s.experiment, s.target).value for s in steps]


def test_lesson_9_sheet_does_not_give_question_2s_answer_in_questions_3_and_4():
    sheet, problems = lesson_sheet(LESSONS["mnist"], "md", answers=False)
    assert problems == []
    _, probability, _, _ = _answers("mnist")  # the sheet's questions 1 to 4
    assert format_number(probability) not in sheet  # out_o1 = 0.082316701, question 2's answer
    loss = sheet[sheet.index("the loss of this digit") : sheet.index("3. ____")]
    delta = sheet[sheet.index("the output delta") : sheet.index("4. ____")]
    assert "out_o1 = (your answer to 2)   (the probability of the right digit, 0)" in loss
    assert "out_o1 = (your answer to 2),  target t_o1 = 1" in delta


def test_the_key_and_the_latex_sheet_agree():
    _, probability, _, _ = _answers("mnist")
    key, _ = lesson_sheet(LESSONS["mnist"], "md", answers=True)
    assert f"out_o1 = {format_number(probability)}   (the probability" in key  # the key shows it
    tex, _ = lesson_sheet(LESSONS["mnist"], "tex", answers=False)
    assert format_number(probability) not in tex and "(your answer to 2)" in tex


def test_lesson_1_sheet_refers_to_earlier_answers_instead_of_giving_them():
    sheet, _ = lesson_sheet(LESSONS["neuron-perceptron"], "md", answers=False)
    net, out, _ = _answers("neuron-perceptron")  # the output's given is the net input, …
    assert format_number(net) not in sheet and format_number(out) not in sheet
    assert "net = (your answer to 1) (the previous step's answer)" in sheet
