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

from . import fixtures, skeleton
from .sandbox.limits import _read as read_settings
from .replay import FIXTURE_SEED
from .sandbox.limits import SEED

ROOT = Path(__file__).resolve().parents[1]
# grader modules students have no use for
INSTRUCTOR_ONLY = {"handout.py", "skeleton.py", "package.py", "batch.py", "batch_report.py"}


def build(dist: Path = ROOT / "dist") -> Path:
    """Write dist/handout/ and dist/handout.tar.gz; returns the archive's path."""
    stale = skeleton.check(ROOT / "solutions" / "mytorch", ROOT / "mytorch")
    if stale:
        raise SystemExit(f"mytorch/ is out of date with solutions/ ({', '.join(stale)}): run `make skeleton`")
    out = dist / "handout"
    shutil.rmtree(out, ignore_errors=True)
    _copy_py(ROOT / "mytorch", out / "mytorch")
    _copy_py(ROOT / "autograder", out / "autograder", skip=INSTRUCTOR_ONLY)
    fixtures.build(out / "fixtures", seed=FIXTURE_SEED)
    shutil.copytree(ROOT / "handout", out, dirs_exist_ok=True)
    _settings(ROOT / "setup.cfg", out / "setup.cfg")
    archive = dist / "handout.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=str(Path("handout") / path.relative_to(out)), recursive=False)
    return archive


def _settings(source: Path, dest: Path) -> None:
    """The course's [autograder] section (limits, allowed imports), so local grading uses the same."""
    parser = read_settings(source)  # a broken setup.cfg is the same one-line ConfigError as when grading
    kept = configparser.ConfigParser()
    if parser.has_section("autograder"):
        kept["autograder"] = {k: v for k, v in parser["autograder"].items() if k != SEED}  # the secret stays
    with open(dest, "w", encoding="utf-8") as f:
        f.write("# The course's grading settings: the same limits and allowed imports as official grading.\n")
        kept.write(f)


def _copy_py(src: Path, dest: Path, skip: set[str] = frozenset()) -> None:
    for path in sorted(src.rglob("*.py")):
        if "__pycache__" in path.parts or path.name in skip:
            continue
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def main() -> int:
    archive = build()
    print(f"wrote {archive.parent / 'handout'}/ and {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
