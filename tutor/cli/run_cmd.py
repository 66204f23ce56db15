"""`backprop-tutor run LESSON`: play a lesson headless (prose, values, derivations, answers)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from tutor.cli.lessons_cmd import add_lessons_option, load_from_args
from tutor.cli.ranges import whole
from tutor.engine.trace import format_number
from tutor.lessons.display_names import computed_name, learner_source
from tutor.lessons.labels import step_label
from tutor.lessons.model import (
    CompareStep,
    DeriveStep,
    ErrataStep,
    Lesson,
    PredictStep,
    ProseStep,
    QuizStep,
    RevealStep,
    RunStep,
    Step,
)
from tutor.lessons.plaintext import plain_text
from tutor.lessons.render import result_lines, table_lines, trace_lines
from tutor.text_safety import escape_controls


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="lesson id (see `backprop-tutor lessons`) or its number")
    parser.add_argument(
        "--step", type=whole(1, 100_000), metavar="K", help="play only step K (from 1)"
    )
    add_lessons_option(parser)
    parser.add_argument(
        "--no-instructor",
        action="store_true",
        help="leave out the instructor notes (steps marked instructor = true)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "md", "tex", "json", "csv"),
        default="text",
        help="tex, json, csv: with --blanks (json, csv: the fill-in template `grade` reads; "
        "with --answers, json: its key)",
    )
    sheet = parser.add_mutually_exclusive_group()
    sheet.add_argument(
        "--blanks", action="store_true", help="write the lesson as a worksheet (md or tex)"
    )
    sheet.add_argument("--answers", action="store_true", help="write the worksheet's answer key")
    parser.add_argument("-o", "--output", metavar="FILE", help="with --blanks/--answers: a file")


class Player:
    """Writes a lesson's steps as text or Markdown; collects problems instead of raising."""

    def __init__(self, lesson: Lesson, markdown: bool, out=None):
        self.lesson = lesson
        self.md = markdown
        self.out = out or sys.stdout
        self.problems: list[str] = []

    def write(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.out)

    def prose(self, text: str) -> str:
        """Lesson Markdown as written for `--format md`, as plain text otherwise."""
        text = learner_source(text)  # "Slides (003)", not the file's name
        return text if self.md else plain_text(text)

    def block(self, lines: list[str]) -> None:
        """Preformatted lines: a fenced block in Markdown, indented in text."""
        if self.md:
            self.write("```", *lines, "```", "")
        else:
            self.write(*("  " + line for line in lines), "")

    def header(self) -> None:
        lesson = self.lesson
        if self.md:
            self.write(f"# {lesson.title}", "", f"*{lesson.summary}*", "")
        else:
            self.write(lesson.title, "=" * len(lesson.title), self.prose(lesson.summary), "")

    def step(self, number: int, step: Step) -> None:
        title = step.title or step.kind
        total = len(self.lesson.steps)
        note = "  [instructor note]" if step.instructor else ""
        if self.md:
            self.write(f"## {number}. {title}{note}", "")
        else:
            heading = f"[{number}/{total}] {title}  ({step_label(self.lesson, step)}){note}"
            self.write(heading, "-" * len(heading))
        if step.text.strip():
            self.write(self.prose(step.text.strip()), "")
        PLAYERS[type(step)](self, step)

    # -- step kinds (registered in PLAYERS below) ---------------------------------------------
    def play_prose(self, step: ProseStep) -> None:
        pass

    def trace(self, spec: str):
        from tutor.lessons.references import get_trace

        try:
            return get_trace(spec)
        except (KeyError, ValueError) as error:
            self.problem(f"trace {spec!r}: {error.args[0] if error.args else error}")
            return None

    def play_reveal(self, step: RevealStep) -> None:
        spec = step.trace
        if step.variant:
            spec = f"{spec.split('@')[0]}@{step.variant}"
        trace = self.trace(spec)
        if trace is None:
            return
        if step.names:
            missing = [n for n in step.names if n not in trace]
            if missing:
                self.problem(f"not in the trace {spec!r}: {', '.join(missing)}")
            values = [trace[n] for n in step.names if n in trace]
        else:
            values = trace.phase(step.phase)
        self.block(trace_lines(trace, values))

    def play_derive(self, step: DeriveStep) -> None:
        from tutor.lessons.derivations import derivation_text

        text, problem = derivation_text(step, self.md)
        if problem:
            self.problem(problem)
        else:
            self.write(text.rstrip("\n"), "")

    def play_predict(self, step: PredictStep) -> None:
        if step.experiment:
            self.play_experiment_predict(step)
            return
        trace = self.trace(step.trace)
        if trace is None:
            return
        if step.target not in trace:
            self.problem(f"{step.target!r} is not in the trace {step.trace!r}")
            return
        from tutor.lessons.grading import decimals_asked
        from tutor.lessons.mistakes import candidates

        value = trace[step.target]
        asked = decimals_asked(step.tolerance)
        self.write(
            f"Answer: {step.target} = {format_number(value.value)}"
            f"   (to {asked} decimals: within ±{step.tolerance:g}; {step.tries} tries)",
            "",
        )
        self.block(trace_lines(trace, [value]))
        mistakes = candidates(trace, step.target, self.trace_quietly(step.trace))
        if mistakes:
            self.write("Usual mistakes, named when a typed value is theirs:")
            self.write(
                *(f"  {m.value:.{asked}f}  {m.hint}" for m in mistakes),
                "",
            )
        if step.hints:
            self.write("Hints, one per wrong try far from the answer:")
            self.write(*(f"  {k}. {self.prose(hint)}" for k, hint in enumerate(step.hints, 1)), "")

    def play_experiment_predict(self, step: PredictStep) -> None:
        """A value of an experiment: what is given, the answer, how it is worked, its mistakes."""
        from tutor.experiments.registry import get_experiment
        from tutor.lessons.experiment_values import experiment_prediction
        from tutor.lessons.grading import decimals_asked
        from tutor.progress import progress_bar

        try:
            title = get_experiment(step.experiment).title  # the bar's label: not the id
            asked = experiment_prediction(step.experiment, step.target, progress_bar(100, title))
        except (KeyError, ValueError) as error:
            self.problem(error.args[0] if error.args else str(error))
            return
        except Exception as error:  # noqa: BLE001 - one failed run must not end the lesson
            self.problem(f"experiment {step.experiment!r} failed: {type(error).__name__}: {error}")
            return
        decimals = decimals_asked(step.tolerance)
        if asked.given:
            self.write("Given:")
            self.block(list(asked.given))
        self.write(
            f"Answer: {format_number(asked.value)}"
            f"   (to {decimals} decimals: within ±{step.tolerance:g}; {step.tries} tries)",
            "",
        )
        if asked.worked:
            self.block(list(asked.worked))
        if asked.mistakes:
            self.write("Usual mistakes, named when a typed value is theirs:")
            self.write(*(f"  {m.value:.{decimals}f}  {m.hint}" for m in asked.mistakes), "")
        if step.hints:
            self.write("Hints, one per wrong try far from the answer:")
            self.write(*(f"  {k}. {self.prose(hint)}" for k, hint in enumerate(step.hints, 1)), "")

    @staticmethod
    def trace_quietly(spec: str):
        """The 'updated weights' variant of `spec`'s example (for that mistake), or None."""
        from tutor.lessons.references import get_trace

        try:
            return get_trace(f"{spec.partition('@')[0]}@updated-weights")
        except (KeyError, ValueError):
            return None

    def play_quiz(self, step: QuizStep) -> None:
        letters = "abcdefghijklmnopqrstuvwxyz"
        correct = [letters[k] for k, o in enumerate(step.options) if o.correct]
        for k, option in enumerate(step.options):
            mark = "✓" if option.correct else "✗"
            self.write(
                f"{'- ' if self.md else '  '}{letters[k]}. {self.prose(option.text)}  {mark}"
            )
            self.write(f"{'  ' if self.md else '       '}{self.prose(option.explanation)}")
        self.write("", f"Answer: {', '.join(correct)}", "")

    def experiment(self, experiment_id: str):
        from tutor.experiments.registry import get_experiment, run_experiment
        from tutor.progress import progress_bar

        try:
            title = get_experiment(experiment_id).title
            result = run_experiment(experiment_id, progress_bar(100, title))
        except KeyError as error:
            self.problem(error.args[0] if error.args else str(error))
            return None, ""
        except Exception as error:  # noqa: BLE001 - one failed run must not end the lesson
            self.problem(f"experiment {experiment_id!r} failed: {type(error).__name__}: {error}")
            return None, ""
        return result, title

    def play_run(self, step: RunStep) -> None:
        result, title = self.experiment(step.experiment)
        if result is None:
            return
        self.write(f"{'**' if self.md else ''}{title}{'**' if self.md else ''}", "")
        self.emit_result(result, step.show)

    def emit_result(self, result: dict, show) -> None:
        tables = result.get("tables") or {}
        missing = [key for key in show if key not in result and key not in tables]
        if missing:
            self.problem(f"no result {', '.join(map(repr, missing))} to show")
        lines = result_lines(result, show, self.md)
        if self.md:
            self.write(*lines)
        else:
            self.write(*("  " + line if line else "" for line in lines))

    def play_compare(self, step: CompareStep) -> None:
        results = []
        for experiment_id in step.experiments:
            result, title = self.experiment(experiment_id)
            if result is not None:
                results.append((experiment_id, title, result))
        if not results:
            return
        rows = []
        for _id, title, result in results:
            curve = result.get("loss_curve") or []
            final = curve[-1] if curve else result.get("final_loss", "")
            accuracy = result.get("accuracy", "")
            if isinstance(accuracy, float):
                accuracy = f"{accuracy:.1%}"
            rows.append([title, final, accuracy])
        table = table_lines(["run", "final loss", "accuracy"], rows, self.md)
        if self.md:
            self.write(*table, "")
        else:
            self.block(table)
        for _id, title, result in results:
            self.write(f"### {title}" if self.md else title, "")
            self.emit_result(result, step.show)

    def play_errata(self, step: ErrataStep) -> None:
        from tutor.lessons.figures import check_figure

        figure = next(f for f in self.lesson.figures if f.id == step.figure)
        check = check_figure(self.lesson, figure)
        computed = "—" if check.computed is None else format_number(check.computed, 12)
        lines = [
            f"published: {figure.published}   ({learner_source(figure.source)})",
            f"computed:  {computed}   ({computed_name(figure.computed)})",
            f"verdict:   {check.verdict}, {check.digits}/{check.printed_digits} digits agree",
        ]
        self.block(lines)
        if figure.erratum:
            self.write(self.prose(figure.erratum), "")
        if check.failed:
            self.problem(f"figure {figure.id}: {check.verdict} {check.detail}".rstrip())

    def problem(self, message: str) -> None:
        self.problems.append(message)
        self.write(f"(cannot show this step: {message})", "")


