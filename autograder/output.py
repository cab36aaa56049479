"""Write result files so a reader never sees half of one.

Gradescope, Autolab and CI read the results file once grading ends; if the
grader is killed mid-write, they must find the old file or none, never a
truncated one. So: write a temporary file beside the target, then rename it
over the target (`os.replace` is atomic within one filesystem).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "written_through", "printable", "unwritable"]


def printable(text: str) -> str:
    """A line of names a student chose (a folder, an archive member, an upload), with no control character left to
    act on a terminal: each is shown as '?'."""
    return "".join(c if c.isprintable() else "?" for c in text)


def unwritable(folder: Path) -> str | None:
    """Why a file cannot be made in `folder` (None: one can): tried, as `os.access` says yes to root for a folder
    of mode 555 or on /proc, and grading an hour's class before finding out loses it (helper-84: a read-only
    --output made a batch stop after its first entry with an internal error)."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".autograder-", suffix=".probe")
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass
    return None


def written_through(path: Path) -> bool:
    """`write_atomic` writes to `path` in place: it is a link, or it is there and not a regular file."""
    return path.is_symlink() or path.exists() and not path.is_file()


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically, creating parent directories. A `path` that is a link, or that
    exists and is not a regular file (/dev/stdout, a named pipe, a device), is written through, not replaced: as
    root, renaming over --output /dev/full had put a regular file in the device's place (helper-139), and over
    /dev/stdout sent nothing to the output."""
    path = Path(path)
    if written_through(path):
        with open(path, "w", encoding="utf-8", newline="") as f:  # (a folder: IsADirectoryError, an OSError)
            f.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are meant to be read
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
