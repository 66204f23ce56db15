"""Reading the files a user or teacher names: regular files only, each kind with a size cap.

Every reader of lesson, network, progress, settings, trace-JSON and MNIST files goes
through `open_regular`/`read_regular`, so `/dev/zero`, a FIFO, a folder or a symlink to
one of them is a named error instead of a hang or a `MemoryError`. The file is checked
with `os.stat` before it is opened, opened with `O_NONBLOCK` (a FIFO swapped in between
can never block the open) and checked again with `fstat` on the open descriptor.

TOML goes through `parse_toml`, which bounds what Python's `tomllib` is given: the
number of `=` (an upper bound on the keys), the length of a dotted key (tomllib takes
time quadratic in it: 4,000 parts cost 0.6 s, 20,000 about 26 s) and the nesting
(`RecursionError` becomes a named error). The limits are documented in README.md ("Limits").
"""

from __future__ import annotations

import os
import re
import stat
from typing import BinaryIO

from tutor.errors import TutorError

KIB = 1024
MIB = 1024 * KIB

# Size caps per kind of file, in bytes (the largest shipped lesson is 80 KB).
LIMITS: dict[str, int] = {
    "lesson": 1 * MIB,
    "network": 256 * KIB,
    "progress": 4 * MIB,
    "settings": 64 * KIB,
    "trace JSON": 64 * MIB,
    "MNIST": 256 * MIB,
}
# TOML: at most this many `=` in a file (the largest shipped lesson has 1,431) ...
MAX_TOML_ASSIGNMENTS = 20_000
# ... and no dotted key or table name longer than this many parts.
MAX_TOML_KEY_PARTS = 32
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_LONG_DOTTED_KEY = re.compile(rf"(?:{_KEY_PART}[ \t]*\.[ \t]*){{{MAX_TOML_KEY_PARTS},}}")
# What follows the first dot of such a key: searched from each dot only (a literal the regex
# engine skips to), without backtracking (possessive: each part and blank has one way to
# match). Every long dotted key holds one, so a text without one has none; a text with one is
# then searched for the key itself. Long lines (inline tables, prose) cost ~1 % of parsing
# them instead of as much again.
_KEY_PART_ONCE = r"""(?:[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')"""
_DOT_CHAIN = re.compile(
    rf"\.[ \t]*+(?:{_KEY_PART_ONCE}[ \t]*+\.[ \t]*+){{{MAX_TOML_KEY_PARTS - 1},}}"
)

__all__ = [
    "LIMITS",
    "InputRefused",
    "describe_size",
    "open_regular",
    "parse_toml",
    "read_regular",
]


class InputRefused(TutorError, ValueError):
    """A file or document refused before it is read or parsed; `reason` says why and the limit.

    `str()` is `PATH: reason` when the path is known; callers that name the file in
    their own error type use `reason` alone.
    """

    def __init__(self, reason: str, path: str | os.PathLike | None = None):
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path is not None else reason)


def describe_size(n: int) -> str:
    """A byte count as people read it: 1 MiB, 256 KiB, 3,000 bytes."""
    if n >= MIB and n % MIB == 0:
        return f"{n // MIB} MiB"
    if n >= KIB and n % KIB == 0:
        return f"{n // KIB} KiB"
    return f"{n:,} bytes"


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check(path, st: os.stat_result, kind: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise InputRefused(f"{_kind_of(st.st_mode)}, expected a regular {kind} file", path)
    limit = LIMITS[kind]
    if st.st_size > limit:
        raise InputRefused(
            f"{st.st_size:,} bytes is too large: {kind} files are limited to "
            f"{describe_size(limit)}",
            path,
        )


def open_regular(path: str | os.PathLike, kind: str) -> BinaryIO:
    """Open `path` for binary reading if it is a regular file within `kind`'s size cap.

    InputRefused for anything else; OSError (missing, no permission) passes through.
    """
    _check(path, os.stat(path), kind)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        _check(path, os.fstat(fd), kind)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike, kind: str) -> bytes:
    """The bytes of a regular file within `kind`'s size cap (see `open_regular`)."""
    limit = LIMITS[kind]
    with open_regular(path, kind) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew after the checks
        raise InputRefused(f"too large: {kind} files are limited to {describe_size(limit)}", path)
    return data


def _has_long_dotted_key(text: str) -> bool:
    """Whether `text` holds a dotted key of more than MAX_TOML_KEY_PARTS parts.

    A match never crosses a "\n" and has a dot per part, so only lines with that many dots are
    searched: the search over a whole lesson cost as much as parsing it.
    """
    if _DOT_CHAIN.search(text) is None:
        return False
    return any(
        line.count(".") >= MAX_TOML_KEY_PARTS and _LONG_DOTTED_KEY.search(line)
        for line in text.split("\n")
    )


def parse_toml(text: str) -> dict:
    """`tomllib.loads` behind cheap bounds; InputRefused (no path) when a bound is crossed.

    tomllib.TOMLDecodeError passes through for the caller's own message. (`tomllib` is
    imported here: the progress and settings files, read before the TUI's first paint, are JSON.)
    """
    import tomllib

    assignments = text.count("=")
    if assignments > MAX_TOML_ASSIGNMENTS:
        raise InputRefused(
            f"too many keys: {assignments:,} '=' signs, the limit is {MAX_TOML_ASSIGNMENTS:,}"
        )
    if _has_long_dotted_key(text):
        raise InputRefused(f"a dotted key longer than the limit of {MAX_TOML_KEY_PARTS} parts")
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise InputRefused("nested too deeply (arrays or tables inside each other)") from None
    except tomllib.TOMLDecodeError:
        raise
    except ValueError:  # Python's int() refuses integers of more than 4,300 digits
        raise InputRefused("an integer of more than 4,300 digits") from None
