"""Write files atomically: a reader sees the old file or the new one, never half of one.

Only regular files are written. The new file replaces the old one by a rename, so a target
that is not a plain regular file would be replaced rather than written to: a symbolic link
(it would become a file, its target untouched), a FIFO, a device (as root, `-o /dev/null`
would replace the real one), a folder, or a file with other hard links (they would silently
part). Such a target is refused with `UnsafeTargetError`; a symbolic link is never followed
either: give the real path. The new file gets the old file's permission bits, never its
setuid, setgid or sticky bits.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from tutor.errors import TutorError

_KINDS = (
    (stat.S_ISLNK, "a symbolic link (written to regular files only; give the real path)"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnsafeTargetError(TutorError, OSError):
    """The target exists and is not a plain regular file: it is never replaced."""

    def __init__(self, path: Path, reason: str):
        super().__init__(errno.EPERM, reason, str(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` atomically; on any failure no partial file is left behind."""
    target = Path(path)
    mode = _mode_for(target)  # refuses a target that is not a regular file, before writing
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file 0600; give it the mode a plain open() would (or the old file's).
        os.chmod(tmp_name, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def check_target(target: Path) -> os.stat_result | None:
    """The target's own status (links not followed), None if absent; UnsafeTargetError if it
    is anything but a regular file with one name."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    for is_kind, kind in _KINDS:
        if is_kind(status.st_mode):
            raise UnsafeTargetError(target, f"is {kind}, not a regular file; not replaced")
    if not stat.S_ISREG(status.st_mode):
        raise UnsafeTargetError(target, "is not a regular file; not replaced")
    if status.st_nlink > 1:
        raise UnsafeTargetError(
            target,
            f"has {status.st_nlink} hard links; replacing it would part them "
            "(remove it first, or choose another name)",
        )
    return status


def _mode_for(target: Path) -> int:
    """The old file's permission bits (setuid/setgid/sticky dropped), else 0666 & ~umask."""
    status = check_target(target)
    if status is not None:
        return stat.S_IMODE(status.st_mode) & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
