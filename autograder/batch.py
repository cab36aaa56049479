"""`python -m autograder batch SUBMISSIONS [--output DIR] [--jobs N] [--seed N]`: a whole class.

SUBMISSIONS is a folder holding one entry per student (a folder, or a .zip/.tar/.tar.gz archive,
named after the student), or a Gradescope "Export Submissions" archive or folder (entries
`submission_<id>/`, named after their submitters from `submission_metadata.yml`; what of that file
cannot be read is said in one line, and those entries keep their folders' names).

Every entry is graded as `grade` grades a submission alone, with the same seed (the same verdicts:
a test checks it), by `--jobs` grading processes (default: one more than the cores: each waits on its worker part of the
time, and the extra one fills those gaps, about 5% sooner on 2 cores) that share one fork server.
Under DIR (default `graded/`) it writes:

- `<entry>.json`: the entry's Gradescope results, every test, even for an entry that could not be
  read (each test then fails, saying why);
- `grades.csv`: a row per entry: name, sid and email (from a Gradescope export), entry, file, score, max_score,
  seconds, error, the points of each test;
- `report.html`: what course staff look at (see batch_report.py).

An entry that is unreadable, hangs or attacks the sandbox gets its row and its reason; the batch goes
on. A symbolic link in SUBMISSIONS (to a folder, named as an archive, or leading nowhere) is never followed, since it
could point at anyone's files: it gets its row, saying so. A rerun skips an entry already graded (or
refused) from the same content, by the same grader and seed: `.batch-state.json` keeps a digest of
each entry's own files as they lie in SUBMISSIONS (so an unchanged entry is not even unpacked again:
an archive that unpacks past the limits costs that once), of the copy that was graded, and of the
grader, and a salted scrypt digest of the seed, never the seed itself. So fixing one test and
rerunning regrades everything, and rerunning after an interruption regrades nothing twice. Ctrl-C
stops the batch and writes the gradebook and report of what finished (the gradebook with a row for each entry
it did not get to, saying so).
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import secrets
import signal
import stat
import sys
import threading
import tempfile
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .archive import MAX_ARCHIVE_BYTES, MAX_MEMBERS, SUFFIXES
from .output import printable, unwritable, write_atomic
from .official import public_seed
from .record import record, replace
from .sandbox.limits import ConfigError
from .submission import ArchiveTimedOut, SubmissionError, placed, prepare

STATE = ".batch-state.json"
GRADESCOPE_METADATA = "submission_metadata.yml"
ROOT = Path(__file__).resolve().parents[1]


@record(frozen=True)
class Entry:
    """One student's hand-in: where it is, its name in the gradebook, its results file's stem, (from
    a Gradescope export) its submitters' student ids and emails, for matching the gradebook to a roster,
    and why it is not graded when that is known before it is read (a symbolic link)."""

    path: Path
    name: str
    stem: str
    sid: str = ""
    email: str = ""
    refused: str = ""


STEM_MOST = 100  # characters of an entry's name its results file keeps

LINK = ("it is a symbolic link in the submissions folder, and links are not followed (one could point at "
        "another student's files or the solutions): put the folder or archive itself there")
# Hidden folders that are no one's hand-in (version control, editors, notebooks): left out without a word.
JUNK = (".git", ".svn", ".hg", ".ipynb_checkpoints", ".vscode", ".idea", ".Trash", ".cache")
# Archives of kinds batch does not read: such a hand-in gets its row, and says so (never left out unseen).
OTHER_ARCHIVES = (".rar", ".7z", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".gz", ".bz2", ".xz", ".zst")


def _other_archive(name: str) -> str:
    """Why an archive of a kind batch does not read is not graded."""
    kind = next(s for s in OTHER_ARCHIVES if name.lower().endswith(s))
    return (f"a {kind} archive, a kind batch does not read: hand in a folder, or a .zip, .tar, .tar.gz or .tgz "
            f"archive")


def entries(source: Path, output: Path | None = None, notes: list[str] | None = None) -> list[Entry]:
    """The entries of a submissions folder or Gradescope export, in name order (SubmissionError if none);
    `output`, the batch's own results folder, is never one, even when it is inside. What course staff
    should know about the folder (a Gradescope metadata file that could not be read in full) is added
    to `notes`, one line each."""
    if not source.exists():
        raise SubmissionError(f"not found: {source}")
    if not source.is_dir():
        one = f"; one student's archive is graded with `python -m autograder grade {source}`" if source.is_file() else ""
        raise SubmissionError(f"{source} is not a folder of submissions (unpack a course platform's export "
                              f"first{one})")
    package = _assignment().package
    if (source / package).is_dir() and not _holds_others(source) or (
            source.name == package and (source / "__init__.py").is_file()):
        raise SubmissionError(f"{source} is one submission (it {'is' if source.name == package else 'holds'} "
                              f"{package}/): grade it with `python -m autograder grade {source}`, or give batch the "
                              "folder that holds a folder or archive per student")
    base = source
    inner = [p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")]
    alone = len(inner) == 1 and not any(p != inner[0] and not p.name.startswith(".") for p in source.iterdir())
    if not _is_file(source / GRADESCOPE_METADATA) and alone and _is_file(inner[0] / GRADESCOPE_METADATA):
        base = inner[0]  # an export unpacked with its top folder (alone: never one student's folder beside archives)
    names, unreadable = _gradescope_names(base / GRADESCOPE_METADATA)
    found, ignored, results, hidden = [], [], [], []
    ours = _real(output) if output is not None else None  # (the batch's own results folder: never an entry)
    if ours is not None and ours in (_real(source), _real(base)):  # (helper-131: results among the hand-ins)
        raise SubmissionError(f"--output {output} is the folder of submissions itself: its results would lie among "
                              "the hand-ins; give another --output (by default, graded/ where you run it)")
    for path in sorted(base.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.name in ("__MACOSX", GRADESCOPE_METADATA):
            if (path.name not in (*JUNK, "__MACOSX", GRADESCOPE_METADATA) and not path.name.startswith("._")
                    and not path.is_symlink()
                    and (path.is_dir() or path.name.lower().endswith((*SUFFIXES, *OTHER_ARCHIVES)))):
                hidden.append(path.name)  # (a hidden folder or archive may be a hand-in: said, never graded)
            continue
        if ours is not None and _real(path) == ours:
            if path.is_dir() and not path.is_symlink() and any(path.iterdir()) and not _results_folder(path):
                raise SubmissionError(f"--output {output} is {path.name!r}, a hand-in in {source}: its results would "
                                      "take that student out of the gradebook; give another --output")
            continue
        if (ours is not None and path.is_dir() and not path.is_symlink()
                and ours.startswith(_real(path).rstrip(os.sep) + os.sep)):
            raise SubmissionError(f"--output {output} lies inside {path.name!r}, a hand-in in {source}: its results "
                                  "would be graded as part of it; give another --output")
        if not path.is_symlink() and path.name not in names and _results_folder(path):  # another batch's results,
            results.append(path.name)  # left in the class folder (said: a student's folder must not vanish unseen)
            continue
        archive, other = path.name.lower().endswith(SUFFIXES), path.name.lower().endswith(OTHER_ARCHIVES)
        if path.is_symlink():  # never followed; only a link that stands where a hand-in would gets a row
            # (the link's target is looked at, never read; one that leads nowhere, its target moved or a loop, may
            # have been a hand-in: helper-149's link to a folder renamed since lost its row, said to be a plain file)
            if path.is_dir() or archive or other or not path.exists():
                found.append((path, LINK))
            else:
                ignored.append(path.name)
        elif path.is_dir() or (path.is_file() and archive):
            found.append((path, ""))
        elif path.is_file() and other:
            found.append((path, _other_archive(path.name)))
        else:
            ignored.append(path.name)
    if not found:
        raise SubmissionError(f"no submissions in {source}: expected a folder or archive per student")
    if ignored and notes is not None:
        notes.append(f"not entries, left out: {listed(ignored)} (files that are neither a folder nor an archive)")
    if hidden and notes is not None:
        notes.append(f"not entries, left out: {listed(hidden)} (hidden: a name that starts with a dot; rename it to "
                     "grade it)")
    if results and notes is not None:
        notes.append(f"not entries, left out: {listed(results)} (folders holding an earlier batch's results, "
                     f"{STATE})")
    taken: set[str] = set()
    result = []
    for path, refused in found:
        suffix = next((s for s in (*SUFFIXES, *OTHER_ARCHIVES) if path.name.lower().endswith(s)), "")
        raw = os.fsencode(path.name[:-len(suffix)] if suffix and (path.is_symlink() or path.is_file()) else path.name)
        stem = raw.decode("utf-8", "replace")  # (a name that is not UTF-8, as some downloads keep it, is still shown)
        who = names.get(path.name, {})
        plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()  # (Émile: Emile)
        # (at most STEM_MOST characters of it: a file name is at most 255 bytes, and a 237-character name stopped
        # the whole batch as its results file was written; a name cut short gets its digest, as below)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._")[:STEM_MOST].rstrip("._") or "entry"
        unique = safe
        if safe != stem or safe.lower() in taken:  # never a clean name another entry may have (_alice, Alice)
            unique = f"{safe}-{hashlib.sha256(raw).hexdigest()[:8]}"
        n = 1
        while unique.lower() in taken:
            n += 1
            unique = f"{safe}-{hashlib.sha256(raw).hexdigest()[:8]}-{n}"
        taken.add(unique.lower())
        result.append(Entry(path, who.get("name") or stem, unique, who.get("sid", ""), who.get("email", ""), refused))
    if (base / GRADESCOPE_METADATA).is_file() and notes is not None:
        unnamed = [e.path.name for e in result if e.path.name.startswith("submission_") and e.path.name not in names]
        folders = "its folder" if len(unnamed) == 1 else "their folders"
        if unreadable:
            what = "; ".join(unreadable[:3]) + (f" and {len(unreadable) - 3} more" if len(unreadable) > 3 else "")
            named = (f"{len(unnamed)} submission{'' if len(unnamed) == 1 else 's'} named after {folders} "
                     f"({listed(unnamed)})") if unnamed else "the rest is used"
            notes.append(f"{GRADESCOPE_METADATA} could not be read in full ({what}): {named}")
        elif unnamed:  # (a file read whole that lacks a folder: helper-90 read "could not be read in full" there)
            notes.append(f"{GRADESCOPE_METADATA} names no submitter of {listed(unnamed)}, named after {folders}")
        absent = [f"{who.get('name') or folder} ({folder})" for folder, who in names.items()
                  if not os.path.lexists(base / folder)]
        if absent:  # (helper-176: an export unpacked in part lost its students' rows unseen)
            notes.append(f"{GRADESCOPE_METADATA} lists {len(absent)} submission{'' if len(absent) == 1 else 's'} "
                         f"with no folder here, so no row: {listed(absent)} (an export unpacked in part?)")
    return result


def _results_folder(path: Path) -> bool:
    """Whether `path` is an earlier batch's results folder: it holds a batch's state file and no Python file (a few
    levels down, looked at within bounds). A hand-in holding such a file is an entry all the same (helper-98: a
    `.batch-state.json` put in a submission took its author out of the gradebook of a re-grade)."""
    if not _is_file(path / STATE):
        return False
    seen = 0
    for folder, subfolders, files in os.walk(path):
        if any(name.endswith(".py") or name.lower().endswith((*SUFFIXES, *OTHER_ARCHIVES)) for name in files):
            return False
        seen += len(files) + len(subfolders)
        if seen > RESULTS_LOOKED_AT or folder[len(str(path)):].count(os.sep) >= 3:
            subfolders.clear()  # (not deeper: a batch writes no folder)
    return True


RESULTS_LOOKED_AT = 10_000  # names looked at in a folder that may be an earlier batch's results


def _real(path: Path) -> str:
    """Where `path` lies, its links followed: os.path.realpath, which stops at a loop of links (Path.resolve raised
    RuntimeError there, and an entry `eve -> eve` ended the whole batch with no results for anyone: helper-81)."""
    return os.fsdecode(os.path.realpath(path))


def _is_file(path: Path) -> bool:
    """Whether `path` is a file; False where its folder cannot be read (not root: a student's folder of mode 000
    stopped the whole batch as its .batch-state.json was looked for; it is an entry, whose reading says why)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _holds_others(source: Path) -> bool:
    """`source`, which holds a folder named as the package, also holds another student's hand-in (an archive, a
    folder holding the package or its contents): a class one of whose students is named after the package, not
    one submission."""
    assignment = _assignment()
    for path in source.iterdir():
        if path.name in (assignment.package, *assignment.beside) or path.name.startswith(".") or path.is_symlink():
            continue
        if path.is_file() and path.name.lower().endswith(SUFFIXES):
            return True
        if path.is_dir() and ((path / assignment.package).is_dir() or (path / assignment.mark).exists()):
            return True
    return False


