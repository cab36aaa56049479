"""Turn whatever a student handed in into a clean copy of `mytorch/**/*.py`.

A submission is a directory holding `mytorch/`, `mytorch/` itself, or a
.zip/.tar/.tar.gz/.tgz holding either, possibly inside one top folder (a zipped
`hw1/`). Only regular `*.py` files under `mytorch/`, and under `models/` beside it
(the course keeps its MLPs there), reach `dest/mytorch/` and `dest/models/`; tests,
conftest.py, setup files, results and data stay behind.
Symlinks and special files are skipped, never followed (a `.py` link is named
in the notes, so the student knows it was left out). Archives are read in
memory by `archive.py`, never extracted, in a child process of bounded time and
memory; a member named with an absolute path, `..` or a NUL byte rejects the archive. Hidden names (".x", macOS "._x.py") and
__pycache__ are skipped too: Python cannot import them as modules anyway.
Every problem is a `SubmissionError` with a one-line, actionable message.
"""
from __future__ import annotations

import functools
import os
import signal
import stat
from pathlib import Path

from .archive import SUFFIXES, ArchiveError, Member, Parts, py_members

__all__ = ["SubmissionError", "prepare", "placed", "MAX_FILES", "MAX_FILE_BYTES", "MAX_TOTAL_BYTES"]

MAX_FILES = 500  # .py files copied
MAX_FILE_BYTES = 1 << 20  # 1 MiB per file
MAX_TOTAL_BYTES = 10 << 20  # 10 MiB in all


class SubmissionError(Exception):
    """The submission cannot be graded; the message (one line) says what to do."""


class ArchiveTimedOut(SubmissionError):
    """An archive not read within the wall time: on a machine loaded enough, an honest one too, so a batch does not
    keep this refusal for a rerun (helper-81); the CPU and memory limits, which hold under any load, are kept."""


def prepare(path: str | os.PathLike | None, dest: Path, notes: list[str] | None = None, assignment=None,
            bounded: bool = False) -> Path:
    """Copy the submission's `mytorch/**/*.py` into `dest/mytorch/` (and `models/**/*.py` beside it
    into `dest/models/`); return `dest`. For another `assignment`, its package (`nn/`, ...) instead, and
    its `given` files from the course's own copy, whatever the submission holds.

    `path` None means `./mytorch` (the assignment's package). `dest` should be an empty directory. What
    was left out that a student may have meant to hand in (a `.py` that is a symbolic link) is said in `notes`.
    `bounded`: nothing outside `path` is read, not even `models/` beside a package handed in as `path` itself
    (a batch entry: beside it lie other students' entries, one of which may be named models).
    """
    from . import assignments

    layout = _Layout.of(assignment or assignments.get())
    package = layout.package
    shown = f"./{package}" if path is None else os.fspath(path)
    src = Path(shown)
    assignment = assignment or assignments.get()
    if not src.exists():
        hint = f" (run this in the folder that holds {package}/, or give the path" if path is None else ""
        if path is None and assignment.name != assignments.DEFAULT:
            hint += f"; `make handout ASSIGNMENT={assignment.name}` builds a handout with its skeleton"
        raise SubmissionError(f"not found: {shown}{hint}{')' if hint else ''}{_other_assignment(src, assignment)}")
    links: list[str] = []
    try:
        try:
            files = (_from_directory(src, shown, links, layout, src if bounded else None) if src.is_dir()
                     else _from_archive(src, links, layout))
        except SubmissionError as exc:  # (of the same kind: a refusal of the machine's load is tried again)
            raise type(exc)(f"{exc}{_other_assignment(src, assignment)}") from None
    except OSError as exc:  # archives convert their own; this is a folder we cannot read
        raise SubmissionError(f"cannot read {exc.filename or shown}: {exc.strerror or exc}") from None
    except RecursionError:  # (os.fwalk recurses once per level)
        raise SubmissionError(f"{shown}: folders nested too deeply to read; hand in {package}/ as the handout has it") from None
    if notes is not None:
        notes += [f"left out {name}: it is a symbolic link, and links are not followed; hand in the file itself"
                  for name in links if not isinstance(name, Placed)]
        moved = [name for name in links if isinstance(name, Placed)]
        if moved:
            notes.append(_placed_note(package, moved))
    if not any(rel[0] == package and rel[1:] not in layout.given for rel in files):
        raise SubmissionError(f"no .py files found under {package}/ in {shown}")
    for rel, data in layout.given.items():  # given files are the course's, not the student's to change
        handed = files.get((package, *rel))
        if handed is not None and handed != data and notes is not None:
            notes.append(f"{package}/{'/'.join(rel)} is given: the course's copy was graded, and your changes to it "
                         "were left out")
        files[(package, *rel)] = data
    _write(files, Path(dest))
    return Path(dest)


