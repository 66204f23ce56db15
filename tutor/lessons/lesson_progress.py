"""One lesson's progress as stored: `LessonProgress` and the checks of its JSON shape.

Loaded with the first lesson's progress (`ProgressStore.load`), not with the store: the TUI's
first paint reads only the settings (`tutor.lessons.progress_store`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tutor.lessons.progress_store import is_json_scalar

VERSION = 1
# Upper bounds of stored numbers: far above any lesson, low enough to be harmless.
MAX_INDEX = 1_000_000
MAX_TRIES = 1_000_000
# The answer record of one step (see LessonScreen): key → accepted types.
ANSWER_FIELDS: dict[str, tuple[type, ...]] = {
    "tries": (int,),
    "answer": (str,),
    "correct": (bool,),
    "revealed": (bool,),
    "choice": (int,),
}


def _is_count(value, bound: int) -> bool:
    """A whole number in [0, bound] (JSON true/false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= bound


def _answer_problem(key, record) -> str | None:
    """What is wrong with one answers entry, or None."""
    if not (isinstance(key, str) and key.isdigit() and int(key) <= MAX_INDEX):
        return f"answers: key {key!r} is not a step number"
    if not isinstance(record, dict):
        return f"answers.{key}: expected an object"
    for name, value in record.items():
        if name in ANSWER_FIELDS:
            ok = isinstance(value, ANSWER_FIELDS[name])
            if ANSWER_FIELDS[name] == (int,):
                ok = _is_count(value, MAX_TRIES if name == "tries" else MAX_INDEX)
        else:
            ok = is_json_scalar(value)
        if not ok:
            return f"answers.{key}.{name}: unexpected value {value!r:.40}"
    return None


@dataclass
class LessonProgress:
    """Where the student is in one lesson, what is done, and the answers given."""

    lesson: str
    position: list[int] = field(default_factory=lambda: [0, 0])  # [step index, value index]
    completed: set[int] = field(default_factory=set)
    answers: dict[str, dict] = field(default_factory=dict)  # step index → {answer, correct, tries}
    # step index → {"seen": time, "answered": time}, UTC ISO 8601 (for `backprop-tutor progress`)
    times: dict[str, dict[str, str]] = field(default_factory=dict)

    def touch(self, step_index: int, what: str = "seen") -> None:
        """Record that step `step_index` was just seen (or answered)."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.times.setdefault(str(step_index), {})[what] = stamp

    def to_json(self) -> dict:
        """The JSON object stored on disk."""
        return {
            "version": VERSION,
            "lesson": self.lesson,
            "position": list(self.position),
            "completed": sorted(self.completed),
            "answers": self.answers,
            "times": self.times,
        }

    @classmethod
    def from_json(cls, lesson: str, data: dict) -> LessonProgress:
        """Validate and read the stored object; ValueError when it is not one of ours."""
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("not a progress file of this version")
        position = data.get("position", [0, 0])
        completed = data.get("completed", [])
        answers = data.get("answers", {})
        if not (
            isinstance(position, list)
            and len(position) == 2
            and all(_is_count(p, MAX_INDEX) for p in position)
        ):
            raise ValueError("position: expected two step numbers")
        if not (
            isinstance(completed, list)
            and len(completed) <= MAX_INDEX
            and all(_is_count(c, MAX_INDEX) for c in completed)
        ):
            raise ValueError("completed: expected a list of step numbers")
        if not isinstance(answers, dict):
            raise ValueError("answers: expected an object")
        for key, record in answers.items():
            problem = _answer_problem(key, record)
            if problem:
                raise ValueError(problem)
        answers = {k: dict(v) for k, v in answers.items()}
        progress = cls(lesson, list(position), set(completed), answers)
        progress.times = read_times(data.get("times", {}))  # optional: older files have none
        return progress


def read_times(times) -> dict[str, dict[str, str]]:
    """The `times` of a progress file, checked; ValueError when its shape is not ours."""
    ok = isinstance(times, dict) and len(times) <= 100_000
    for key, record in times.items() if ok else ():
        ok = ok and isinstance(key, str) and key.isdigit() and isinstance(record, dict)
        ok = ok and all(
            what in ("seen", "answered") and isinstance(stamp, str) and len(stamp) <= 40
            for what, stamp in record.items()
        )
    if not ok:
        raise ValueError("times: expected step number → {seen, answered} times")
    return {key: dict(record) for key, record in times.items()}