def listed(names: list[str], most: int = 5) -> str:
    """'a, b, c' or 'a, b, c, d, e and 7 more'."""
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _gradescope_names(metadata: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """submission folder -> its submitters' names, student ids and emails (joined with " & " for a group),
    from a Gradescope export's metadata (a YAML file of `submission_<id>:` blocks, each listing
    `:submitters:` with `:name:`, `:sid:` and `:email:`); only those lines are read. With it, what could
    not be read ("line 12: :name: [broken"): a value that is no plain or properly quoted YAML string is
    left out (a name of YAML punctuation, "[broken", is no one's), and so is a name-less submission."""
    try:
        with metadata.open("rb") as file:
            data = file.read(METADATA_MOST + 1)
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [exc.strerror or type(exc).__name__]
    if len(data) > METADATA_MOST:  # (an export of a thousand submissions is a megabyte)
        return {}, [f"larger than {METADATA_MOST >> 20} MiB: not read"]
    problems = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        problems.append("not UTF-8 text")
    parsed = _yaml_names(text) if not problems else None
    if parsed is not None:
        return parsed
    found: dict[str, dict[str, list[str]]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("submission_"):
            top = re.match(r"^(submission_\d+):\s*(?:#.*)?$", line)
            current = found.setdefault(top.group(1), {"name": [], "sid": [], "email": []}) if top else None
            if top is None:
                problems.append(f"line {number}: {_shown(line)}")
            continue
        field = re.match(r"^\s*-?\s*:(name|sid|email):(?:\s+(.*?))?\s*$", line)
        if current is None or not field or not field.group(2):
            continue
        value = _yaml_string(field.group(2))
        if value is None:
            problems.append(f"line {number}: {_shown(line.strip())}")
        elif value and len(current[field.group(1)]) < SUBMITTERS_MOST:
            current[field.group(1)].append(value[:FIELD_MOST])
    return ({folder: {key: " & ".join(values) for key, values in fields.items()}
             for folder, fields in found.items() if fields["name"]}, problems)


# What is read of a Gradescope export's metadata: an alias repeating one submitter of 200 KB strings 5,000 times made
# a 138 KB file 300 MB of gradebook, and a larger one ended the batch (MemoryError; helper-92).
METADATA_MOST = 32 << 20  # bytes of the file
SUBMITTERS_MOST = 16  # submitters of one submission (a group)
FIELD_MOST = 200  # characters of a name, sid or email


def _yaml_names(text: str) -> tuple[dict[str, dict[str, str]], list[str]] | None:
    """`_gradescope_names` from the metadata read as the YAML it is (PyYAML's safe loader; a tag of Ruby's, as Psych
    may write one, read as nothing), or None where it is not YAML (a file edited by hand: read line by line then).
    A name read line by line could be another's: Psych folds a long quoted name over lines, and a name holding
    ":name: Alice Smith :sid: 1001" folded into lines that read as Alice's fields (helper-81). A value that is not
    one line of text (a list, a mapping) is no one's name; one with a control character in it is shown with '?'."""
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        document = yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader, with no tag that builds an object
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    if not isinstance(document, dict):
        return None
    found = {}
    for folder, block in document.items():
        if not (isinstance(folder, str) and re.fullmatch(r"submission_\d+", folder)):
            continue
        people = block.get(":submitters") if isinstance(block, dict) else None
        fields: dict[str, list[str]] = {"name": [], "sid": [], "email": []}
        for person in people[:SUBMITTERS_MOST] if isinstance(people, list) else ():
            for key, values in fields.items():
                value = person.get(f":{key}") if isinstance(person, dict) else None
                if isinstance(value, int) and not isinstance(value, bool):  # (a student id written as a number)
                    value = str(value)
                if isinstance(value, str) and value.strip():
                    values.append(printable(value.strip()[:FIELD_MOST]))
        if fields["name"]:  # (a submission with none is named after its folder, and said: `entries`)
            found[folder] = {key: " & ".join(values) for key, values in fields.items()}
    return found, []


def _shown(text: str) -> str:
    """A line of the metadata as a note quotes it: printable, and short."""
    text = printable(text)
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _yaml_string(text: str) -> str | None:
    """The string a one-line YAML scalar holds ('' for none: ~, null, an empty string), or None when it
    is no string a name, sid or email can be: a quote left open, a flow list or mapping ([a, {a),
    an anchor, alias, tag or block marker, a mapping of its own (a: b)."""
    if text.startswith("'"):  # single-quoted: '' is a quote, nothing else is escaped
        inner = re.fullmatch(r"'((?:[^']|'')*)'\s*(?:#.*)?", text)
        return inner.group(1).replace("''", "'").strip() if inner else None
    if text.startswith('"'):  # double-quoted: JSON's escapes are YAML's common ones
        inner = re.fullmatch(r'("(?:[^"\\]|\\.)*")\s*(?:#.*)?', text)
        try:
            value = json.loads(inner.group(1)) if inner else None
        except ValueError:
            return None
        return value.strip() if isinstance(value, str) and value.isprintable() else None
    text = re.sub(r"\s+#.*$", "", text).strip()  # a comment
    if text in ("~", "null", "Null", "NULL"):
        return ""
    if text[:1] in set("[]{}&*!|>%@`#,?") or text[:2] in ("- ", ": ") or ": " in text or text.endswith(":"):
        return None
    return text if text.isprintable() else None


_ASSIGNMENT: list[str] = []  # the batch's assignment's name, for the grading processes (forked, or on Dask)
# The folder the grading processes forked here unpack each entry in: removed by the batch once they are gone (a
# process killed at Ctrl-C cleans up nothing of its own, and would leave a student's files in the temporary folder)
_TEMP: list[str] = []


def _assignment():
    from . import assignments

    return assignments.get(_ASSIGNMENT[0] if _ASSIGNMENT else None)


def grader_version() -> str:
    """A digest of everything a verdict depends on besides the submission and the seed: the assignment, the
    grader's code (without other assignments' checks), its reference, its hidden tests and the settings."""
    from . import assignments

    assignment = _assignment()
    digest = hashlib.sha256(assignment.name.encode() + b"\0")
    paths = sorted([*assignments.grader_files(assignment), *assignment.solutions.rglob("*.py"), assignment.hidden,
                    ROOT / "setup.cfg", ROOT / "gradescope" / "loose_files.py"])  # (batch places loose files with it)
    for path in paths:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


SOURCE_BYTES = 2 * MAX_ARCHIVE_BYTES  # an entry's .py files and archives read for its digest, at most
SOURCE_DEPTH = 64  # folder levels; past these (or MAX_MEMBERS files), an entry has no digest


class _Unlisted(Exception):
    """The entry cannot be digested as it lies (too deep, too many files, changing as it is read)."""


def _source(path: Path) -> str | None:
    """A digest of the entry as it lies in SUBMISSIONS, taken before anything is unpacked: each folder,
    link (its target, never followed) and file by its path in the entry, a file by its size and the
    SHA-256 of its bytes. A rerun that finds the digest it stored keeps the entry's results without
    reading the entry again, so an archive that unpacks past the limits is unpacked once, not every run.

    Each record is a kind byte and length-prefixed path and fields (no two entries' records run
    together alike). Only .py files and archives, what the grader reads, are read here, up to
    SOURCE_BYTES in all (an archive over MAX_ARCHIVE_BYTES, refused for its size, is not): any other
    file is known by its size, modification and change times and inode, which an edit changes (the change time too
    where the modification time is set back: helper-81 edited a .py past the budget, kept the size, restored the
    mtime, and a rerun kept the old score). None where the entry
    cannot be listed so (deeper than SOURCE_DEPTH, more than MAX_MEMBERS items, a read error, a file
    changing as it is read): it is then read in full every run, as before."""
    digest = hashlib.sha256(b"autograder source 1\0")
    budget = [SOURCE_BYTES]
    fds: list[int] = []
    try:
        fds.append(os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY))  # (SUBMISSIONS itself: ours to trust)
        todo = [(fds[0], (), [path.name])]
        items = 0
        while todo:
            fd, rel, names = todo[-1]
            if not names:
                todo.pop()
                if fd != fds[0]:
                    os.close(fds.pop())
                continue
            name = names.pop(0)
            items += 1
            if items > MAX_MEMBERS:
                raise _Unlisted
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            sub = rel + (os.fsencode(name),) if fd != fds[0] else ()  # (the entry itself: the empty path)
            if stat.S_ISDIR(st.st_mode):
                if len(sub) > SOURCE_DEPTH:
                    raise _Unlisted
                _record(digest, b"d", sub)
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0), dir_fd=fd)
                fds.append(child)
                if (os.fstat(child).st_dev, os.fstat(child).st_ino) != (st.st_dev, st.st_ino):
                    raise _Unlisted  # (swapped as it was listed)
                todo.append((child, sub, sorted(os.listdir(child))))
            elif stat.S_ISLNK(st.st_mode):
                _record(digest, b"l", sub, os.fsencode(os.readlink(name, dir_fd=fd)))
            elif stat.S_ISREG(st.st_mode):
                read = name.lower().endswith((".py", *SUFFIXES)) and st.st_size <= min(MAX_ARCHIVE_BYTES, budget[0])
                if read:
                    budget[0] -= st.st_size
                    _record(digest, b"f", sub, st.st_size.to_bytes(8, "big") + _file_digest(fd, name, st))
                else:
                    _record(digest, b"m", sub, b"".join(n.to_bytes(8, "big") for n in
                                                         (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
            else:  # a fifo, socket or device: never opened
                _record(digest, b"o", sub, st.st_mode.to_bytes(8, "big"))
    except (OSError, ValueError, _Unlisted):
        return None
    finally:
        for fd in fds:
            os.close(fd)
    return digest.hexdigest()[:32]


def _record(digest, kind: bytes, rel: tuple[bytes, ...], fields: bytes = b"") -> None:
    path = b"/".join(rel)
    digest.update(kind + len(path).to_bytes(8, "big") + path + len(fields).to_bytes(8, "big") + fields)


def _file_digest(dirfd: int, name: str, st: os.stat_result) -> bytes:
    """The SHA-256 of file `name` in folder `dirfd`, opened without following a link, which must be the
    file listed (`st`) from its first byte to its last."""
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0), dir_fd=dirfd)
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "rb") as f:
        before = os.fstat(fd)
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
        after = os.fstat(fd)
    if size != st.st_size or {(x.st_dev, x.st_ino, x.st_size, x.st_mtime_ns) for x in (before, after)} != \
            {(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)}:
        raise _Unlisted
    return digest.digest()


