"""The terminal progress bar names what runs in the learner's words, on one line."""

from __future__ import annotations

import io

from tutor.cli import main
from tutor.experiments import registry
from tutor.lessons.loader import load_lessons
from tutor.progress import progress_bar


class _Tty(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_predicted_experiment_value_labels_its_bar_with_the_experiments_title(monkeypatch):
    lesson = next(x for x in load_lessons().lessons if x.id == "neuron-perceptron")
    number, step = next(
        (k, s) for k, s in enumerate(lesson.steps, 1) if s.kind == "predict" and s.experiment
    )
    labels: list[str] = []

    def recording_bar(total, label="", stream=None, width=30):
        labels.append(label)
        return progress_bar(total, label, stream, width)

    monkeypatch.setattr("tutor.progress.progress_bar", recording_bar)
    assert main(["run", lesson.id, "--step", str(number)]) == 0
    assert labels == [registry.get_experiment(step.experiment).title]
    assert step.experiment not in labels[0]


def test_a_label_too_long_for_the_terminal_is_shortened_to_keep_the_bar_on_one_line(
    monkeypatch,
):
    monkeypatch.setenv("COLUMNS", "80")
    tty = _Tty()
    update = progress_bar(
        10_000, "a label far too long to sit beside the bar on an 80-column line", tty
    )
    update(10_000, 10_000, 0.0123457)
    line = tty.getvalue().removeprefix("\r").removesuffix("\x1b[K\n")
    assert line.startswith("a label") and "…" in line and "10000/10000  loss 0.0123457" in line
    assert len(line) <= 80


def test_the_widest_count_and_loss_keep_the_line_within_the_terminal(monkeypatch):
    """Seen in tmux: "The 2-2-2 worked ex… … 10000/10000  loss 3.51019e-05" took 81 columns of
    80 and wrapped, so every redraw of the bar left a line behind."""
    monkeypatch.setenv("COLUMNS", "80")
    for total, loss in ((10_000, 3.51019e-05), (50_000, -1.23457e-05), (99_999, -123456.0)):
        tty = _Tty()
        update = progress_bar(total, "The 2-2-2 worked example, trained 10,000 rounds", tty)
        update(total, total, loss)
        line = tty.getvalue().removeprefix("\r").removesuffix("\x1b[K\n")
        assert f"{total}/{total}  loss {loss:.6g}" in line
        assert len(line) < 80, line


def test_verify_labels_an_experiments_bar_with_its_title(monkeypatch):
    from tutor.cli import verify_cmd

    labels: list[str] = []

    def recording_bar(total, label="", stream=None, width=30):
        labels.append(label)
        return progress_bar(total, label, stream, width)

    monkeypatch.setattr(verify_cmd, "progress_bar", recording_bar)
    verify_cmd._experiment_bar(verify_cmd._experiment_id("experiment:xor_relu:final_loss"))
    assert verify_cmd._experiment_bar(verify_cmd._experiment_id("trace:mazur:E_total")) is None
    assert labels == [registry.get_experiment("xor_relu").title]


def test_a_finished_bar_is_drawn_once_and_a_new_run_draws_again():
    tty = _Tty()
    update = progress_bar(10, "run", tty)
    update(10, 10, 0.5)
    update(10, 10, 0.5)  # experiments report their end again after the loop
    assert tty.getvalue().count("\n") == 1
    update(0, 10, None)  # the next run on the same bar
    update(10, 10, 0.25)
    assert tty.getvalue().count("\n") == 2 and "10/10  loss 0.25" in tty.getvalue()
