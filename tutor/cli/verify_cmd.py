"""`backprop-tutor verify`: compute every published figure of every lesson and judge it."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal

from tutor.cli.lessons_cmd import add_lessons_option, load_from_args
from tutor.lessons.figures import (
    AGREES,
    AGREES_HERE,
    EXPLAINED,
    UNREPRODUCED,
    FigureCheck,
    check_figure,
)
from tutor.lessons.references import check_references, parse_computed
from tutor.progress import progress_bar
from tutor.text_safety import escape_controls

SOURCE_WIDTH = 28


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_lessons_option(parser)
    parser.add_argument("--lesson", metavar="ID", help="verify only this lesson")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def computed_text(check: FigureCheck) -> str:
    """The computed value with three more decimals than printed, so a difference shows."""
    if check.computed is None:
        return "—"
    exponent = -int(Decimal(check.published).as_tuple().exponent)
    if "e" in check.published.lower() or abs(check.computed) >= 1e7:
        return f"{check.computed:.{check.printed_digits + 2}e}"
    return f"{check.computed:.{max(exponent, 0) + 3}f}"


def _experiment_id(reference: str) -> str:
    """The experiment a figure's `computed` names, or "" (a trace, or a malformed reference,
    which the figure's own check reports)."""
    try:
        kind, where, _ = parse_computed(reference)
    except ValueError:
        return ""
    return where if kind == "experiment" else ""


def _experiment_bar(experiment_id: str):
    """A progress bar for the experiment a figure runs (drawn only while it runs, on a TTY),
    labelled with the experiment's title as `run`'s bars are, not its id."""
    if not experiment_id:
        return None
    from tutor.experiments.registry import get_experiment

    try:
        title = get_experiment(experiment_id).title
    except KeyError:  # an unknown id: the figure's check reports it
        title = experiment_id
    return progress_bar(1, title)  # the title alone: an 80-column line has room for ~20 characters


def _on_terminal() -> bool:
    """Whether progress bars are drawn (stderr is a terminal), as `progress_bar` decides."""
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


def _child_bars() -> Callable[[str, int, int], None]:
    """`report(id, done, total)` drawing each experiment the child runs on a bar of its own."""
    bars: dict[str, Callable[..., None]] = {}

    def report(experiment_id: str, done: int, total: int) -> None:
        if experiment_id not in bars:  # the child names real ids: a bar is drawn for each
            bars[experiment_id] = _experiment_bar(experiment_id) or (lambda *_: None)
        bars[experiment_id](done, total)

    return report


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError

    loaded = load_from_args(args)
    lessons = loaded.lessons
    if args.lesson:
        lessons = [lesson for lesson in lessons if lesson.id == args.lesson]
        if not lessons:
            known = ", ".join(lesson.id for lesson in loaded.lessons)
            raise UsageError(f"no lesson {args.lesson!r}; lessons: {known}")
    from tutor.experiments.registry import is_pending, plan, run_apart, wait_apart

    # Experiments that share runs may train those of several in one loop (a malformed
    # reference is reported by its figure's check, not here).
    pairs = [(lesson, figure) for lesson in lessons for figure in lesson.figures]
    experiment_ids = [_experiment_id(figure.computed) for _, figure in pairs]
    planned = [i for i in experiment_ids if i]
    plan(set(planned))
    # The longest, independent runs on the second core meanwhile (telling how far they got
    # only when there is a terminal to draw it on).
    run_apart(planned, report_progress=_on_terminal())
    errors = list(loaded.errors)
    for lesson in lessons:  # while the child starts (this may run a predict step's experiment)
        errors += check_references(lesson)
    total = sum(len(lesson.figures) for lesson in lessons)
    bar = progress_bar(total, "verify")
    # The figures of the runs apart are checked last, so this process works while they run.
    order = sorted(range(len(pairs)), key=lambda k: is_pending(experiment_ids[k]))
    found: dict[int, FigureCheck] = {}
    for k in order:
        lesson, figure = pairs[k]
        if is_pending(experiment_ids[k]):  # the child's experiments' bars move while we wait
            wait_apart(_child_bars())
        found[k] = check_figure(lesson, figure, _experiment_bar(experiment_ids[k]))
        bar(len(found), total)
    checks = [found[k] for k in range(len(pairs))]

    failed = [c for c in checks if c.failed]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "version": 1,
                    "ok": not failed and not errors,
                    "figures": [c.as_dict() for c in checks],
                    "errors": [str(e) for e in errors],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print_table(checks)
        verdicts = (AGREES, AGREES_HERE, EXPLAINED, UNREPRODUCED)
        plural = "lesson" if len(lessons) == 1 else "lessons"
        counts = {v: sum(c.verdict == v for c in checks) for v in verdicts}
        here, not_here = counts[AGREES_HERE], counts[UNREPRODUCED]
        print(
            f"\n{len(checks)} figures in {len(lessons)} {plural}: {counts[AGREES]} agree, "
            f"{counts[EXPLAINED]} errata explained, {here + not_here} machine-dependent "
            f"({here} reproduced here, {not_here} not, explained), {len(failed)} failed"
        )
        for check in failed:
            reason = check.detail or f"|computed − published| > {check.tolerance:g}"
            print(escape_controls(f"  {check.verdict}: {check.lesson} / {check.figure}: {reason}"))
        if errors:
            print(f"\n{len(errors)} lesson problem(s):")
            for error in errors:
                print(f"  {escape_controls(str(error))}")
    return 1 if failed or errors else 0


def short_source(source: str, width: int = SOURCE_WIDTH) -> str:
    """The source with the seed file shortened to its number: `003: slide 'Forward Pass'…`."""
    match = re.match(r"^(\d{3})_[0-9a-f]+\.txt,?\s*", source)
    if match:
        source = f"{match.group(1)}: {source[match.end() :]}"
    return _short(source, width)


def print_table(checks: list[FigureCheck]) -> None:
    """Per lesson: figure | source | published | computed | digits | verdict, aligned."""
    header = ("figure", "source", "published", "computed", "digits", "verdict")
    right = {2, 3, 4}
    lessons = list(dict.fromkeys(c.lesson for c in checks))
    for number, lesson in enumerate(lessons):
        rows = [
            (
                c.figure,
                short_source(c.source),
                c.published,
                computed_text(c),
                f"{c.digits}/{c.printed_digits}",
                c.verdict,
            )
            for c in checks
            if c.lesson == lesson
        ]
        widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
        print(("\n" if number else "") + f"lesson {lesson}")
        for row in [header, *rows]:
            cells = [
                row[k].rjust(widths[k]) if k in right else row[k].ljust(widths[k]) for k in range(6)
            ]
            print("  " + "  ".join(cells).rstrip())