def placed(path: Path, dest: Path, notes: list[str], assignment) -> Path:
    """`path`, or, when it is a folder holding the assignment's files without their package folder (what some
    students drag into Gradescope: linear.py, activation.py, ...), a folder `dest` with each of them where the
    package has it, as the Gradescope autograder grades them (gradescope/loose_files.py, shared): `grade`, `batch`
    and the zip read a hand-in alike."""
    loose = _loose_files()
    files = {}
    if loose is not None and path is not None:
        loose.configure(assignment)  # (its package's layout, mytorch's or another's)
        files = loose.found(Path(path))
    if not files:
        return path
    notes.append(_placed_note(assignment.package, sorted(p.name for p in files.values())))
    return loose.assemble(files, dest)


def _placed_note(package: str, names: list[str]) -> str:
    """What the results say of files handed in without the package folder, put where it has them (a folder's or an
    archive's)."""
    one = len(names) == 1
    return (f"the files were handed in without {package}/: {', '.join(names)} {'was' if one else 'were'} put where "
            f"{package}/ has {'it' if one else 'them'}")


@functools.lru_cache(maxsize=None)
def _loose_files():
    """gradescope/loose_files.py (loaded once per process; in the Gradescope zip it lies beside autograder/), or None
    where it is not shipped (a handout)."""
    import importlib.util

    top = Path(__file__).resolve().parents[1]
    path = next((p for p in (top / "gradescope" / "loose_files.py", top / "loose_files.py") if p.is_file()), None)
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location("autograder_loose_files", path)
    loose = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loose)
    return loose


def _others(package: str) -> set[str]:
    """The other assignments' package folders."""
    from . import assignments

    return {a.package for a in assignments.ASSIGNMENTS.values()} - {package}


def _other_assignment(src: Path, assignment) -> str:
    """" (it holds nnfs_layers/: grade it with --assignment nnfs)" when `src` is or holds another assignment's
    package folder (or, where this copy does not grade that assignment, that it is another's), else ""."""
    from . import assignments

    here = assignments.gradable()
    others = [other for other in assignments.ASSIGNMENTS.values() if other.package != assignment.package]
    if not src.is_dir():
        return ""
    # (the package's own files first: mytorch's hold nn/, which is also numpy-nn's package)
    for other in sorted(others, key=lambda a: not ((src / "__init__.py").is_file() and (src / a.mark).exists())):
        own = (src / "__init__.py").is_file() and (src / other.mark).exists()
        if own or src.name == other.package or (src / other.package).is_dir():
            what = (f"is {other.package}/" if src.name == other.package else
                    f"holds the files of {other.package}/ itself" if own else f"holds {other.package}/")
            if other.name not in here:  # (a handout: the other course's grader is not in it)
                return (f" (it {what}, the {other.name} assignment's package: this copy grades "
                        f"{', '.join(here)} only)")
            return f" (it {what}: grade it with --assignment {other.name})"
    return ""