def _content(folder: Path) -> str:
    """A digest of the prepared copy's files: what is graded, nothing else."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        name, data = os.fsencode(path.relative_to(folder)), path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name + hashlib.sha256(data).digest())  # (no two sets alike)
    return digest.hexdigest()[:32]


def _same(kept: dict | None, stamp: dict, key: str) -> bool:
    """`kept` (the stamp of the results already there) is for this grader and seed, the entry where it lies now (its
    results name it: the replay line, an error), and the same `key` ("source": the entry as it lies; "content": the
    copy that is graded). A class moved to another folder is graded again: results kept from the old one named it."""
    return (kept is not None and stamp.get(key) is not None and
            all(kept.get(k) == stamp[k] for k in ("grader", "seed", "path", key)))


def _grade_one(entry: Entry, seed: int | None, kept: dict | None, base: dict, limits=None) -> dict:
    """Grade `entry` in this process; its gradebook row (with the results file's text, unless `kept`, the
    stamp of the results already there, is this grading's). `base`: the grader's and the seed's digests.
    The row's stamp is what the state keeps of it: None where a rerun must try again (the grader failed,
    or the entry changed as it was read)."""
    from . import runner
    from .writers import WRITERS

    began = time.perf_counter()
    source = _source(entry.path)
    stamp = {**base, "path": _where(entry), "source": source}
    if _same(kept, stamp, "source"):  # unchanged since its results were written: not read, not unpacked
        return {"entry": entry.stem, "kept": True, "stamp": kept}
    if entry.refused:
        return _rejected(entry, entry.refused, began, {**stamp, "error": entry.refused} if source else None)
    with tempfile.TemporaryDirectory(prefix="autograder-batch-", dir=_TEMP[0] if _TEMP else None) as tmp:
        notes: list[str] = []
        try:
            path = placed(entry.path, Path(tmp) / "placed", notes, _assignment())
            root = prepare(path, Path(tmp) / "copy", notes, _assignment(), bounded=True)
            content = _content(root)
        except SubmissionError as exc:  # (kept for a rerun, but a refusal of the machine's load: tried again)
            return _rejected(entry, str(exc), began,
                             None if isinstance(exc, ArchiveTimedOut) else _after(entry, {**stamp, "error": str(exc)}))
        except Exception as exc:  # noqa: BLE001 - (RecursionError on folders nested past reason, ...) this entry only
            why = f"its files could not be read ({type(exc).__name__})"
            return _rejected(entry, why, began, _after(entry, {**stamp, "error": why}))
        stamp = _after(entry, {**stamp, "content": content}) or {**stamp, "source": None, "content": content}
        if _same(kept, stamp, "content") and kept.get("error") is None:  # (re-zipped, say: the same files)
            return {"entry": entry.stem, "kept": True, "stamp": stamp}
        try:
            report = runner.grade(root, seed=seed, submission=entry.name, notes=tuple(notes), jobs=1, limits=limits,
                                  source=_shared_source(), replay=_replay(entry, seed), assignment=_assignment())
        except Exception as exc:  # noqa: BLE001 - a grader bug costs this entry its grading, not the batch
            return _rejected(entry, f"the grader failed on this entry ({type(exc).__name__}: {exc})", began)
    # the results say the time the entry took here, intake too: a rerun that keeps them shows the same
    report = replace(report, execution_time=round(time.perf_counter() - began, 3))
    return {"entry": entry.stem, "stamp": stamp, "seconds": report.execution_time,
            "results": WRITERS["gradescope"](report), "error": None}


def _after(entry: Entry, stamp: dict) -> dict | None:
    """`stamp`, if the entry still lies as its source digest says now it has been read (else None: what
    was read may be neither the old files nor the new ones, and must not be kept under either)."""
    if stamp["source"] is None or _source(entry.path) != stamp["source"]:
        return None
    return stamp


def _replay(entry: Entry, seed: int | None) -> str:
    """The command that grades this entry alone, as the batch did (its own path, its seed if not official)."""
    from . import assignments
    from .replay import command
    from .sandbox.limits import official_seed

    return command(_real(entry.path), None if seed is None or seed == official_seed()[0] else seed,
                   None if _assignment() == assignments.get() else _assignment().name, anywhere=True)


_SOURCE: list = []


def _shared_source():
    """What every entry a grading process grades shares: the reference (official mode), the inputs (kept in
    memory: the same case objects for every entry) and so the expected values, computed once per process, and
    the replies decoded and judged (a reply of the same bytes to the same input is judged once per process)."""
    from . import examples, reference
    from .sandbox import pool

    if not _SOURCE:
        examples.IN_MEMORY = {}
        pool.KEPT = pool.Kept()  # (and so each input's reply of the same bytes is judged once: runner.JUDGED)
        _SOURCE.append(reference.source(_assignment()))
    return _SOURCE[0]


def _unshare() -> None:
    """This process as it was before `_shared_source` (which `_warm` calls here, in the batch's own process): a
    caller that goes on grading (one grade after a batch, in one Python process) builds and judges everything
    afresh, with nothing kept from the batch (a reply judged before would not run its check body, which a
    recording of the expected values needs: fixtures.build)."""
    from . import examples, runner
    from .sandbox import pool

    if _SOURCE:
        examples.IN_MEMORY, pool.KEPT = None, None
        runner.SCRIPTS.clear()
        runner.JUDGED.clear()
        _SOURCE.clear()


def _warm(seed: int | None, limits=None, prime: bool = False) -> None:
    """Build here, before the grading processes are forked, what each would build first (`runner.warm`), and, to
    `prime` them (the class has entries enough to grade), grade the reference as an entry, with `limits`: each
    grading process then starts as if it had graded it first, with the expected values of every input computed and
    the reference's replies judged (a correct entry's are mostly the same to the bit). Each grading process did that
    on its first entry: a twentieth of a class of forty's time. Only time rides on it: where it fails, each process
    builds what it needs itself, as it would have."""
    from . import runner

    try:
        source, assignment = _shared_source(), _assignment()
        runner.warm(source, seed, assignment)
        if prime and not source.local and assignment.solutions.is_dir():
            with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
                root = prepare(assignment.solutions, Path(tmp), assignment=assignment)  # (as an entry is copied)
                runner.grade(root, seed=seed, submission=assignment.package, jobs=1, limits=limits, source=source,
                             assignment=assignment)
    except Exception:  # noqa: BLE001 - (the grading processes meet the same failure, and say it on each entry)
        pass


PRIMED_FROM = 2  # entries to grade from which `_warm` grades the reference first (for fewer, it costs more than it saves)


def _current(kept: dict | None, base: dict, entry: Entry) -> bool:
    """Whether results kept from an earlier run are of this grader and seed, for the entry where it lies now (it is
    graded again only if it changed since: `_same`)."""
    return kept is not None and all(kept.get(k) == v for k, v in {**base, "path": _where(entry)}.items())


def _where(entry: Entry) -> str:
    """Where the entry lies, as its stamp keeps it (its results name it there: `_same`)."""
    return _real(entry.path)


def _rejected(entry: Entry, why: str, began: float, stamp: dict | None = None) -> dict:
    """The row of an entry that could not be graded: every test failed, saying why. `stamp`: what the state
    keeps of it, where a rerun may keep the refusal (the same files, refused again), else None."""
    from .reference import hidden_checks
    from .report import Outcome, Report, TestResult
    from .writers import WRITERS

    assignment = _assignment()
    results = tuple(TestResult(c.name, float(c.points), 0.0, Outcome.FAILED, f"submission rejected: {why}",
                               c.visibility) for c in assignment.checks() + hidden_checks(assignment))
    seconds = round(time.perf_counter() - began, 3)  # (in the results too: a rerun that keeps them shows it)
    report = Report(submission=entry.name, seed=-1, results=results, notes=(why,), secret_seed=True,
                    execution_time=seconds, assignment=assignment.name)
    return {"entry": entry.stem, "stamp": stamp, "seconds": seconds,
            "results": WRITERS["gradescope"](report), "error": why}


def _seed_digest(seed: int | None, salt: bytes) -> str:
    """What the state keeps of the seed, to know it again: scrypt with the output folder's random salt,
    never the seed or a plain digest of it (which a short seed, 42, is found from by trying them all:
    salted, no table of digests serves, and each guess costs 16 MiB and tens of milliseconds). Whoever
    reads the state file can still try guesses at that cost, so the official seed must be long and
    random, as it must be anyway (README, "Official and local mode")."""
    from .sandbox.limits import official_seed

    value = official_seed()[0] if seed is None else seed
    return hashlib.scrypt(f"autograder seed {value}".encode(), salt=salt, n=1 << 14, r=8, p=1, dklen=16).hex()


def run(source: Path, output: Path, jobs: int | None = None, seed: int | None = None, limits=None,
        progress=None, dask: str | None = None, assignment=None) -> dict:
    """Grade every entry of `source` into `output`; returns a summary. See the module docstring. `limits`:
    the sandbox's (default: setup.cfg's); `progress`: what is told of each entry finished (default: a bar
    on a terminal, lines otherwise); `dask`: a Dask scheduler's address ("local": a LocalCluster) to
    grade on instead of this machine's grading processes; `assignment`: the assignment (default: the course's)."""
    from .sandbox import server

    _ASSIGNMENT[:] = [assignment.name] if assignment is not None else []
    _SOURCE.clear()

    notes: list[str] = []
    found = entries(source, output, notes)
    public = public_seed()[0] if seed is None else ""
    if public:  # (in the report too: a gradebook of inputs anyone can draw says so)
        notes.append(public)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubmissionError(f"cannot make --output {output}: {exc.strerror or exc}") from None
    why = unwritable(output)
    if why is not None:
        raise SubmissionError(f"cannot write in --output {output}: {why}")
    for name in (STATE, "grades.csv", "report.html"):  # (helper-92: a folder there ended the batch, results lost)
        there = output / name
        if there.is_dir() and not there.is_symlink():
            raise SubmissionError(f"--output {output} holds a folder named {name}, where the batch writes that file: "
                                  "remove it, or give another --output")
    state = _load_state(output / STATE)
    ours, earlier = _assignment().name, state.get("assignment")
    if earlier is None and state["entries"]:  # (a folder an older grader wrote: its results say, helper-92)
        earlier = _graded_as(output, state["entries"])
    if earlier not in (None, ours) and state["entries"]:  # (helper-90: a rerun without --assignment replaced a
        raise SubmissionError(  # numpy-nn class's gradebook with rows saying "no mytorch/ directory found")
            f"--output {output} holds a batch of the {earlier} assignment, and this one grades {ours}: give another "
            f"--output, or --assignment {earlier} to go on with that batch")
    state["assignment"] = ours
    current = {entry.stem for entry in found}
    gone = [stem for stem in state["entries"] if stem not in current]
    folder = _real(found[0].path.parent)  # (where the entries lie: SUBMISSIONS, or the export's folder inside it)
    if gone and state["source"] not in (None, folder):  # (helper-130: a late student's folder graded into
        raise SubmissionError(  # the class's --output removed the results of all 14 others)
            f"--output {output} holds the results of {len(state['entries'])} entries of another folder, "
            f"{state['source']}, and {len(gone)} of them are not in {source}: give another --output (or grade that "
            "folder again, with these entries added to it)")
    state["source"] = folder
    taken = next((entry for entry in found if (output / f"{entry.stem}.json").is_dir()), None)
    if taken is not None:  # (helper-133: a folder there ended the batch when the entry's results were written)
        raise SubmissionError(f"--output {output} holds a folder named {taken.stem}.json, where the batch writes "
                              f"{taken.name}'s results: remove it, or give another --output")
    dropped = _drop_stale(state["entries"], current, output)
    if dropped:  # (helper-176: a folder removed by mistake took its student's row with it, unseen)
        notes.append(f"results removed of {len(dropped)} entr{'y' if len(dropped) == 1 else 'ies'} an earlier run "
                     f"graded and {source} no longer holds: {listed(dropped)}")
    base = {"grader": grader_version(), "seed": _seed_digest(seed, bytes.fromhex(state["salt"]))}  # (once: slow)
    reseeded = [stem for stem, kept in state["entries"].items() if stem in current and isinstance(kept, dict)
                and kept.get("seed") not in (None, base["seed"])]
    if reseeded:  # (helper-186: a rerun with another --seed, to replay one student, replaced the class's grades unseen)
        one = len(reseeded) == 1
        notes.append(f"{len(reseeded)} entr{'y' if one else 'ies'} in {output} {'was' if one else 'were'} graded with "
                     f"another seed: graded again with this one, {'its' if one else 'their'} results replaced (give "
                     "another --output to keep both)")
    jobs = max(1, min(jobs or (os.cpu_count() or 1) + (dask is None), len(found)))
    rows: dict[str, dict] = {}
    interrupted = False
    report = progress or _Progress(len(found))
    todo = list(found)
    _TEMP[:] = [] if dask is not None else [tempfile.mkdtemp(prefix="autograder-batch-")]
    suspects: list[Entry] = []  # entries being graded when a grading process died: each is graded alone next
    stalled = 0  # pools in a row that died before grading anything
    stopped_by: list[str] = []  # (the signal that stopped the batch, where one did)
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(_terminated_as_interrupt(stopped_by))
        stale = 0  # (entries whose results are not of this grader and seed: graded anew)
        for entry in found:  # unchanged since their results were written: kept here, first (helper-131: Ctrl-C in a
            kept = _kept(state, entry, output)  # rerun for late hand-ins left the class's kept rows "not graded yet")
            if not _current(kept, base, entry):
                stale += 1
            elif _same(kept, {**base, "path": _where(entry), "source": _source(entry.path)}, "source"):
                _finish(entry, {"entry": entry.stem, "kept": True, "stamp": kept}, state, output, rows, report)
                todo.remove(entry)
        if dask is None and todo:  # what every grading process (forked from here) shares: one fork server, and what each
            _warm(seed, limits, prime=stale >= PRIMED_FROM)  # entry's grading builds first (Ctrl-C there: the
            server.shared().wait_ready()  # gradebook of what finished, none)
        while todo or suspects:  # (a grading process that dies takes only its entry: the rest go to a new pool)
            if dask is not None:
                todo = _on_dask(dask, todo, jobs, seed, limits, state, base, output, rows, report)
                continue
            finished, narrowed = len(rows), False
            if suspects:  # alone, an entry whose grading kills its process is the one that does
                left, busy = _pool(suspects[:1], 1, seed, limits, state, base, output, rows, report)
                for entry in busy:
                    why = "its grading process died (a grader failure, not the submission's)"
                    _finish(entry, _rejected(entry, why, time.perf_counter()), state, output, rows, report)
                suspects = left + suspects[1:]
            else:
                todo, suspects = _pool(todo, jobs, seed, limits, state, base, output, rows, report)
                narrowed = bool(suspects)
            stalled = 0 if len(rows) > finished or narrowed else stalled + 1
            if stalled >= 3:  # (the processes die before grading anything: a grader failure, and no end to it)
                why = "not graded: the grader's processes kept dying (a grader failure, not the submission's)"
                for entry in todo + suspects:
                    _finish(entry, _rejected(entry, why, time.perf_counter()), state, output, rows, report)
                todo, suspects = [], []
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stack.close()
        report.close()
        for folder in _TEMP:
            server.remove_tree(Path(folder))
        _TEMP.clear()
        _unshare()
    unfinished = [entry.name for entry in found if entry.stem not in rows]  # (helper-168: the report named none)
    shown = list(notes) + ([f"interrupted ({stopped_by[0] if stopped_by else 'Ctrl-C'}): {len(rows)} of the {len(found)} "
                            f"entries finished, and only those are "
                            f"here (grades.csv has a row for each of the others, saying so; not finished: "
                            f"{', '.join(unfinished[:8])}{f' and {len(unfinished) - 8} more' if len(unfinished) > 8 else ''}"
                            f"); run the same command again to grade the rest"] if interrupted else [])
    _write_outputs(found, rows, output, source, seed, shown)  # (helper-110: a report of what an interrupted batch
    graded = [row for row in rows.values() if row.get("error") is None]  # finished read as the whole class's)
    return {"entries": len(found), "finished": len(rows), "graded": len(graded),
            "kept": sum(1 for row in rows.values() if row.get("kept")),
            "interrupted": (stopped_by[0] if stopped_by else "Ctrl-C") if interrupted else False,
            "not_gradable": [entry.name for entry in found if rows.get(entry.stem, {}).get("error") is not None],
            "notes": notes}


def _pool(todo: list[Entry], jobs: int, seed, limits, state: dict, base: dict, output: Path, rows: dict,
          report) -> tuple[list[Entry], list[Entry]]:
    """Grade `todo` in `jobs` processes until done (returns [], []) or until one dies: then returns what was not
    finished, as (entries no process was grading then, entries one was). Which of those killed its process is
    not known (another may have died between entries): `run` grades each alone next, and blames one only when it
    kills the process it is graded in alone."""
    context = multiprocessing.get_context("fork")
    started = context.Array("b", len(todo), lock=False)  # per entry: 1 while a process grades it, 2 once done
    died = None
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_process, initargs=(started,)) as pool:
        pending = {pool.submit(_grade_marked, i, entry, seed, _kept(state, entry, output), base, limits): entry
                   for i, entry in enumerate(todo)}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    entry = pending.pop(future)
                    try:
                        row = future.result()
                    except Exception as exc:  # noqa: BLE001 - a grader bug on one entry is that entry's row
                        if not isinstance(exc, BrokenProcessPool):
                            row = _rejected(entry, f"the grader failed on it ({type(exc).__name__})", time.perf_counter())
                            _finish(entry, row, state, output, rows, report)
                            continue
                        left = [entry, *pending.values()]
                        busy = [e for i, e in enumerate(todo) if started[i] == 1 and e in left]
                        died = [e for e in left if e not in busy], busy
                        pending = {}
                        break
                    _finish(entry, row, state, output, rows, report)
        except KeyboardInterrupt:  # what runs is stopped at once (its workers end with it), the rest never starts
            _kill_pool(pool)
            raise
    if died is None:
        return [], []
    _sweep()
    return died


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's grading processes and shut it down. One killed halfway through writing its result leaves a
    part of a message in the result pipe, and the pool's reader would wait for the rest forever (a Ctrl-C'd batch
    hung): this process holds the last copy of the pipe's writing end once they are gone, and closing it ends that
    read (the pool is then broken, which nothing reads)."""
    children = multiprocessing.active_children()
    for child in children:
        child.kill()
    for child in children:
        child.join()
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)  # (CPython's; absent, nothing to close)
    if writer is not None:
        writer.close()
    pool.shutdown(wait=True, cancel_futures=True)


