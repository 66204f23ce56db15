"""A small lesson with an instructor note between two ordinary steps, for the tests."""

from __future__ import annotations

from pathlib import Path

LESSON = '''
id = "notes"
title = "Notes"
summary = "Two steps and an instructor note between them."
order = 60

[[steps]]
kind = "prose"
title = "First"
text = "The first step."

[[steps]]
kind = "prose"
instructor = true
title = "Stream order"
text = "FORENSIC detail: the random stream as the previous call left it."

[[steps]]
kind = "prose"
title = "Last"
text = "The last step."
'''


def write_lesson(folder: Path) -> Path:
    """The lesson file in `folder` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "60-notes.toml").write_text(LESSON, encoding="utf-8")
    return folder