class _Layout:
    """What a submission of one assignment holds: its package, the folders beside it, a name only the
    package's own contents have (to recognise the package handed in without its folder), and its given files."""

    def __init__(self, package: str, beside: tuple[str, ...], mark: str, given: dict[Parts, bytes],
                 solutions: Path | None = None):
        self.package, self.beside, self.mark, self.given = package, beside, mark, given
        self.solutions = solutions  # the reference package: where each file goes, its __init__.py files

    @classmethod
    def of(cls, assignment) -> "_Layout":
        given = {}
        for name in assignment.given:
            found = assignment.given_file(name)
            if found is not None:
                given[tuple(name.split("/"))] = found.read_bytes()
        return cls(assignment.package, assignment.beside, assignment.mark, given, assignment.solutions)

    def loose(self, members: dict[Parts, "Member"]) -> dict[Parts, "Member"]:
        """An archive's files handed in without the package folder (linear.py, activation.py, ... at its top or in
        its one top folder), each put where the package has it, with the reference's __init__.py files (which hold
        no solution code), as a folder of them is read (gradescope/loose_files.py); {} when it holds none."""
        loose = _loose_files()
        if self.solutions is None or loose is None:
            return {}
        places = [p.relative_to(self.solutions).parts for p in sorted(self.solutions.rglob("*.py"))
                  if "__pycache__" not in p.parts]
        tops = {p[0] for p in members if len(p) > 1 and not _skipped(p[0])}
        chosen = loose.pick(members.__contains__, [p for p in places if p[-1] != "__init__.py"], tops)
        best = {(self.package, *place): members[where] for place, where in chosen.items()}
        if best:
            for place in places:
                if place[-1] == "__init__.py":
                    data = self.solutions.joinpath(*place).read_bytes()
                    best[(self.package, *place)] = (len(data), lambda data=data: data)
        return best


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in ("__pycache__", "__MACOSX")


def _real_dir(p: Path) -> bool:
    return p.is_dir() and not p.is_symlink()


def _from_directory(src: Path, shown: str, links: list[str], layout: _Layout,
                    bound: Path | None = None) -> dict[Parts, bytes]:
    package = layout.package
    subdirs = [p for p in src.iterdir() if _real_dir(p) and not _skipped(p.name) and p.name not in _others(package)]
    for base in [src] + (subdirs if len(subdirs) == 1 else []):  # (never inside another assignment's package:
        # mytorch/nn/ is not numpy-nn's nn/)
        if _real_dir(base / package):
            return _read_trees(base / package, shown, links, layout, bound)
        if (base / "__init__.py").is_file() and (base / layout.mark).exists():  # the package's own contents
            return _read_trees(base, shown, links, layout, bound)
    if src.name == package:
        return _read_trees(src, shown, links, layout, bound)
    archives = [p for p in src.iterdir() if p.is_file() and not p.is_symlink() and p.name.lower().endswith(SUFFIXES)]
    several = sorted(f"{p.name}/{package}/" if _real_dir(p / package) else f"{p.name}/" for p in subdirs
                     if _real_dir(p / package) or (p / "__init__.py").is_file() and (p / layout.mark).exists())
    if len(several) > 1 or several and archives:  # (an old and a new copy, or a class folder: which one is meant is
        found = [*several, *sorted(p.name for p in archives)]  # not ours to guess)
        batch = (f", or grade a folder of students' hand-ins with `python -m autograder batch {shown}`"
                 if len(found) > 2 else "")  # (two copies are more likely one student's old and new)
        raise SubmissionError(f"found {len(found)} hand-ins in {shown} ({', '.join(found[:4])}"
                              f"{', ...' if len(found) > 4 else ''}): hand in the one to grade{batch}")
    if len(archives) == 1:  # e.g. Gradescope keeps an uploaded .tar as is
        return _from_archive(archives[0], links, layout)
    if not any(not _skipped(p.name) for p in src.iterdir()):  # (a class's entry left empty, say)
        raise SubmissionError(f"no {package}/ directory found in {shown}: it is empty (nothing was handed in)")
    raise SubmissionError(f"no {package}/ directory found in {shown}: give the folder that holds {package}/, "
                          f"or {package}/ itself" + _deeper(_dirs_under(src, package), package))


DEEPER = 6  # how many folders down a package folder nested too deep is looked for, to say where it is


def _dirs_under(src: Path, package: str) -> list[tuple[str, ...]]:
    """The paths (as parts, below `src`) of the folders named `package` within DEEPER levels, real folders only."""
    found, todo = [], [((), src)]
    while todo:
        parts, here = todo.pop()
        try:
            children = sorted(p for p in here.iterdir() if _real_dir(p) and not _skipped(p.name))
        except OSError:
            continue
        for child in children:
            if child.name == package:
                found.append((*parts, child.name))
            elif len(parts) + 1 < DEEPER:
                todo.append(((*parts, child.name), child))
    return found


