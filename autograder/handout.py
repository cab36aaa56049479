"""`make handout`: build dist/handout/ and dist/handout.tar.gz, everything a student gets.

The handout holds the skeleton (mytorch/, which must be in sync with solutions/),
the grader in local mode (autograder/ without the instructor tools), fixtures
recorded from the reference (fixtures/: public inputs and expected values, no
code), the course's [autograder] settings (setup.cfg: limits and allowed imports),
and the sources in handout/ (the writeup, the student Makefile, the requirements
and a GitHub Actions workflow). It never holds solutions/ or the
hidden tests; tests/test_handout.py checks that on every build.
"""
from __future__ import annotations

import configparser
import shutil
import sys
import tarfile
from pathlib import Path

from . import assignments, fixtures, skeleton
from .sandbox.limits import _read as read_settings
from .replay import FIXTURE_SEED
from .sandbox.limits import SEED

ROOT = Path(__file__).resolve().parents[1]
# grader modules students have no use for
INSTRUCTOR_ONLY = {"handout.py", "skeleton.py", "package.py", "batch.py", "batch_report.py"}
OFFICIAL_ONLY = {"official.py"}  # official grading's own (the Gradescope autograder has it): never in a handout


def build(dist: Path = ROOT / "dist", assignment: assignments.Assignment | None = None) -> Path:
    """Write dist/handout/ and dist/handout.tar.gz (another assignment than mytorch: dist/handout-NAME/ and
    its .tar.gz); returns the archive's path."""
    assignment = assignment or assignments.get()
    mytorch = assignment.name == "mytorch"
    name = "handout" if mytorch else f"handout-{assignment.name}"
    out = dist / name
    shutil.rmtree(out, ignore_errors=True)
    if mytorch:  # its skeleton is committed at the top of the repository: it must be the reference's
        stale = skeleton.check(assignment.solutions, assignment.skeleton)
        if stale:
            raise SystemExit(f"mytorch/ is out of date with solutions/ ({', '.join(stale)}): run `make skeleton`")
        _copy_py(assignment.skeleton, out / assignment.package)
    else:
        skeleton.write(assignment.solutions, out / assignment.package)
    for path in assignments.grader_files(assignment):
        if path.name not in INSTRUCTOR_ONLY | OFFICIAL_ONLY:
            _copy(path, out / path.relative_to(ROOT))
    fixtures.build(out / "fixtures", seed=FIXTURE_SEED, assignment=assignment)
    for given in assignment.given:  # the course's copy, which local grading uses whatever the student's holds
        target = out / "fixtures" / "given" / given
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assignment.solutions / given, target)
    shutil.copytree(ROOT / "handout", out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("assignments", "README.md"))
    shutil.copyfile(assignment.writeup, out / "README.md")
    if not mytorch:
        _name_package(out, assignment)
    _settings(ROOT / "setup.cfg", out / "setup.cfg", assignment)
    archive = dist / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=str(Path(name) / path.relative_to(out)), recursive=False)
    return archive


def _name_package(out: Path, assignment: assignments.Assignment) -> None:
    """The student Makefile and workflow name the assignment's package, not mytorch/."""
    for path in (out / "Makefile", out / ".github" / "workflows" / "grade.yml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("PACKAGE ?= mytorch", f"PACKAGE ?= {assignment.package}")
        text = text.replace("mytorch autograder", f"{assignment.name} autograder")
        text = text.replace("Grades mytorch/", f"Grades {assignment.package}/")
        path.write_text(text, encoding="utf-8")


def _settings(source: Path, dest: Path, assignment: assignments.Assignment) -> None:
    """The course's [autograder] section (limits, allowed imports), so local grading uses the same, and the
    handout's assignment, which its grader then grades by default."""
    parser = read_settings(source)  # a broken setup.cfg is the same one-line ConfigError as when grading
    kept = configparser.ConfigParser()
    kept["autograder"] = {}
    if parser.has_section("autograder"):
        kept["autograder"] = {k: v for k, v in parser["autograder"].items() if k != SEED}  # the secret stays
    kept["autograder"]["assignment"] = assignment.name
    with open(dest, "w", encoding="utf-8") as f:
        f.write("# The course's grading settings: the same limits and allowed imports as official grading.\n")
        kept.write(f)


def _copy(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)


def _copy_py(src: Path, dest: Path) -> None:
    for path in sorted(src.rglob("*.py")):
        if "__pycache__" not in path.relative_to(src).parts[:-1]:
            _copy(path, dest / path.relative_to(src))


def main() -> int:
    archive = build(assignment=assignments.get(sys.argv[1] if len(sys.argv) > 1 else None))
    print(f"wrote {archive.parent / 'handout'}/ and {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
