"""Gradescope keeps a submission as the student uploaded it. Most upload mytorch/ (or a .zip/.tar.gz of
it), which the grader reads as it is; some drag in the files alone (linear.py, activation.py, ... at the
top of the submission, or nn/, optim/ and models/ without mytorch/'s __init__.py). For those, this puts
each file where mytorch/ has it, with the skeleton's __init__.py files, and prints the folder to grade.
The same for the zip's assignment when it is another (setup.cfg's [autograder] assignment): the files of
its package (dense.py, ...) go where its package has them.

    python loose_files.py SUBMISSION DEST

Prints nothing (grade SUBMISSION as it is) when the submission holds mytorch/ or its contents, or no
file of the assignment by its name. Standard library only (with the registry of assignments beside it,
itself standard library only); run by run_autograder before the grader.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKELETON = HERE / "solutions" / "mytorch"  # only its __init__.py files are used (no solution code in them)
PACKAGE, MARK = "mytorch", "nn"  # the student package, and a name only its own contents have
LAYOUT = ("nn/linear.py", "nn/activation.py", "nn/loss.py", "nn/batchnorm.py", "optim/sgd.py", "models/mlp.py")
LIMIT = (1 << 20) + 1  # the grader refuses a file over 1 MiB: a copy of that much is enough for it to say so


def _file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _inside(path: Path, submission: Path) -> bool:
    """`path` is a regular file reached from `submission` through no symbolic link at all (a link to
    solutions/ or to another student's files must never be read as this student's)."""
    try:
        rel = path.relative_to(submission)
    except ValueError:
        return False
    here = submission
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            return False
    return _file(path)


def found(submission: Path) -> dict[str, Path]:
    """The assignment's files (by their place in mytorch/) when they were uploaded without mytorch/."""
    if not _dir(submission):
        return {}
    subdirs = [p for p in submission.iterdir()
               if _dir(p) and not p.name.startswith(".") and p.name not in ("__MACOSX", "__pycache__")]
    for base in [submission] + (subdirs if len(subdirs) == 1 else []):
        if _dir(base / PACKAGE) or (_file(base / "__init__.py") and (base / MARK).exists()):
            return {}  # a shape the grader reads itself
    chosen = pick(lambda parts: _inside(submission.joinpath(*parts), submission),
                  [tuple(place.split("/")) for place in LAYOUT], [p.name for p in subdirs])
    return {"/".join(place): submission.joinpath(*where) for place, where in chosen.items()}


def pick(has, places, tops) -> dict[tuple, tuple]:
    """Where each of the package's files lies in a hand-in without the package folder: {place: where}, both as
    tuples of names. `has(where)`: a file of the hand-in lies there; `tops`: its top folders (hidden ones and
    caches left out). A file is taken at its place or by its name alone, at the top or in the one top folder;
    the base that holds the most wins (six files in one folder named nn/ had four taken at the top, as
    nn/linear.py..., helper-133). Shared with the grader's reading of archives (submission._Layout.loose)."""
    best = {}
    for base in [()] + ([(top,) for top in tops] if len(tops) == 1 else []):
        chosen = {}
        for place in places:
            for where in (base + place, base + place[-1:]):
                if has(where):
                    chosen[place] = where
                    break
        if len(chosen) > len(best):
            best = chosen
    return best


def assemble(files: dict[str, Path], dest: Path) -> Path:
    """dest/mytorch/ (the package) holding `files` at their places and the skeleton's __init__.py files;
    returns dest."""
    mytorch = dest / PACKAGE
    for init in sorted(SKELETON.rglob("__init__.py")):
        if "__pycache__" not in init.parts:
            target = mytorch / init.relative_to(SKELETON)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(init, target)
    for place, path in files.items():
        target = mytorch / place
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # (checked link-free above; and never the last part)
        with os.fdopen(fd, "rb") as f:
            target.write_bytes(f.read(LIMIT))
    return dest


def configure(assignment) -> None:
    """Take another assignment's package, skeleton and files (from its registry entry) instead of mytorch's."""
    global SKELETON, PACKAGE, MARK, LAYOUT
    SKELETON, PACKAGE, MARK = assignment.solutions, assignment.package, assignment.mark
    LAYOUT = tuple(p.relative_to(SKELETON).as_posix() for p in sorted(SKELETON.rglob("*.py"))
                   if p.name != "__init__.py" and "__pycache__" not in p.parts)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python loose_files.py SUBMISSION DEST", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    from autograder import assignments  # (standard library only)

    assignment = assignments.get()
    if assignment.name != "mytorch":
        configure(assignment)
    files = found(Path(argv[0]))
    if files:
        print(assemble(files, Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
