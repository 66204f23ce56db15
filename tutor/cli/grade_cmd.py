"""`backprop-tutor grade KEY ANSWERS`: mark a student's answers (or a folder of them) by a key.

Exit status: 0 when every answer is right, 1 when some are not, 2 on bad input (a key that
cannot be read, or any answers file that cannot be graded: each is one line on stderr, and
the other files are still graded).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.cli import UsageError
from tutor.cli.ranges import real

MAX_FILES = 5000
GRADEBOOK_COLUMNS = (
    "student",
    "answers_file",
    "right",
    "total",
    "percent",
    "wrong",
    "blank",
    "not_a_number",
    "mistakes",
    "error",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `grade`."""
    parser.add_argument(
        "key",
        help="the answer key (worksheet --answers --format json), or a folder of keys "
        "named STUDENT.json",
    )
    parser.add_argument("answers", help="a filled answers file (.json or .csv), or a folder")
    parser.add_argument(
        "--tolerance",
        type=real(0, 1, low_open=True),
        default=None,
        metavar="T",
        help="an answer within T of the key is right (default 0.0005)",
    )
    parser.add_argument(
        "--gradebook", metavar="FILE", help="write one CSV row per answers file (atomically)"
    )


def run(args: argparse.Namespace) -> int:
    """Grade one file with a full report, or a folder with a line per file."""
    from tutor.classroom.worksheet import DEFAULT_TOLERANCE

    tolerance = DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance
    if not 0 < tolerance <= 1:  # also refuses nan
        raise UsageError(f"--tolerance: expected a number > 0 and ≤ 1, got {args.tolerance}")
    key_path, answers_path = Path(args.key), Path(args.answers)
    if not key_path.exists():
        raise UsageError(f"{args.key}: no such key file or folder")
    if not answers_path.exists():
        raise UsageError(f"{args.answers}: no such answers file or folder")
    keys = _KeySource(key_path)
    if answers_path.is_dir():
        files = sorted(p for p in answers_path.iterdir() if p.suffix.lower() in (".json", ".csv"))
        if len(files) > MAX_FILES:
            raise UsageError(f"{args.answers}: more than {MAX_FILES} answers files")
        if not files:
            raise UsageError(f"{args.answers}: no .json or .csv answers files in the folder")
    else:
        files = [answers_path]
    single = not answers_path.is_dir()
    rows, worst = [], 0
    for path in files:
        row, status = _grade_one(path, keys, tolerance, full_report=single)
        rows.append(row)
        worst = max(worst, status)
    if args.gradebook:
        _write_gradebook(args.gradebook, rows)
        print(f"wrote {args.gradebook} ({len(rows)} students)", file=sys.stderr)
    return worst


class _KeySource:
    """One key for every student, or a folder of keys, each named after its student."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cache: dict[Path, object] = {}
        if not path.is_dir():
            self.key_for("")  # a single key that cannot be read is bad input for everything

    def key_for(self, student: str):
        from tutor.classroom.answers_file import MAX_FILE_BYTES, plain
        from tutor.export.jsonfmt import TraceFormatError, load_trace_json

        path = self.path / f"{student}.json" if self.path.is_dir() else self.path
        if path not in self.cache:
            label = plain(str(path))
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise UsageError(f"{label}: key above the limit of {MAX_FILE_BYTES} bytes")
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise UsageError(f"{label}: no key for student {student}") from None
            except (OSError, UnicodeDecodeError) as error:
                raise UsageError(f"{label}: cannot read the key ({error})") from None
            try:
                self.cache[path] = load_trace_json(text)
            except TraceFormatError as error:
                raise UsageError(f"{label}: not an answer key: {plain(str(error))}") from None
        return self.cache[path]


def _grade_one(path: Path, keys: _KeySource, tolerance: float, full_report: bool):
    """(gradebook row, exit status) for one answers file; its error as one line on stderr."""
    from tutor.classroom.answers_file import AnswersFileError, plain, read_answers
    from tutor.classroom.grading import GradingError, grade, report, score_line

    row: dict[str, object] = dict.fromkeys(GRADEBOOK_COLUMNS, "")
    row["answers_file"] = str(path)
    try:
        answers = read_answers(path)
        row["student"] = answers.student
        key = keys.key_for(answers.student)
        result = grade(key, answers, tolerance)
    except (AnswersFileError, GradingError, UsageError) as error:
        message = str(error)
        print(f"backprop-tutor grade: error: {message}", file=sys.stderr)
        row["error"] = message
        return row, 2
    if full_report:
        sys.stdout.write(report(result, key.title, str(path)))
    else:
        print(f"{plain(path.name)}  {answers.student}  {score_line(result)}")
    row.update(
        right=result.right,
        total=result.total,
        percent=f"{100.0 * result.right / result.total:.1f}" if result.total else "0.0",
        wrong=result.count("wrong"),
        blank=result.count("blank"),
        not_a_number=result.count("not a number"),
        mistakes="; ".join(f"{k} {n}" for k, n in sorted(result.mistakes().items())),
    )
    return row, 0 if result.right == result.total else 1


def _write_gradebook(target: str, rows: list[dict]) -> None:
    import csv
    import io

    from tutor.atomic import write_text_atomic

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=GRADEBOOK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    try:
        write_text_atomic(target, out.getvalue())
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None


def _cell(value) -> str:
    """A spreadsheet never runs a cell as a formula: text starting with = + - @ gets a quote."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
