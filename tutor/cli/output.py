"""Where a subcommand's text goes: standard output, or `-o FILE` written atomically."""

from __future__ import annotations

import sys

from tutor.cli import UsageError


def write_file(path: str, text: str) -> None:
    """Write `text` to `path` atomically (regular files only); a failure is a UsageError."""
    from tutor.atomic import write_text_atomic

    try:
        write_text_atomic(path, text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def emit(text: str, output: str | None, what: str = "") -> int:
    """Print `text`, or write it to `output` and say so on stderr (`wrote FILE (what)`)."""
    if output is None:
        sys.stdout.write(text)
        return 0
    write_file(output, text)
    from tutor.text_safety import escape_controls  # its pattern compiles only when used

    print(escape_controls(f"wrote {output}" + (f" ({what})" if what else "")), file=sys.stderr)
    return 0