def _deeper(places, package: str) -> str:
    """Where a package folder nested deeper than the grader looks was found (helper-186: "no mytorch/ directory
    found" alone, for hw1/handin/mytorch/), as the end of the one-line message; "" where none was."""
    shown = sorted({"/".join(p) + "/" for p in places})
    if not shown:
        return ""
    return (f" (found {', '.join(shown[:3])}{', ...' if len(shown) > 3 else ''}: {package}/ must be at the top or in "
            f"one folder at the top; hand in the folder that holds it)")


def _read_trees(top_dir: Path, shown: str, links: list[str], layout: _Layout,
                bound: Path | None = None) -> dict[Parts, bytes]:
    """The .py files of the package folder `top_dir` and of the folders beside it the assignment takes
    (mytorch: `models/`), keyed ("mytorch", ...) and ("models", ...), read through directory descriptors:
    os.fwalk never follows a link and checks each
    directory it enters is the one it listed, and each file is opened relative to its directory,
    without following links, and must be the file that was listed. Listed again at the end: a
    submission that changed while it was read (a folder swapped for a link, a file rewritten) is
    refused rather than graded from a mix. `bound`: a folder beside the package is taken only inside it."""
    top_dir = Path(os.path.realpath(top_dir))  # a link the student gave as the path is followed, once, here
    trees = {layout.package: top_dir}
    inside = None if bound is None else Path(os.path.realpath(bound))
    for name in layout.beside:
        if _real_dir(top_dir.parent / name) and (inside is None or inside in top_dir.parents):
            trees[name] = top_dir.parent / name
    seen = {top: _listing(root, top, links) for top, root in trees.items()}
    members: dict[Parts, Member] = {}
    for top, listing in seen.items():
        for rel, (where, name, identity) in listing.items():
            members[(top, *rel)] = (identity[2], lambda r=trees[top], d=where, n=name, i=identity:
                                    _read_at(r, d, n, i, shown))
    files = _take(members, shown, layout)
    if any(_listing(root, top, []) != seen[top] for top, root in trees.items()):
        raise _changed(shown)
    return files


def _listing(root: Path, top: str, links: list[str]) -> dict[Parts, tuple]:
    """rel path -> (its folder's parts, its name, (device, inode, size, mtime)) for the regular .py files."""
    found = {}
    for dirpath, dirnames, filenames, dirfd in os.fwalk(root, follow_symlinks=False):
        where = Path(dirpath).relative_to(root).parts
        dirnames[:] = sorted(d for d in dirnames if not _skipped(d))
        for name in sorted(filenames + dirnames):
            try:
                st = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            rel = (*where, name)
            if stat.S_ISLNK(st.st_mode):
                if name.endswith(".py") or name in dirnames or _is_dir_at(dirfd, name):
                    links.append(f"{top}/{'/'.join(rel)}")
            elif name.endswith(".py") and stat.S_ISREG(st.st_mode):  # symlinks are not S_ISREG without following
                found[rel] = (where, name, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
    return found


def _changed(shown: str) -> SubmissionError:
    return SubmissionError(f"{shown} changed while it was being read: grade it again once nothing writes to it")


def _is_dir_at(dirfd: int, name: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=dirfd).st_mode)
    except OSError:
        return False