S = TypeVar("S", bound=Step)


def _player(
    step_class: type[S], play: Callable[[Player, S], None]
) -> tuple[type[Step], Callable[[Player, Any], None]]:
    """One registry entry: the type checker sees that `play` takes `step_class`'s steps."""
    return step_class, play


# The headless player of each step kind (tests/test_step_kinds.py: every kind has one).
PLAYERS: dict[type[Step], Callable[[Player, Any], None]] = dict(
    [
        _player(ProseStep, Player.play_prose),
        _player(RevealStep, Player.play_reveal),
        _player(DeriveStep, Player.play_derive),
        _player(PredictStep, Player.play_predict),
        _player(QuizStep, Player.play_quiz),
        _player(RunStep, Player.play_run),
        _player(CompareStep, Player.play_compare),
        _player(ErrataStep, Player.play_errata),
    ]
)


def find_lesson(lessons: list[Lesson], key: str) -> Lesson | None:
    """A lesson by id, or by its order number."""
    for lesson in lessons:
        if lesson.id == key or (key.isdigit() and lesson.order == int(key)):
            return lesson
    return None


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError

    loaded = load_from_args(args)
    lesson = find_lesson(loaded.lessons, args.lesson)
    if lesson is None:
        bad = [e for e in loaded.errors if args.lesson in str(e.file)]
        if bad:
            raise UsageError(str(bad[0]))
        known = ", ".join(x.id for x in loaded.lessons) or "none"
        raise UsageError(f"no lesson {args.lesson!r}; lessons: {known}")
    if args.blanks or args.answers:
        return _worksheet(lesson, args)
    if args.format in ("tex", "json", "csv") or args.output:
        raise UsageError(
            f"--format {args.format} and -o are for worksheets: add --blanks or --answers"
            if args.format != "text"
            else "-o is for worksheets: add --blanks or --answers"
        )
    numbers = list(range(1, len(lesson.steps) + 1))
    if args.step is not None:
        if args.step not in numbers:
            raise UsageError(f"lesson {lesson.id!r} has steps 1 to {len(lesson.steps)}")
        numbers = [args.step]
    elif args.no_instructor:
        numbers = [n for n in numbers if not lesson.steps[n - 1].instructor]
    player = Player(lesson, args.format == "md")
    if args.step is None:
        player.header()
    for number in numbers:
        player.step(number, lesson.steps[number - 1])
    if player.problems:
        print(f"{len(player.problems)} step(s) could not be shown:", file=sys.stderr)
        for message in player.problems:
            print(f"  {escape_controls(message)}", file=sys.stderr)
        return 1
    return 0


def _worksheet(lesson: Lesson, args: argparse.Namespace) -> int:
    """`--blanks` / `--answers`: the lesson as a worksheet or its key (md or tex)."""
    from tutor.classroom.lesson_sheet import lesson_sheet
    from tutor.cli import UsageError
    from tutor.cli.output import emit

    if args.format == "text" and not args.output:
        args.format = "md"
    if args.format not in ("md", "tex", "json", "csv") or args.step is not None:
        raise UsageError("--blanks/--answers: the whole lesson, as --format md, tex, json or csv")
    if args.format in ("json", "csv"):
        from tutor.classroom.lesson_template import TemplateError, lesson_template

        if args.answers and args.format == "csv":
            raise UsageError("--answers with --format csv: the key is md, tex or json")
        try:
            text, problems = lesson_template(lesson, args.format, answers=args.answers)
        except TemplateError as error:
            raise UsageError(str(error)) from None
    else:
        text, problems = lesson_sheet(lesson, args.format, answers=args.answers)
    for message in problems:
        print(f"cannot show a step: {message}", file=sys.stderr)
    if problems:
        return 1
    return emit(text, args.output)
