"""List the regular `.py` members of a .zip/.tar/.tar.gz without extracting it.

Used by `submission.prepare`. Nothing is written to disk: each member comes
with a reader that returns at most `limit` + 1 bytes, so a caller can refuse
oversized files without decompressing them. Symlinks, hard links, devices and
directories are left out; a member named with an absolute path or `..`
(zip-slip) rejects the whole archive. Work is bounded: the archive file, the
number of entries and the bytes a tar must be read through are all capped.
Every problem is an `ArchiveError` with a one-line message.
"""
from __future__ import annotations

import re
import stat
import struct
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["ArchiveError", "SUFFIXES", "Parts", "Member", "py_members"]

SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
MAX_ARCHIVE_BYTES = 256 << 20  # the archive file itself
MAX_MEMBERS = 100_000  # entries listed
MAX_UNPACKED_BYTES = 1 << 30  # a tar is read through to be listed: bound that work

Parts = tuple[str, ...]  # a relative path, split on "/"
Member = tuple[int, Callable[[], bytes]]  # declared size, reader


class ArchiveError(Exception):
    """The archive cannot be used; the message (one line) says why."""


_CORRUPT = (zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError, struct.error,
            MemoryError)  # RuntimeError: encrypted zip; zipfile's and tarfile's own errors are added below
# (MemoryError: whatever a header declares is read through a capped reader, but a decoder that still
# asks for too much is refusing this archive, not the grader failing)


@contextmanager
def py_members(src: Path, limit: int, links: list[str] | None = None) -> Iterator[dict[Parts, Member]]:
    """The archive's regular `*.py` members by path; readers work inside the `with`. The names of
    `*.py` members that are links (left out) are appended to `links`."""
    links = [] if links is None else links
    name = src.name
    if not src.is_file() or not name.lower().endswith(SUFFIXES):
        raise ArchiveError(f"unsupported file type: {name} (use .zip, .tar, .tar.gz or .tgz)")
    if src.stat().st_size > MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"archive too large: {name} is over {MAX_ARCHIVE_BYTES >> 20} MiB")
    import tarfile  # here, not at the top: grading a folder never needs them
    import zipfile

    try:
        if name.lower().endswith(".zip"):
            _check_zip_directory(src, name)
            with zipfile.ZipFile(src) as zf:
                yield _zip_members(zf, name, limit, links)
        else:
            with _capped(src, name) as raw, tarfile.open(fileobj=raw, mode="r:") as tf:
                yield _tar_members(tf, name, limit, links)
    except (zipfile.BadZipFile, tarfile.TarError, *_CORRUPT) as exc:
        if isinstance(exc, RuntimeError) and "encrypted" in str(exc):  # (helper-176: read "corrupt", a ZipInfo shown)
            raise ArchiveError(f"{name} is password-protected: make the archive again without a password") from None
        if src.stat().st_size == 0:
            raise ArchiveError(f"empty archive: {name} is 0 bytes") from None
        raise ArchiveError(f"corrupt archive: {name}: {' '.join(str(exc).split()) or type(exc).__name__}") from None


MAX_ZIP_DIRECTORY = 32 << 20  # bytes of a zip's central directory (about 300,000 entries of 100-byte names)


def _check_zip_directory(src: Path, archive: str) -> None:
    """Refuse a zip whose end record declares more entries or a larger central directory than we
    list, before zipfile reads the whole directory into memory (5 million entries took 2.6 GB)."""
    with open(src, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - (1 << 16) - 22))
        tail = f.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) < end + 22:
            return  # no end record: zipfile says the archive is corrupt
        entries, directory = struct.unpack_from("<HI", tail, end + 10)
        locator = end - 20
        if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":  # zipfile then reads a zip64 end record,
            (record,) = struct.unpack_from("<Q", tail, locator + 8)  # whatever the classic one says: the one the
            at = size - len(tail) + locator - 56  # locator points to, or (CPython's) the one just before it
            for offset in {record, at}:
                if 0 <= offset <= size - 56:
                    f.seek(offset)
                    zip64 = f.read(56)
                    if zip64[:4] == b"PK\x06\x06":
                        found, length = struct.unpack_from("<QQ", zip64, 32)
                        entries, directory = max(entries, found), max(directory, length)
    if entries > MAX_MEMBERS or directory > MAX_ZIP_DIRECTORY:
        _check_size(MAX_MEMBERS + 1, 0, archive)