def _read_at(root: Path, where: Parts, name: str, identity: tuple, shown: str) -> bytes:
    """Read file `name` of folder `where` under `root`, opening each folder in turn without following
    links; the file must still be the one listed (same inode, size and modification time)."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        fds = [os.open(root, os.O_RDONLY | os.O_DIRECTORY | nofollow)]
    except OSError:
        raise _changed(shown) from None
    try:
        for part in where:
            fds.append(os.open(part, os.O_RDONLY | os.O_DIRECTORY | nofollow, dir_fd=fds[-1]))
        fd = os.open(name, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0), dir_fd=fds[-1])
    except OSError:
        raise _changed(shown) from None
    finally:
        for d in fds:
            os.close(d)
    with os.fdopen(fd, "rb") as f:
        before = os.fstat(fd)
        data = f.read(MAX_FILE_BYTES + 1)
        after = os.fstat(fd)
    if {(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) for st in (before, after)} != {identity}:
        raise _changed(shown)
    return data


ARCHIVE_SECONDS = 20  # CPU seconds (and, doubled, wall seconds) reading one archive may take
ARCHIVE_MEMORY = 768 << 20  # memory it may take on top of the grading process's own


class Placed(str):
    """In the `links` an archive's reading fills: not a link, the name of a file handed in without the package
    folder, which was put where the package has it (`_Layout.loose`)."""


def _from_archive(src: Path, links: list[str], layout: _Layout) -> dict[Parts, bytes]:
    """The archive's files, read in a child process of bounded time and memory: an archive is hostile input to
    the standard library's tarfile and zipfile (a tar member of negative size loops a gzip stream for days, a pax
    header makes a regular expression backtrack for hours, a sparse map or a zip64 directory takes gigabytes),
    and the grading process must outlive it. Only bytes come back: paths and contents, checked again here."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # (the child: it reads, sends, and exits without running anything of the parent's)
        os.close(read)
        try:
            payload = _read_archive(src, layout)
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write)
    late = False
    try:
        payload = _receive(read, 2 * ARCHIVE_SECONDS)
    except TimeoutError:
        payload, late = None, True
    finally:
        os.close(read)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    if payload is None:
        raise (ArchiveTimedOut if late else SubmissionError)(
            f"{src.name} could not be read within {ARCHIVE_SECONDS} s and {ARCHIVE_MEMORY >> 20} MiB: "
            "hand in a plain .zip, .tar or .tar.gz of your files")
    return _unpacked(payload, src.name, links)


def _read_archive(src: Path, layout: _Layout) -> bytes:
    """In the child: its limits set, the archive's chosen files as a JSON line (paths, sizes, links, or the error
    to raise) followed by their contents."""
    import json
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (ARCHIVE_SECONDS, ARCHIVE_SECONDS + 1))
    try:
        with open("/proc/self/statm") as f:  # (the address space it has now: numpy's mappings, say)
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + ARCHIVE_MEMORY, size + ARCHIVE_MEMORY))
    except (OSError, ValueError):  # (no /proc, as on macOS, or a hard limit already lower: the CPU limit stands)
        pass
    links: list[str] = []
    placed: list[str] = []
    try:
        with py_members(src, MAX_FILE_BYTES, links) as members:
            files = _select(members, src.name, layout, placed)
    except (ArchiveError, SubmissionError) as exc:
        return json.dumps({"error": str(exc)}).encode() + b"\n"
    except MemoryError:
        return json.dumps({"error": f"archive too large: reading {src.name} takes more than "
                                    f"{ARCHIVE_MEMORY >> 20} MiB"}).encode() + b"\n"
    except Exception as exc:  # noqa: BLE001 - whatever else the archive makes the standard library raise
        return json.dumps({"error": f"corrupt archive: {src.name} ({type(exc).__name__})"}).encode() + b"\n"
    head = {"files": [[list(rel), len(data)] for rel, data in files.items()], "links": links, "placed": placed}
    return json.dumps(head).encode() + b"\n" + b"".join(files.values())


def _receive(fd: int, seconds: float) -> bytes | None:
    """Everything the child writes to `fd` before it closes it, or None when that is more than the files of a
    submission can fill; TimeoutError when it takes over `seconds`."""
    import select
    import time

    deadline, chunks, total = time.monotonic() + seconds, [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks) or None  # (nothing: it was killed, past its CPU time)
        total += len(chunk)
        if total > MAX_TOTAL_BYTES + (4 << 20):
            return None
        chunks.append(chunk)


