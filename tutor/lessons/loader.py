"""Load lesson TOML files into the model of `tutor.lessons.model`, validating every field.

Lessons are data only: files are parsed with `tomllib` and checked field by
field; anything unexpected is a `LessonError` naming the file, the step and the
field. `load_lessons` reports a bad file and still loads the others.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tutor.lessons.errors import LessonError
from tutor.lessons.kinds import STEP_KINDS, CommonFields, StepPlace
from tutor.lessons.model import Figure, Lesson, Step
from tutor.lessons.references import (
    computed_network_file,
    is_matrix_entry,
    parse_computed,
    parse_trace_spec,
    scalar_name_of,
    valid_trace_name,
)
from tutor.safe_files import InputRefused, parse_toml, read_regular
from tutor.text_safety import control_message, find_control_in

__all__ = ["LessonError", "LoadResult", "default_dirs", "load_lesson", "load_lessons"]

LESSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FIGURE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+/-]*$")
EXPERIMENT_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
PUBLISHED = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

TOP_KEYS = {"id", "title", "summary", "order", "sources", "figures", "steps"}
FIGURE_KEYS = {"id", "published", "source", "computed", "erratum", "tolerance", "unreproduced"}
COMMON_STEP_KEYS = {"kind", "title", "text", "instructor"}
# Each kind's own keys, and how its table is read: `tutor.lessons.kinds.STEP_KINDS`.
# A figure's printed text must fit a float and the digit-by-digit check (lessons/README.md).
MAX_PUBLISHED_DIGITS = 28
MAX_PUBLISHED_EXPONENT = 300
MAX_ORDER = 1_000_000  # order is -1,000,000 to 1,000,000


@dataclass
class LoadResult:
    """The lessons that loaded (sorted by order, then id) and the errors of those that did not."""

    lessons: list[Lesson] = field(default_factory=list)
    errors: list[LessonError] = field(default_factory=list)

    def get(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


def default_dirs(extra: list[Path] | None = None) -> list[Path]:
    """The built-in lessons folder followed by any teacher's folders."""
    from tutor.paths import lessons_dir

    return [lessons_dir(), *(Path(d) for d in extra or [])]


def load_lessons(dirs: list[Path] | None = None) -> LoadResult:
    """Load every `*.toml` of each folder (or a file named directly); bad files become errors."""
    result = LoadResult()
    seen: dict[str, Path] = {}
    for folder in dirs if dirs is not None else default_dirs():
        folder = Path(folder)
        if folder.is_dir():
            files = sorted(folder.glob("*.toml"))
        elif folder.exists():  # a file named directly; load_lesson refuses FIFOs and devices
            files = [folder]
        else:
            result.errors.append(LessonError(folder, "no such lesson folder or file"))
            continue
        for path in files:
            try:
                lesson = load_lesson(path)
            except LessonError as error:
                result.errors.append(error)
                continue
            if lesson.id in seen:
                result.errors.append(
                    LessonError(
                        path,
                        f"duplicate lesson id {lesson.id!r} (also in {seen[lesson.id]})",
                        "id",
                    )
                )
                continue
            seen[lesson.id] = path
            result.lessons.append(lesson)
    result.lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    return result


def load_lesson(path: Path | str) -> Lesson:
    """Read and validate one lesson file; LessonError on the first problem found."""
    path = Path(path)
    try:
        raw = read_regular(path, "lesson")
    except InputRefused as refused:
        raise LessonError(path, refused.reason) from None
    except OSError as error:
        raise LessonError(path, f"cannot read the file ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LessonError(
            path, f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})"
        ) from None
    if not text.strip():
        raise LessonError(path, "the file is empty")
    try:
        data = parse_toml(text)
    except InputRefused as refused:
        raise LessonError(path, refused.reason) from None
    except tomllib.TOMLDecodeError as error:
        raise LessonError(path, f"invalid TOML: {error}") from None
    control = find_control_in(data, base=1)
    if control is not None:
        field, char = control
        step = re.match(r"steps\[(\d+)\]", field)
        raise LessonError(path, control_message(char), field, int(step[1]) if step else None)
    return LessonReader(path).lesson(data)


def _describe(value: Any) -> str:
    """A value as the error message shows it: strings quoted, tables and arrays by kind."""
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return '"' + short.replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value) if isinstance(value, (int, float)) else type(value).__name__


