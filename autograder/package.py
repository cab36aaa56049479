"""`make gradescope`: build dist/gradescope/autograder.zip, the course's Gradescope autograder
(`make gradescope ASSIGNMENT=nnfs`: dist/gradescope-nnfs/autograder.zip, another assignment's).

Gradescope unzips it into /autograder/source, runs setup.sh once when it builds the image, then
run_autograder for each submission (see docs/gradescope-and-ci.md). The zip holds those two scripts
(from gradescope/, executable), loose_files.py (the grader's helper for loose files), the grader (autograder/
without the instructor tools), the reference solutions/ WITH solutions/hidden_checks.py, and the
course's setup.cfg WITH its [autograder] official_seed, plus pyproject.toml so that setup.sh can
`pip install` the grader and the dependencies setup.cfg declares. Official grading needs the secret
seed and the hidden tests, so they travel in this zip, never in the handout: keep the zip private.

The zip is reproducible: sorted entries, fixed timestamps, Unix permissions (0755 for the scripts).
"""
from __future__ import annotations

import os
import re
import sys
import zipfile
from pathlib import Path

from . import assignments
from .official import SHIPPED_SEED
from .sandbox.limits import SEED, SEED_VARIABLE, ConfigError, _read as read_settings, official_seed

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("setup.sh", "run_autograder")  # Gradescope runs these: executable after unzip
HELPERS = ("loose_files.py",)
STAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: the same sources make the same zip

README = """\
# {name} autograder for Gradescope (built by `make gradescope`)

PRIVATE: this zip holds the course's secret grading seed (setup.cfg, [autograder] official_seed) and
the hidden tests ({hidden}), and the reference solution. Never share it with
students. Upload it as a Gradescope programming assignment's autograder (Ubuntu 22.04 or newer).

- setup.sh: run once at build time; installs Python if needed, a venv at /autograder/venv, the grader
  (pip install -e of this folder, with the dependencies setup.cfg declares), then grades the reference
  as a self-check.
- run_autograder: run for each submission; grades /autograder/submission into
  /autograder/results/results.json, always leaving a valid results.json.

See docs/gradescope-and-ci.md in the course repository.
"""


def files(root: Path = ROOT, assignment: assignments.Assignment | None = None) -> dict[str, Path | bytes]:
    """The zip's entries: name -> the file to copy, or the bytes to write. Only `assignment`'s reference
    and hidden tests, and none of the other assignments' checks."""
    assignment = assignment or assignments.get()
    entries: dict[str, Path | bytes] = {name: root / "gradescope" / name for name in SCRIPTS + HELPERS}
    from .handout import INSTRUCTOR_ONLY  # grader modules that grading never imports (this one among them)

    for path in assignments.grader_files(assignment, root):
        if path.name not in INSTRUCTOR_ONLY:
            entries[path.relative_to(root).as_posix()] = path
    reference = root / assignment.solutions.relative_to(ROOT)
    for path in sorted(reference.rglob("*.py")):
        if "__pycache__" not in path.parts:
            entries[path.relative_to(root).as_posix()] = path
    hidden = root / assignment.hidden.relative_to(ROOT)
    if not hidden.is_file():
        raise SystemExit(f"{hidden.relative_to(root)} is missing: official grading runs the hidden tests")
    entries[hidden.relative_to(root).as_posix()] = hidden
    entries["setup.cfg"] = settings(root / "setup.cfg", assignment)
    entries["pyproject.toml"] = root / "pyproject.toml"
    entries["README.md"] = README.format(name=assignment.name, hidden=hidden.relative_to(root).as_posix()).encode()
    return entries


def settings(path: Path, assignment: assignments.Assignment | None = None) -> bytes:
    """The course's setup.cfg as it is (the official seed included: Gradescope grades with it), naming the
    zip's assignment. When $AUTOGRADER_SEED is set, as it overrides official_seed when grading, it is the
    seed written."""
    read_settings(path)  # a broken setup.cfg is the same one-line ConfigError as when grading
    text = path.read_text(encoding="utf-8")
    if assignment is not None:
        text = _setting(text, "assignment", assignment.name)
    official_seed(path)  # (the grader's own check of the seed, $AUTOGRADER_SEED's or setup.cfg's: a zip that could
    seed = os.environ.get(SEED_VARIABLE, "").strip()  # not grade anything must not be built, helper-131)
    if seed:
        text = _setting(text, SEED, seed)
    return text.encode("utf-8")


def _setting(text: str, key: str, value: str) -> str:
    """`text` (a setup.cfg) with [autograder] `key` set to `value`, all else as it was."""
    line = f"{key} = {value}"
    text, found = re.subn(rf"^{key}\s*[=:].*$", line, text, count=1, flags=re.M)
    if not found:
        text, found = re.subn(r"^\[autograder\][ \t]*$", f"[autograder]\n{line}", text, count=1, flags=re.M)
    if not found:
        text = text.rstrip("\n") + f"\n\n[autograder]\n{line}\n"
    return text


def build(dist: Path = ROOT / "dist", root: Path = ROOT, assignment: assignments.Assignment | None = None) -> Path:
    """Write dist/gradescope/autograder.zip (another assignment's: dist/gradescope-NAME/); returns its path."""
    assignment = assignment or assignments.get()
    out = dist / ("gradescope" if assignment.name == "mytorch" else f"gradescope-{assignment.name}") / "autograder.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    contents = sorted(files(root, assignment).items())  # (first: a bad setting leaves no part of a zip behind)
    partial = out.with_suffix(".zip.part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in contents:
                info = zipfile.ZipInfo(name, STAMP)
                info.create_system = 3  # Unix: unzip then applies the permissions below
                info.external_attr = (0o100755 if name in SCRIPTS else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, content if isinstance(content, bytes) else content.read_bytes())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograder.package",
                                     description="Build dist/gradescope[-NAME]/autograder.zip for Gradescope.")
    parser.add_argument("assignment", nargs="?", help="the assignment (default: setup.cfg's, else mytorch)")
    args = parser.parse_args(argv)
    from .cli import require

    try:
        require("numpy", "hypothesis")  # (the zip is checked by grading the reference: a one-line error without them)
        out = build(assignment=assignments.get(args.assignment))
    except (assignments.UnknownAssignment, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with zipfile.ZipFile(out) as zf:
        count = len(zf.namelist())
        config = zf.read("setup.cfg").decode()
    print(f"wrote {out} ({count} files). It holds the official seed (the course's secret, once set), the hidden "
          "tests and the reference: keep it private.")
    seed = re.search(rf"^{SEED}\s*[=:]\s*(\d+)", config, re.M)
    if not seed:
        print(f"warning: setup.cfg sets no {SEED}: Gradescope would grade with the public seed 1", file=sys.stderr)
    elif seed.group(1) == SHIPPED_SEED:
        print(f"warning: {SEED} is still the one this project's setup.cfg comes with, public in its repository: set "
              "a secret of your own before grading for real (see setup.cfg)", file=sys.stderr)
    elif int(seed.group(1)) < SHORT_SEED:  # (helper-130: 42 went by unsaid; the seed itself is never shown)
        print(f"warning: the official seed is short ({len(str(int(seed.group(1))))} digits): the handout ships the "
              "code that makes inputs from a seed, so "
              "a submission that prints its inputs can find it by trying every value (a six-digit one took 13 s); use "
              "a long random one: python -c \"import secrets; print(secrets.randbits(64))\"", file=sys.stderr)
    return 0


SHORT_SEED = 10 ** 12  # (below it, trying every seed takes days at most; 64 random bits is ~1.8e19)


if __name__ == "__main__":
    sys.exit(main())
