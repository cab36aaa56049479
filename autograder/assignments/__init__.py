"""The assignments this grader serves: each one is data, declared here, and nothing in the runner.

An assignment names
- the student package (`mytorch/`, `nn/`, `nnfs_layers/`): what a submission must hold, and what a
  worker imports;
- its reference, with solution markers (`solutions/...`): the skeleton and the expected values come
  from it; its official-only checks (`hidden_checks.py` beside it);
- its checks module (a `CHECKS` list made by `checks.base.collect`: the tests, their points, inputs,
  strategies and hints; its `CLASSES` say where each graded class lives in the student package);
- its writeup (the handout's README) and, for a package that ships files students do not write,
  those `given` files (graded from the handout's copy, whatever a submission holds).

`mytorch` is the default and keeps its original layout (its skeleton at the top of the repository, its
writeup in handout/). The others keep everything under solutions/<name>/ and handout/assignments/<name>/;
their skeleton is generated when their handout is built.
"""
from __future__ import annotations

import configparser
import functools
import importlib
from pathlib import Path

from ..record import record

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = "mytorch"


@record(frozen=True)
class Assignment:
    name: str  # what --assignment takes
    title: str  # one line, for `assignments` and the handout
    package: str  # the student package: the folder a submission holds, and the name workers import
    checks_module: str  # dotted name of the module whose CHECKS are the public tests
    solutions: Path  # the reference package (with solution markers)
    skeleton: Path  # where the generated skeleton lives (mytorch: committed at the top; others: built)
    writeup: Path  # the handout's README
    beside: tuple[str, ...] = ()  # folders beside the package a submission may hand in too (mytorch: models/)
    given: tuple[str, ...] = ()  # package files students get complete and do not hand in (graded from the reference)
    classes: str = ""  # the reference's module the checks take classes from, below the package ("nn" for mytorch)
    mark: str = "nn"  # a name in the package only its own contents have: the package handed in without its folder

    def given_file(self, name: str) -> Path | None:
        """The course's copy of a given file: the reference's, or in a handout (no reference) the one the
        handout keeps with its fixtures."""
        for folder in (self.solutions, ROOT / "fixtures" / "given"):
            if (folder / name).is_file():
                return folder / name
        return None

    @property
    def hidden(self) -> Path:
        """The official-only checks: never in a handout."""
        return self.solutions.parent / "hidden_checks.py"

    @property
    def reference_name(self) -> str:
        """The private name the reference is loaded under in the grading process."""
        return "_autograder_reference_" + self.name.replace("-", "_")

    def checks(self) -> list:
        """The public checks, in the order students see them."""
        return list(importlib.import_module(self.checks_module).CHECKS)


ASSIGNMENTS: dict[str, Assignment] = {a.name: a for a in (
    Assignment(
        name="mytorch",
        title="Linear, activations, losses, BatchNorm1d, SGD and MLPs; W is (C_out, C_in), state kept on the object",
        package="mytorch", checks_module="autograder.checks", solutions=ROOT / "solutions" / "mytorch",
        skeleton=ROOT / "mytorch", writeup=ROOT / "handout" / "README.md", beside=("models",), classes="nn"),
    Assignment(
        name="numpy-nn",
        title="layers return (y, cache) and write parameter gradients into a dict; W is [in, out], any batch dims",
        package="nn", checks_module="autograder.assignments.numpy_nn",
        solutions=ROOT / "solutions" / "numpy-nn" / "nn", skeleton=ROOT / "dist" / "skeletons" / "numpy-nn" / "nn",
        writeup=ROOT / "handout" / "assignments" / "numpy-nn" / "README.md", given=("layer.py",), mark="dense.py"),
    Assignment(
        name="nnfs", title="neural networks from scratch: layers keep output and dinputs; sparse or one-hot targets",
        package="nnfs_layers", checks_module="autograder.assignments.nnfs",
        solutions=ROOT / "solutions" / "nnfs" / "nnfs_layers", skeleton=ROOT / "dist" / "skeletons" / "nnfs" / "nnfs_layers",
        writeup=ROOT / "handout" / "assignments" / "nnfs" / "README.md", mark="dense.py"),
)}


class UnknownAssignment(Exception):
    """--assignment names no assignment (or one whose files are missing here)."""


def get(name: str | None = None) -> Assignment:
    """The assignment `name`; None: the course's default (setup.cfg's [autograder] assignment, which a
    handout sets to its own, else mytorch)."""
    here = gradable()
    name = name or configured() or DEFAULT
    if name not in ASSIGNMENTS:
        raise UnknownAssignment(f"no assignment named {name!r}; there are: {', '.join(here)}")
    if name not in here:  # (a handout or a Gradescope zip holds its own assignment's grader only)
        raise UnknownAssignment(f"this copy grades {', '.join(here)} only: {name} is not part of it")
    return ASSIGNMENTS[name]


def gradable() -> list[str]:
    """The names of the assignments this copy grades: the course's default, and those whose reference is here
    (a handout or a Gradescope zip holds its own assignment's grader only)."""
    own = configured() or DEFAULT
    return [a.name for a in ASSIGNMENTS.values() if a.name == own or (a.solutions / "__init__.py").is_file()]


def configured(path: Path = ROOT / "setup.cfg") -> str:
    """The default assignment a setup.cfg names ([autograder] assignment = ...), or ''."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""  # (a broken setup.cfg is reported where the limits are read, as one line)
    return _named(text)


@functools.lru_cache(maxsize=8)
def _named(text: str) -> str:
    """What `configured` reads of a setup.cfg's text (parsed once: a batch asks for every entry)."""
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return ""
    return parser.get("autograder", "assignment", fallback="").strip()


def other_checks(assignment: Assignment) -> set[str]:
    """The folders of autograder/assignments/ holding other assignments' checks: no part of this one's
    handout, Gradescope zip or verdicts."""
    return {a.checks_module.rpartition(".")[2] for a in ASSIGNMENTS.values()
            if a != assignment and a.checks_module.startswith("autograder.assignments.")}


def grader_files(assignment: Assignment, root: Path = ROOT) -> list[Path]:
    """The grader's modules (root/autograder/**.py) that grading `assignment` uses, sorted: all but the other
    assignments' checks (their folders under assignments/, and mytorch's own modules of checks/ for
    another assignment) and caches. What its handout and Gradescope zip ship, and its verdicts depend on."""
    from ..checks import OWN

    base = root / "autograder"
    skip_dirs = other_checks(assignment) | {"__pycache__"}
    skip = set() if assignment.checks_module == "autograder.checks" else {f"checks/{m}.py" for m in OWN}
    found = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if not skip_dirs & set(rel.parts[:-1]) and rel.as_posix() not in skip:
            found.append(path)
    return found


def available() -> list[Assignment]:
    """The assignments this copy can grade: its reference (official) or its fixtures (a handout)."""
    return [a for a in ASSIGNMENTS.values() if (a.solutions / "__init__.py").is_file()]
