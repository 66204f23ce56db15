"""Where the tutor finds its lessons and keeps the student's data."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def lessons_dir() -> Path:
    """The built-in lessons: inside an installed wheel, else the checkout's `lessons/`."""
    installed = PACKAGE_DIR / "_lessons"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / "lessons"


def data_dir() -> Path:
    """The student's data folder (progress); `BACKPROP_TUTOR_DATA` overrides it."""
    override = os.environ.get("BACKPROP_TUTOR_DATA")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("backprop-tutor", appauthor=False))