def _unpacked(payload: bytes, archive: str, links: list[str]) -> dict[Parts, bytes]:
    """The files in the child's `payload`, checked as any input from outside is: plain relative paths, sizes that
    add up, within the limits."""
    import json

    line, _, data = payload.partition(b"\n")
    try:
        head = json.loads(line)
        if "error" in head:
            raise SubmissionError(" ".join(str(head["error"]).split()))
        files, at = {}, 0
        for rel, size in head["files"]:
            if (not rel or not all(type(p) is str and p and p not in (".", "..") and "/" not in p and "\0" not in p
                                   for p in rel) or type(size) is not int or not 0 <= size <= MAX_FILE_BYTES):
                raise ValueError("a bad path or size")
            files[tuple(rel)] = data[at:at + size]
            at += size
        if at != len(data) or len(files) > MAX_FILES:
            raise ValueError("sizes that do not add up")
        links += [str(name) for name in head["links"]]
        links += [Placed(name) for name in head.get("placed", ()) if isinstance(name, str)]
    except (ValueError, KeyError, TypeError) as exc:
        raise SubmissionError(f"corrupt archive: {archive} ({exc})") from None
    return files


def _select(members: dict[Parts, Member], archive: str, layout: _Layout, placed: list | None = None
            ) -> dict[Parts, bytes]:
    """Find the package folder among the archive's .py files (at the top or in one top folder); or, where there is
    none, the package's files handed in without it (`_Layout.loose`: their names added to `placed`)."""
    package = layout.package
    tops = {p[0] for p in members if len(p) > 1 and not _skipped(p[0]) and p[0] not in _others(package)}
    for base in [()] + ([(t,) for t in tops] if len(tops) == 1 else []):
        under = [p[len(base):] for p in members if p[:len(base)] == base]
        if any(len(q) > 1 and q[0] == package for q in under):
            root = base + (package,)
        elif ("__init__.py",) in under and any(q[0] == layout.mark for q in under):
            root = base
        else:
            continue
        chosen = {(package, *p[len(root):]): m for p, m in members.items() if p[:len(root)] == root}
        if root[-1:] == (package,):  # the folders beside it (mytorch: models/)
            for name in layout.beside:
                beside = root[:-1] + (name,)
                chosen.update({(name, *p[len(beside):]): m for p, m in members.items() if p[:len(beside)] == beside})
        return _take(chosen, archive, layout)
    loose = layout.loose(members)
    if loose:  # (said in the results: `Placed`)
        if placed is not None:
            placed += sorted(place[-1] for place in loose if place[-1] != "__init__.py")
        return _take(loose, archive, layout)
    from . import assignments

    other = next((a for a in assignments.ASSIGNMENTS.values() if a.package != package
                  and any(p[0] == a.package or p[1:2] == (a.package,) for p in members if len(p) > 1)), None)
    if not members:  # (helper-149: an empty archive read as a layout mistake, where an empty folder
        raise SubmissionError(f"no {package}/ directory found in {archive}: it holds no .py file (an empty archive "
                              "hands in nothing)")  # says it is empty)
    deeper = _deeper([p[:p.index(package) + 1] for p in members if package in p[:DEEPER] and p[-1] != package],
                     package)
    raise SubmissionError(f"no {package}/ directory found in {archive}: the archive must contain {package}/ "
                          f"(or a single folder holding {package}/), or the files of {package}/ by their names"
                          + (f" (it holds {other.package}/: grade it with --assignment {other.name})" if other else
                             deeper))


def _take(members: dict[Parts, Member], shown: str, layout: _Layout) -> dict[Parts, bytes]:
    """Read the members that belong in the copy, enforcing the size limits."""
    files, total = {}, 0
    where = " and ".join(f"{name}/" for name in (layout.package, *layout.beside))
    for rel, (size, read) in sorted(members.items()):
        if any(_skipped(part) for part in rel):
            continue
        if len(files) == MAX_FILES:
            raise SubmissionError(f"too many files: more than {MAX_FILES} .py files under {where} in {shown}")
        if size > MAX_FILE_BYTES or len(data := read()) > MAX_FILE_BYTES:
            raise SubmissionError(f"file too large: {'/'.join(rel)} is over {MAX_FILE_BYTES >> 20} MiB")
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise SubmissionError(f"submission too large: the .py files under {where} exceed "
                                  f"{MAX_TOTAL_BYTES >> 20} MiB")
        files[rel] = data
    return files


def _write(files: dict[Parts, bytes], root: Path) -> None:
    for rel, data in files.items():
        target = root.joinpath(*rel)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise SubmissionError(f"cannot copy {'/'.join(rel)}: {exc.strerror or exc}") from None