def _sweep() -> None:
    """What the grading processes of a broken pool (the one that died, the others ended with it) left in the fork
    server's folder: their sandboxes' scratch folders and output files (no process grades now; their workers end
    as their channels close)."""
    from .sandbox import server

    for path in server.shared().home.glob("scratch-*"):
        if path.is_dir() and not path.is_symlink():
            server.remove_tree(path)
        else:
            path.unlink(missing_ok=True)


_STARTED: list = [None]  # (in a grading process) the pool's marks of which entries it has started and finished


def _start_process(started) -> None:
    _ignore_interrupts()
    _STARTED[0] = started


def _grade_marked(index: int, entry: Entry, seed, kept, base: dict, limits) -> dict:
    """`_grade_one` in a pool's grading process, marked started then done (`_pool`: who was being graded)."""
    _STARTED[0][index] = 1
    try:
        return _grade_one(entry, seed, kept, base, limits)
    finally:
        _STARTED[0][index] = 2


def _kept(state: dict, entry: Entry, output: Path) -> dict | None:
    """The stamp of the entry's results already in `output`, if they are there as this grader wrote them (helper-133:
    a results file edited by hand, a score of 250 or a list at its top, was kept as it was, or ended the batch)."""
    stamp = state["entries"].get(entry.stem)
    path = output / f"{entry.stem}.json"
    if not isinstance(stamp, dict) or not path.is_file() or path.is_symlink():
        return None
    try:
        text = path.read_bytes()
        results = json.loads(text)
    except (OSError, ValueError, RecursionError):
        return None
    if stamp.get("results") not in (None, hashlib.sha256(text).hexdigest()) or not _results_shape(results):
        return None
    return stamp


