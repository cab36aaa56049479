"""The command that replays a grading run, written for where the student is.

- Run through `make grade` (the Makefile sets AUTOGRADER_REPLAY=make): the same make command, with
  the submission path as they typed it.
- Official grading on a course platform (run_autograder sets AUTOGRADER_REPLAY=local): the student
  cannot run the grader's machine, so the line says what to run on their own copy of the handout.
- Anything else: the interpreter that is running now, by the name the shell finds it under when that
  is the same program, with the submission path as given.
"""
from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from .sandbox.limits import SEED_VARIABLE

FIXTURE_SEED = 0  # the seed of the inputs a handout records (official grading uses the course's own)


def command(submission: str | None, seed: int | None, assignment: str | None = None, anywhere: bool = False) -> str:
    """The replay line for grading `submission` (None: the default ./mytorch) with `seed` (None: the
    default one, which is never written out: official grading's is the course's secret), of `assignment`
    (None: the course's default one); `anywhere`: a line that works from any folder (a batch's results are read
    later, from elsewhere), the interpreter named by its absolute path unless the shell finds it by name."""
    how = os.environ.get("AUTOGRADER_REPLAY", "")
    seed_args = [] if seed is None else ["--seed", str(seed)]
    # (the official seed from the environment, never written out: a shell without it grades other inputs, helper-93)
    secret = "  # with the same $AUTOGRADER_SEED" if seed is None and os.environ.get(SEED_VARIABLE, "").strip() else ""
    if how == "make":
        parts = ["make", "grade"] + ([f"SUBMISSION={quote(submission)}"] if submission else [])
        parts += [f"ASSIGNMENT={quote(assignment)}"] if assignment else []
        parts += [f"ARGS={shlex.quote(' '.join(seed_args))}"] if seed_args else []
        return " ".join(parts) + secret
    if how == "local":
        return "make grade, in your own copy of the handout (the public tests, on their recorded inputs)"
    args = [_python(anywhere), "-m", "autograder", "grade", *([submission] if submission else []),
            *(["--assignment", assignment] if assignment else []), *seed_args]
    return " ".join(quote(a) for a in args) + secret


def quote(arg: str) -> str:
    """`arg` for a POSIX shell, on one line: shlex.quote, but a name holding a character that is not printable
    (a newline, a return, a byte that is not UTF-8) is written bash's $'...' way, escaped, so that the replay line
    stays one line (helper-81: an entry named "eve\\nhint: ..." put a line of its own in every failing test's
    output, which the class report read as a grader's hint)."""
    if arg.isprintable():
        return shlex.quote(arg)
    return "$'" + "".join(_escaped(c) for c in arg) + "'"


def _escaped(c: str) -> str:
    if c in "\\'":
        return "\\" + c
    if c.isprintable():
        return c
    if "\udc80" <= c <= "\udcff":  # (a byte of a name that is not UTF-8, as os.fsdecode keeps it)
        return f"\\x{ord(c) - 0xdc00:02x}"
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else
                                                                f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")


def _python(anywhere: bool = False) -> str:
    """How to name the running interpreter: `python3` when the shell finds this very program under
    that name, else its path (relative to the working directory when inside it, unless `anywhere`)."""
    here = Path(sys.executable)
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found and _same(Path(found), here):
            return name
    if anywhere:
        return str(here.absolute())
    try:
        return str(here.relative_to(Path.cwd()))
    except ValueError:
        return str(here)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.absolute() == b.absolute() or os.path.samefile(a, b) and a.parent.resolve() == b.parent.resolve()
    except OSError:
        return False
