"""`make gradescope`: build dist/gradescope/autograder.zip, the course's Gradescope autograder.

Gradescope unzips it into /autograder/source, runs setup.sh once when it builds the image, then
run_autograder for each submission (see docs/gradescope-and-ci.md). The zip holds those two scripts
(from gradescope/, executable), loose_files.py (run_autograder's helper), the grader (autograder/
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

from .handout import INSTRUCTOR_ONLY
from .sandbox.limits import SEED, SEED_VARIABLE, _read as read_settings

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("setup.sh", "run_autograder")  # Gradescope runs these: executable after unzip
HELPERS = ("loose_files.py",)
BUILD_TOOLS = INSTRUCTOR_ONLY  # grader modules that grading never imports (this one among them)
STAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: the same sources make the same zip

README = """\
# mytorch autograder for Gradescope (built by `make gradescope`)

PRIVATE: this zip holds the course's secret grading seed (setup.cfg, [autograder] official_seed) and
the hidden tests (solutions/hidden_checks.py), and the reference solution. Never share it with
students. Upload it as a Gradescope programming assignment's autograder (Ubuntu 22.04 or newer).

- setup.sh: run once at build time; installs Python if needed, a venv at /autograder/venv, the grader
  (pip install -e of this folder, with the dependencies setup.cfg declares), then grades the reference
  as a self-check.
- run_autograder: run for each submission; grades /autograder/submission into
  /autograder/results/results.json, always leaving a valid results.json.

See docs/gradescope-and-ci.md in the course repository.
"""


def files(root: Path = ROOT) -> dict[str, Path | bytes]:
    """The zip's entries: name -> the file to copy, or the bytes to write."""
    entries: dict[str, Path | bytes] = {name: root / "gradescope" / name for name in SCRIPTS + HELPERS}
    for folder, skip in (("autograder", BUILD_TOOLS), ("solutions", frozenset())):
        for path in sorted((root / folder).rglob("*.py")):
            if "__pycache__" not in path.parts and path.name not in skip:
                entries[path.relative_to(root).as_posix()] = path
    if not (root / "solutions" / "hidden_checks.py").is_file():
        raise SystemExit("solutions/hidden_checks.py is missing: official grading runs the hidden tests")
    entries["setup.cfg"] = settings(root / "setup.cfg")
    entries["pyproject.toml"] = root / "pyproject.toml"
    entries["README.md"] = README.encode()
    return entries


def settings(path: Path) -> bytes:
    """The course's setup.cfg as it is (the official seed included: Gradescope grades with it). When
    $AUTOGRADER_SEED is set, as it overrides official_seed when grading, it is the seed written."""
    read_settings(path)  # a broken setup.cfg is the same one-line ConfigError as when grading
    text = path.read_text(encoding="utf-8")
    seed = os.environ.get(SEED_VARIABLE, "").strip()
    if seed:
        if not seed.isdigit():
            raise SystemExit(f"${SEED_VARIABLE} must be a whole number >= 0, got {seed!r}")
        line = f"{SEED} = {seed}"
        text, found = re.subn(rf"^{SEED}\s*[=:].*$", line, text, count=1, flags=re.M)
        if not found:
            text, found = re.subn(r"^\[autograder\][ \t]*$", f"[autograder]\n{line}", text, count=1, flags=re.M)
        if not found:
            text = text.rstrip("\n") + f"\n\n[autograder]\n{line}\n"
    return text.encode("utf-8")


def build(dist: Path = ROOT / "dist", root: Path = ROOT) -> Path:
    """Write dist/gradescope/autograder.zip; returns its path."""
    out = dist / "gradescope" / "autograder.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in sorted(files(root).items()):
            info = zipfile.ZipInfo(name, STAMP)
            info.create_system = 3  # Unix: unzip then applies the permissions below
            info.external_attr = (0o100755 if name in SCRIPTS else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content if isinstance(content, bytes) else content.read_bytes())
    partial.replace(out)
    return out


def main() -> int:
    out = build()
    with zipfile.ZipFile(out) as zf:
        count = len(zf.namelist())
        config = zf.read("setup.cfg").decode()
    print(f"wrote {out} ({count} files). It holds the course's secret seed and hidden tests: keep it private.")
    if not re.search(rf"^{SEED}\s*[=:]\s*\d", config, re.M):
        print(f"warning: setup.cfg sets no {SEED}: Gradescope would grade with the public seed 1", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