def _results_shape(results) -> bool:
    """Whether `results` has what the gradebook and report read of a results file: numbers and a list of tests."""
    number = (int, float)
    return (isinstance(results, dict) and type(results.get("score")) in number
            and type(results.get("max_score", 0.0)) in number and type(results.get("execution_time", 0.0)) in number
            and isinstance(results.get("tests", []), list)
            and all(isinstance(test, dict) and isinstance(test.get("name", ""), str)
                    and type(test.get("score", 0.0)) in number for test in results.get("tests", [])))


def _on_dask(address: str, todo: list[Entry], jobs: int, seed, limits, state: dict, base: dict, output: Path,
             rows: dict, report) -> list[Entry]:
    """Grade `todo` on a Dask cluster (`address` of its scheduler, or "local": a LocalCluster of `jobs`
    workers here). Each Dask worker grades with the same sandbox, its own fork server; it must see the
    entries at the same paths (a shared filesystem) and run one task at a time (`--nthreads 1`)."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError("--dask needs dask.distributed: pip install -e '.[cluster]'") from None
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        client = Client(cluster if cluster is not None else address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = {client.submit(_grade_on_worker, entry, seed, _kept(state, entry, output), base, limits,
                                 _assignment().name, pure=False): entry for entry in todo}
        try:
            for future in as_completed(futures):
                entry = futures[future]
                try:
                    row = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker lost: this entry's row says so, the rest go on
                    row = _rejected(entry, f"its grading on the cluster failed ({type(exc).__name__}: {exc})",
                                    time.perf_counter())
                _finish(entry, row, state, output, rows, report)
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return []


def _grade_on_worker(entry: Entry, seed, kept, base: dict, limits, assignment: str) -> dict:
    """`_grade_one` on a Dask worker: the grader loads there, with a fork server of its own."""
    from .sandbox import server

    if _ASSIGNMENT != [assignment]:
        _ASSIGNMENT[:] = [assignment]
        _SOURCE.clear()
    server.shared().wait_ready()
    return _grade_one(entry, seed, kept, base, limits)


def _ignore_interrupts() -> None:
    """Grading processes leave Ctrl-C and SIGTERM to the batch, which stops them (a terminal sends Ctrl-C to them all,
    `timeout` and a CI runner's cancel SIGTERM to the whole process group)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextlib.contextmanager
def _terminated_as_interrupt(stopped_by: list):
    """SIGTERM stops the batch as Ctrl-C does, leaving the gradebook and report of what finished (helper-149: `timeout`
    and a cancelled CI job send it, and left no grades.csv at all); its name goes in `stopped_by`. Only in the main
    thread, where Python runs signal handlers (a batch called from another thread keeps the default)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        if not stopped_by:
            stopped_by.append("SIGTERM")
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _finish(entry: Entry, row: dict, state: dict, output: Path, rows: dict, report) -> None:
    """Keep one entry's outcome: its results file, its state, its gradebook row."""
    path = output / f"{entry.stem}.json"
    if row.get("kept"):
        try:
            results = json.loads(path.read_text(encoding="utf-8"))  # (our own file, written by an earlier run)
            row = {**row, "seconds": float(results.get("execution_time", 0.0)), "error": row["stamp"].get("error")}
        except (OSError, ValueError):
            results = {}
            row = {**row, "kept": False, "stamp": None,
                   "error": "its kept results are unreadable: the next run grades it again"}
    else:
        text = row.pop("results")
        write_atomic(path, text)
        results = json.loads(text)
        if row.get("stamp") is not None:  # (what the next run checks before it keeps them: `_kept`)
            row["stamp"] = {**row["stamp"], "results": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    # (only a few numbers stay in memory: the report reads each entry's results file back at the end)
    row.update(score=results.get("score"), max_score=results.get("max_score", 0.0))
    rows[entry.stem] = row  # (before the state: an entry the state names is in the gradebook, Ctrl-C or not)
    # (a refusal's stamp holds its reason, for a rerun that keeps it; no stamp: tried again next time)
    state["entries"][entry.stem] = row["stamp"] if row.get("stamp") is not None else {"written": True}
    write_atomic(output / STATE, json.dumps(state, indent=1, sort_keys=True) + "\n")
    report.update(entry, row)


def _load_state(path: Path) -> dict:
    """The state file: {"salt": the seed digest's salt, random per output folder, "entries": {stem: stamp},
    "assignment": the assignment its entries were graded as (None in an older grader's file), "source": the folder
    they came from (None in an older grader's file)};
    a new salt where it has none. An older grader's file (stem -> stamp) gives its stems, whose stale
    results are removed, and stamps that match nothing (those entries are graded again)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # (a file of 200,000 "[": helper-92)
        state = {}
    state = state if isinstance(state, dict) else {}
    known = state.get("entries")
    if not isinstance(known, dict):
        known = {stem: stamp for stem, stamp in state.items() if isinstance(stamp, dict)}
    salt = state.get("salt")
    if not (isinstance(salt, str) and re.fullmatch(r"[0-9a-f]{32}", salt)):
        salt = secrets.token_hex(16)
    assignment, source = state.get("assignment"), state.get("source")
    entries = {stem: stamp for stem, stamp in known.items() if _stamp(stem, stamp)}
    if not isinstance(source, str):  # (an older grader's file: the folder most of its entries lay in, helper-131)
        folders = [os.path.dirname(stamp["path"]) for stamp in entries.values() if isinstance(stamp.get("path"), str)]
        source = max(set(folders), key=folders.count) if folders else None
    return {"salt": salt, "entries": entries, "assignment": assignment if isinstance(assignment, str) else None,
            "source": source}


def _graded_as(output: Path, stems) -> str | None:
    """The assignment the results of a few of `stems` in `output` were graded as (what a state file that names none
    leaves to them), or None."""
    for stem in list(stems)[:5]:
        try:
            path = output / f"{stem}.json"
            if path.stat().st_size > 4 << 20:
                continue
            extra = json.loads(path.read_text(encoding="utf-8")).get("extra_data")
        except (OSError, ValueError, RecursionError, AttributeError):
            continue
        if isinstance(extra, dict) and isinstance(extra.get("assignment"), str):
            return extra["assignment"]
    return None


def _stamp(stem, stamp) -> bool:
    """Whether a state file's entry is one this grader could have written: a stem `entries` makes (never a path:
    a tampered state naming "../victim/results" had its .json removed as stale, helper-92) and a stamp whose
    fields are text (an "error" of 12345 turned a graded row into "not gradable"). Others are dropped: their
    entries are graded again."""
    return (isinstance(stem, str) and STEM.fullmatch(stem) is not None and isinstance(stamp, dict)
            and all(isinstance(value, str) or value is None or isinstance(value, bool) and key == "written"
                    for key, value in stamp.items()))


STEM = re.compile(rf"(?!\.)[A-Za-z0-9._-]{{1,{STEM_MOST + 32}}}")  # (a name's safe part, then "-" digest and "-n")


def _drop_stale(state: dict, current: set[str], output: Path) -> list[str]:
    """Remove the results of entries an earlier run graded that are no longer there (a student removed,
    names that changed), so that `output` holds this class's results only; their names."""
    gone = [stem for stem in state if stem not in current]
    for stem in gone:
        (output / f"{stem}.json").unlink(missing_ok=True)
        del state[stem]
    return gone


def _file_name(entry: Entry) -> str:
    """The name of the entry's folder or archive in SUBMISSIONS, as it is shown (a name that is not UTF-8 too)."""
    return os.fsencode(entry.path.name).decode("utf-8", "replace")


PENDING = "not graded yet: the batch was interrupted before this entry; run the same command again"


def _write_outputs(found: list[Entry], rows: dict, output: Path, source: Path, seed: int | None,
                   notes: list[str] = ()) -> None:
    """grades.csv, a row per entry in entry order (one the batch did not get to, interrupted, says so: PENDING), and
    report.html of the entries that finished; `notes`: what staff should know about the folder, said under the
    report's title."""
    table, book = [], []
    for entry in found:
        row = rows.get(entry.stem)
        who = {"name": entry.name, "sid": entry.sid, "email": entry.email, "entry": entry.stem, "file": _file_name(entry)}
        if row is None:  # (interrupted before it: a row in the gradebook all the same, helper-130's had shrunk)
            book.append({**who, "score": None, "max_score": None, "seconds": None, "error": PENDING, "tests": []})
            continue
        try:
            tests = json.loads((output / f"{entry.stem}.json").read_text(encoding="utf-8")).get("tests", [])
        except (OSError, ValueError):
            tests = []
        table.append({**who, "score": None if row.get("error") else row["score"], "max_score": row["max_score"],
                      "seconds": row.get("seconds", 0.0), "error": row.get("error"),
                      "tests": [_brief(test) for test in tests]})
        book.append(table[-1])
    write_atomic(output / "grades.csv", _gradebook(book))
    try:
        from .batch_report import render
    except ImportError:  # (the report module ships with the grader; never fatal to the gradebook)
        return
    when = time.strftime("%Y-%m-%d %H:%M %z")  # (the machine's time zone, said: +0000)
    seed_shown = f"seed {seed}" if seed is not None else public_seed()[1] or "the official seed"
    # (an interrupted batch's report holds the entries that finished: its title says of how many, helper-119)
    count = f"{len(table)}" if len(table) == len(found) else f"{len(table)} of the {len(found)}"
    count += " submission" if len(found) == 1 else " submissions"
    write_atomic(output / "report.html", render(table, title=f"{source.name}: {count} of "
                                                             f"{_assignment().name}, graded {when} with {seed_shown}",
                                                notes=notes))


def _brief(test: dict) -> dict:
    """A test as the gradebook and report use it: its output cut to what the report reads (the first line,
    the hints), so a class of a thousand entries fits in memory."""
    lines = str(test.get("output", "")).splitlines()
    kept = lines[:1] + [line for line in lines[1:] if line.lstrip().startswith("hint:") and line == line.lstrip()]
    return {**test, "output": "\n".join(line[:500] for line in kept)}


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: names and reasons come from students (a folder named
    `=HYPERLINK(...)`), and a cell starting with = + - @ (or a tab; after spaces too, which some readers trim,
    helper-140) is a formula to Excel and LibreOffice; such a cell gets a leading apostrophe, which they show as
    text. A carriage return becomes a newline: the writer quotes a cell holding one, not one holding a lone return,
    which readers take for the end of a row (helper-81: a file name "z\r=2+5\rAlice Smith\r.py" in a refusal made
    rows of their own, a formula one)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text[:1] == "\t" or text.lstrip(" \n")[:1] in ("=", "+", "-", "@") else text


def _gradebook(table: list[dict]) -> str:
    tests = []
    for row in table:
        for test in row["tests"]:
            if test["name"] not in tests:
                tests.append(test["name"])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "sid", "email", "entry", "file", "score", "max_score", "seconds", "error",
                     *map(_cell, tests)])
    for row in table:
        # (an entry that could not be graded earned no 0s: its test columns are empty, as its score is)
        points = {} if row["score"] is None else {test["name"]: test["score"] for test in row["tests"]}
        writer.writerow([*map(_cell, (row["name"], row["sid"], row["email"], row["entry"], row["file"])),
                         "" if row["score"] is None else row["score"], row["max_score"],
                         row["seconds"], _cell(row["error"] or ""), *[points.get(name, "") for name in tests]])
    return buf.getvalue()


