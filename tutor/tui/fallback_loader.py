"""A minimal lesson reader used only until `tutor.lessons.loader` is merged."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tutor.lessons.model import Figure, Lesson, Option, Step

_TUPLES = ("names", "hints", "experiments")


def load_file(path: Path) -> Lesson:
    """One lesson file → Lesson (light checks; the real loader validates fully)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    steps = []
    for raw in data.get("steps", []):
        raw = dict(raw)
        options = tuple(Option(**o) for o in raw.pop("options", []))
        extra = {k: raw.pop(k) for k in ("show", "variant") if k in raw}
        for key in _TUPLES:
            if key in raw:
                raw[key] = tuple(raw[key])
        steps.append(Step(options=options, extra=extra, **raw))
    figures = tuple(Figure(**f) for f in data.get("figures", []))
    return Lesson(
        id=data["id"],
        title=data["title"],
        summary=data.get("summary", ""),
        order=int(data.get("order", 0)),
        sources=tuple(data.get("sources", ())),
        steps=tuple(steps),
        figures=figures,
        path=path,
    )


def load_dirs(directories, builtin: bool = True) -> tuple[list[Lesson], list[str]]:
    """Every `*.toml` lesson of the folders, and one message per file that failed."""
    from tutor.paths import lessons_dir

    folders = ([lessons_dir()] if builtin else []) + [Path(d) for d in directories or []]
    lessons, errors = [], []
    for path in (p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.toml"))):
        try:
            lessons.append(load_file(path))
        except (OSError, tomllib.TOMLDecodeError, TypeError, KeyError, ValueError) as error:
            errors.append(f"{path.name}: {error}")
    return sorted(lessons, key=lambda x: (x.order, x.id)), errors