class LessonReader:
    """Checks one parsed file, building error messages with the file/step/field path.

    Each step kind's loader (`tutor.lessons.kinds`) reads its own keys with these primitives.
    """

    def __init__(self, path: Path):
        self.path = path

    def error(self, field: str | None, message: str, step: int | None = None) -> LessonError:
        return LessonError(self.path, message, field, step)

    @staticmethod
    def describe(value: Any) -> str:
        """A value as error messages show it."""
        return _describe(value)

    # -- primitives ------------------------------------------------------------------
    def table(self, value, where: str, step=None) -> dict:
        if not isinstance(value, dict):
            raise self.error(where, f"expected a table, got {_describe(value)}", step)
        return value

    def keys(self, table: dict, allowed: set[str], where: str, step=None) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            prefix = f"{where}." if where else ""
            raise self.error(
                prefix + unknown[0],
                f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                step,
            )

    def string(self, table, key, where, step=None, required=True, empty=False) -> str:
        name = f"{where}.{key}" if where else key
        if key not in table:
            if required:
                raise self.error(name, "missing (expected a string)", step)
            return ""
        value = table[key]
        if not isinstance(value, str):
            raise self.error(name, f"expected a string, got {_describe(value)}", step)
        if not empty and not value.strip():
            raise self.error(name, "expected a non-empty string", step)
        return value

    def strings(self, table, key, where, step=None, required=False, nonempty=False) -> tuple:
        name = f"{where}.{key}" if where else key
        if key not in table:
            if required:
                raise self.error(name, "missing (expected an array of strings)", step)
            return ()
        value = table[key]
        if not isinstance(value, list):
            raise self.error(name, f"expected an array of strings, got {_describe(value)}", step)
        for k, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(
                    f"{name}[{k + 1}]", f"expected a non-empty string, got {_describe(item)}", step
                )
        if nonempty and not value:
            raise self.error(name, "expected at least one string", step)
        return tuple(value)

    def number(self, table, key, where, step=None) -> float | None:
        name = f"{where}.{key}" if where else key
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise self.error(name, f"expected a number ≥ 0, got {_describe(value)}", step)
        if value < 0 or value == float("inf"):
            raise self.error(name, f"expected a number ≥ 0, got {_describe(value)}", step)
        return float(value)

    def integer(
        self, table, key, where, step=None, minimum=None, required=False, maximum=None
    ) -> int | None:
        name = f"{where}.{key}" if where else key
        if key not in table:
            if required:
                raise self.error(name, "missing (expected an integer)", step)
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected an integer, got {_describe(value)}", step)
        if minimum is not None and value < minimum:
            raise self.error(name, f"expected an integer ≥ {minimum}, got {value}", step)
        if maximum is not None and not -maximum <= value <= maximum:
            low = minimum if minimum is not None else -maximum
            shown = f"{value:,}" if abs(value) < 10**15 else "a larger number"
            raise self.error(name, f"expected an integer {low:,} to {maximum:,}, got {shown}", step)
        return value

    def required_integer(self, table, key, where, step=None, minimum=None, maximum=None) -> int:
        """`integer` of a key that must be present (its absence is an error, never None)."""
        value = self.integer(table, key, where, step, minimum, True, maximum)
        assert value is not None  # integer(required=True) raised when the key is missing
        return value

    def boolean(self, table, key, where, step=None) -> bool:
        name = f"{where}.{key}"
        if key not in table:
            raise self.error(name, "missing (expected true or false)", step)
        value = table[key]
        if not isinstance(value, bool):
            raise self.error(name, f"expected true or false, got {_describe(value)}", step)
        return value

    def array_of_tables(self, table, key, required=False) -> list[dict]:
        if key not in table:
            if required:
                raise self.error(key, f"missing (expected at least one [[{key}]] table)")
            return []
        value = table[key]
        if not isinstance(value, list):
            got = _describe(value)
            raise self.error(key, f"expected an array of tables ([[{key}]]), got {got}")
        return value

    # -- the lesson --------------------------------------------------------------------
    def lesson(self, data: dict) -> Lesson:
        self.keys(data, TOP_KEYS, "")
        lesson_id = self.string(data, "id", "")
        if not LESSON_ID.match(lesson_id):
            raise self.error(
                "id", f"expected lowercase letters, digits and '-', got {_describe(lesson_id)}"
            )
        title = self.string(data, "title", "")
        summary = self.string(data, "summary", "")
        order = self.required_integer(data, "order", "", maximum=MAX_ORDER)
        sources = self.strings(data, "sources", "")
        figures = self.figures(self.array_of_tables(data, "figures"))
        raw_steps = self.array_of_tables(data, "steps", required=True)
        if not raw_steps:
            raise self.error("steps", "expected at least one [[steps]] table")
        figure_ids = {f.id for f in figures}
        steps = tuple(self.step(raw, k + 1, figure_ids) for k, raw in enumerate(raw_steps))
        return Lesson(lesson_id, title, summary, order, sources, steps, figures, self.path)

    def figures(self, raw_figures: list) -> tuple[Figure, ...]:
        figures, seen = [], set()
        for k, raw in enumerate(raw_figures):
            where = f"figures[{k + 1}]"
            raw = self.table(raw, where)
            self.keys(raw, FIGURE_KEYS, where)
            figure_id = self.string(raw, "id", where)
            if not FIGURE_ID.match(figure_id):
                raise self.error(
                    f"{where}.id",
                    f"expected letters, digits and _ . + / -, got {_describe(figure_id)}",
                )
            if figure_id in seen:
                raise self.error(f"{where}.id", f"duplicate figure id {figure_id!r}")
            seen.add(figure_id)
            published = self.string(raw, "published", where) if "published" in raw else None
            if published is None:
                raise self.error(f"{where}.published", "missing (expected the printed text)")
            if not PUBLISHED.match(published.strip()):
                raise self.error(
                    f"{where}.published",
                    f'expected a printed number such as "0.5932", got {_describe(published)}',
                )
            self.published_within_limits(published.strip(), f"{where}.published")
            source = self.string(raw, "source", where)
            computed = self.string(raw, "computed", where)
            try:
                computed = computed_network_file(self.path, computed)
                parse_computed(computed)
            except ValueError as problem:
                raise self.error(f"{where}.computed", str(problem)) from None
            erratum = self.string(raw, "erratum", where, required=False, empty=True)
            tolerance = self.number(raw, "tolerance", where)
            unreproduced = self.string(raw, "unreproduced", where, required=False, empty=True)
            if erratum.strip() and unreproduced.strip():
                raise self.error(
                    f"{where}.unreproduced",
                    "expected either an erratum (the material is wrong) or an unreproduced "
                    "explanation (it cannot be recomputed here), not both",
                )
            figures.append(
                Figure(
                    figure_id,
                    published.strip(),
                    source,
                    computed,
                    erratum.strip(),
                    tolerance,
                    unreproduced.strip(),
                )
            )
        return tuple(figures)

    def published_within_limits(self, published: str, name: str) -> None:
        """At most 28 significant digits, exponent −300 to 300: what a float and a check hold."""
        number = Decimal(published)
        digits = "".join(map(str, number.as_tuple().digits)).lstrip("0") or "0"
        if len(digits) > MAX_PUBLISHED_DIGITS:
            raise self.error(
                name,
                f"expected at most {MAX_PUBLISHED_DIGITS} significant digits, got {len(digits)}",
            )
        exponent = number.adjusted()
        if not -MAX_PUBLISHED_EXPONENT <= exponent <= MAX_PUBLISHED_EXPONENT:
            raise self.error(
                name,
                f"expected an exponent from −{MAX_PUBLISHED_EXPONENT} to {MAX_PUBLISHED_EXPONENT} "
                f"(as in 1.5e-300), got {_describe(published)} (exponent {exponent})",
            )

    def step(self, raw, number: int, figure_ids: set[str]) -> Step:
        where = f"steps[{number}]"
        raw = self.table(raw, where, number)
        name = self.string(raw, "kind", where, number)
        kind = STEP_KINDS.get(name)
        if kind is None:
            raise self.error(
                f"{where}.kind",
                f"unknown step kind {_describe(name)} (expected one of: {', '.join(STEP_KINDS)})",
                number,
            )
        self.keys(raw, COMMON_STEP_KEYS | kind.keys, where, number)
        common = CommonFields(
            title=self.string(raw, "title", where, number, required=False),
            text=self.string(raw, "text", where, number, required=kind.text_required),
            instructor="instructor" in raw and self.boolean(raw, "instructor", where, number),
        )
        return kind.load(self, StepPlace(raw, where, number, frozenset(figure_ids)), common)

    def trace_spec(self, raw, where, number, required=True) -> str:
        """The step's trace: `trace` or `example` (EXAMPLE[@VARIANT]), or a `network` file."""
        given = [key for key in ("trace", "example", "network") if key in raw]
        if len(given) > 1:
            raise self.error(
                f"{where}.{given[1]}", f"give one of trace, example, network, not {given}", number
            )
        if given == ["network"]:
            return self.network_spec(raw, where, number)
        key = given[0] if given else "trace"
        spec = self.string(raw, key, where, number, required=required)
        if spec:
            try:
                parse_trace_spec(spec)
            except ValueError as problem:
                raise self.error(f"{where}.{key}", str(problem), number) from None
        return spec

    def network_spec(self, raw, where, number) -> str:
        """`network = "nets/x.toml"`: a file in the lesson's folder, read and checked now."""
        from tutor.lessons.references import network_spec

        value = self.string(raw, "network", where, number)
        try:
            return network_spec(self.path, value)
        except ValueError as problem:
            raise self.error(f"{where}.network", str(problem), number) from None

    def value_name(self, value: str, name: str, number: int, spec: str) -> str:
        """A traced value's name; a matrix entry (`Z1[0,3]`) becomes the name it stands for."""
        if not is_matrix_entry(value):
            self.trace_name(value, name, number)
            return value
        try:
            return scalar_name_of(spec, value)
        except (KeyError, ValueError) as problem:
            message = problem.args[0] if problem.args else str(problem)
            raise self.error(name, message, number) from None

    def trace_name(self, value: str, name: str, number: int) -> None:
        if not valid_trace_name(value):
            raise self.error(
                name,
                f'expected a traced value\'s name such as "out_h1" or "dE_total/dw5", '
                f"got {_describe(value)}",
                number,
            )

    def experiment_id(self, value: str, name: str, number: int) -> None:
        if not EXPERIMENT_ID.match(value):
            raise self.error(name, f"expected an experiment id, got {_describe(value)}", number)