def _zip_members(zf: zipfile.ZipFile, archive: str, limit: int, links: list[str]) -> dict[Parts, Member]:
    members, linked = {}, {}
    for count, info in enumerate(zf.infolist(), 1):
        _check_size(count, 0, archive)  # only members a caller reads are decompressed
        parts = _safe_parts(info.filename, archive)
        if info.is_dir() or not parts or not parts[-1].endswith(".py"):
            continue
        if stat.S_IFMT(info.external_attr >> 16) in (0, stat.S_IFREG):  # not a symlink
            _found(members, linked, parts, (info.file_size, lambda i=info: _read(zf.open(i), limit)))
        else:
            _found(members, linked, parts, None)
    links += ["/".join(parts) for parts in linked]
    return members


def _tar_members(tf: tarfile.TarFile, archive: str, limit: int, links: list[str]) -> dict[Parts, Member]:
    members, linked, unpacked = {}, {}, 0
    for count, m in enumerate(tf, 1):
        if m.size < 0:  # (tarfile would seek back by it: the same headers again and again, for ever)
            raise ArchiveError(f"corrupt archive: {archive}: a member of negative size")
        unpacked += m.size
        _check_size(count, unpacked, archive)
        parts = _safe_parts(m.name, archive)
        if not parts or not parts[-1].endswith(".py") or m.isdir():
            continue
        if m.isreg():  # not links, devices
            _found(members, linked, parts, (m.size, lambda m=m: _read(tf.extractfile(m), limit)))
        elif m.issym() or m.islnk():
            _found(members, linked, parts, None)
    links += ["/".join(parts) for parts in linked]
    return members


def _found(members: dict, linked: dict, parts: Parts, member: Member | None) -> None:
    """A member named `parts`: a file (`member`) or a link (None). Of several of one name, the last is what
    unpacking the archive leaves, and so what is graded, or said to be left out (a link): never both."""
    members.pop(parts, None)
    linked.pop(parts, None)
    if member is None:
        linked[parts] = None
    else:
        members[parts] = member


@contextmanager
def _capped(src: Path, archive: str):
    """The tar's bytes (gunzipped when gzip), refusing any read that would take the bytes read past
    MAX_UNPACKED_BYTES: a header that declares a huge long name or size is refused before tarfile
    allocates or decompresses it."""
    import gzip

    with open(src, "rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        with gzip.GzipFile(fileobj=raw) if gzipped else raw as f:
            yield _Capped(f, archive)


class _Capped:
    def __init__(self, f, archive: str):
        self.f, self.archive, self.total = f, archive, 0

    def read(self, size: int = -1) -> bytes:
        room = MAX_UNPACKED_BYTES - self.total
        if size is None or size < 0 or size > room:
            if size is None or size < 0:
                size = room + 1
            else:
                _check_size(0, MAX_UNPACKED_BYTES + 1, self.archive)
        data = self.f.read(size)
        self.total += len(data)
        _check_size(0, self.total, self.archive)
        return data

    def seek(self, *args):
        return self.f.seek(*args)

    def tell(self):
        return self.f.tell()


def _read(f, limit: int) -> bytes:
    with f:
        return f.read(limit + 1)


def _check_size(count: int, unpacked: int, archive: str) -> None:
    if count > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise ArchiveError(f"archive too large: {archive} holds over {MAX_MEMBERS} entries "
                           f"or {MAX_UNPACKED_BYTES >> 20} MiB; submit only mytorch/")


def _safe_parts(name: str, archive: str) -> Parts:
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in name.split("/") or "\0" in name:
        shown = " ".join(name.split())[:100]
        raise ArchiveError(f"unsafe path in {archive}: {shown!r} (absolute paths, '..' and NUL bytes are not allowed)")
    return tuple(p for p in name.split("/") if p not in ("", "."))