def counts(graded: int, not_gradable: int, kept: int) -> str:
    """The end of a batch in a few words, the same on the progress bar and in the last lines."""
    return f"{graded} graded, {not_gradable} not gradable; {kept} kept from an earlier run"


class _Progress:
    """A progress bar on a terminal (tqdm), plain lines otherwise. The bar ends on the counts (its last
    entry's result would read as the batch's); the lines name each entry and its result, so those that
    could not be graded too (the command's last lines name them again)."""

    def __init__(self, total: int):
        self.total, self.count = total, 0
        self.graded = self.bad = self.kept = 0
        self.bar = None
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="submission", file=sys.stderr)
            except ImportError:
                pass

    def update(self, entry: Entry, row: dict) -> None:
        self.count += 1
        self.kept += bool(row.get("kept"))
        if row.get("error") is None:
            self.graded += 1
            what = f"{row.get('score') or 0:g}/{row.get('max_score') or 0:g}" + (" (kept)" if row.get("kept") else "")
        else:
            self.bad += 1
            what = f"not graded{' (kept)' if row.get('kept') else ''}: {row['error']}"
        file = _file_name(entry)
        shown = entry.name if file == entry.name else f"{entry.name} ({file})"  # (helper-130:
        name, what = printable(shown), printable(what)  # bob.zip and bob/ both read "bob"; a student's name: its
        # escape codes must not act)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{name[:30]}: {what[:40]}", refresh=False)
            self.bar.update(1)
        else:
            print(f"[{self.count}/{self.total}] {name}: {what}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(counts(self.graded, self.bad, self.kept), refresh=True)
            self.bar.close()
