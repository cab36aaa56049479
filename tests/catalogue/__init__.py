"""A catalogue of student submissions, described relative to the reference solution.

Three kinds of entries:

- ``buggy``: realistic mistakes, written in ``mutants.toml`` as textual edits of the
  reference files (each edit's ``find`` must occur exactly once, or materializing fails).
- ``correct``: correct submissions in other styles, as files under ``correct/<name>/``
  that overwrite or add files in the materialized ``mytorch/``.
- ``hostile``: submissions that attack the grader, as files under ``hostile/<name>/``.
  NEVER import a hostile entry in a test process: only grade it through the sandbox.

``materialize(entry, dest)`` copies the reference ``solutions/mytorch`` to
``dest/mytorch``, applies the entry and returns ``dest``.

Another assignment's catalogue (``numpy-nn/``, ``nnfs/`` here) has the same three kinds, relative to its
own reference and package: ``entries(kind, assignment="numpy-nn")``; its classes and their files come
from its checks' ``CLASSES``.

See README.md in this directory for the format and how to add an entry.
"""
from __future__ import annotations

import ast
import shutil
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder import assignments

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parents[1] / "solutions" / "mytorch"
MUTANTS_FILE = HERE / "mutants.toml"

# Every class of the assignment, and the file (inside mytorch/) that defines it in the reference.
CLASS_FILES: dict[str, str] = {
    "Linear": "nn/linear.py",
    "Identity": "nn/activation.py", "Sigmoid": "nn/activation.py", "Tanh": "nn/activation.py",
    "ReLU": "nn/activation.py", "GELU": "nn/activation.py", "Softmax": "nn/activation.py",
    "MSELoss": "nn/loss.py", "CrossEntropyLoss": "nn/loss.py",
    "BatchNorm1d": "nn/batchnorm.py",
    "SGD": "optim/sgd.py",
    "MLP0": "models/mlp.py", "MLP1": "models/mlp.py", "MLP4": "models/mlp.py",
}
CLASSES: tuple[str, ...] = tuple(CLASS_FILES)
# Classes built on others of the submission: honest only when those are. An MLP's values are judged on
# stand-in layers, never on its Linear or ReLU, but it still imports those classes and builds its layers
# from them: a Linear or ReLU that fails to import or to construct leaves the MLP nothing to be graded on.
CLASS_NEEDS: dict[str, tuple[str, ...]] = {mlp: ("Linear", "ReLU") for mlp in ("MLP0", "MLP1", "MLP4")}
BESIDE = "beside"  # an overlay's folder whose contents go next to mytorch/ (models/mlp.py, the course's layout)
KINDS: tuple[str, ...] = ("buggy", "correct", "hostile")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "entry.toml")


class CatalogueError(ValueError):
    """The catalogue is malformed, or an entry no longer applies to the reference."""


@dataclass(frozen=True)
class Where:
    """One assignment's catalogue: its folder, its reference package, the student package's name, every class
    with the file (inside the package) that defines it, and the classes each class builds on."""

    assignment: str
    folder: Path
    reference: Path
    package: str
    class_files: Mapping[str, str]
    class_needs: Mapping[str, tuple[str, ...]]

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.class_files)


MYTORCH = Where("mytorch", HERE, REFERENCE, "mytorch", CLASS_FILES, CLASS_NEEDS)


def where(assignment: str = "mytorch") -> Where:
    """The catalogue of `assignment` (mytorch's is this folder; another's is the folder named after it)."""
    if assignment == "mytorch":
        return MYTORCH
    found = assignments.get(assignment)
    files: dict[str, str] = {}
    for check in found.checks():  # "nn.dense" -> "dense.py"
        files.setdefault(check.cls, check.module.split(".", 1)[1].replace(".", "/") + ".py")
    return Where(assignment, HERE / assignment, found.solutions, found.package, files, OTHER_NEEDS.get(assignment, {}))


# Another assignment's classes built on others of its submission (nnfs's ActivationLoss runs the student's own
# softmax and loss): honest only when those are, and graded with them.
OTHER_NEEDS: dict[str, dict[str, tuple[str, ...]]] = {
    "nnfs": {"ActivationLoss": ("ActivationSoftMax", "LossCrossEntropy")},
}


@dataclass(frozen=True)
class Edit:
    """Replace ``find`` (which must occur exactly once) by ``replace`` in ``file``.

    ``file`` is relative to ``mytorch/`` (e.g. ``nn/linear.py``).
    """

    file: str
    find: str
    replace: str


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "buggy" | "correct" | "hostile"
    description: str  # one line: what the student did wrong, or the style, or the attack
    # Classes whose tests may lose points. buggy: the class it breaks; correct: ();
    # hostile: the classes it (legitimately) breaks = CLASSES minus honest_classes.
    blame: tuple[str, ...]
    # hostile only: the most it may honestly score when that does not depend on the
    # grader's points (0.0 when honest_classes is empty); None otherwise. When it is
    # None for a hostile entry, use honest_max() with the grader's per-test points.
    max_score: float | None
    # Classes implemented honestly and correctly (every test of them may pass):
    # CLASSES minus blame, for every kind.
    honest_classes: tuple[str, ...]
    # The change: textual edits (buggy) or a directory overlaid on mytorch/ (correct, hostile).
    edits: tuple[Edit, ...] = ()
    overlay: Path | None = None
    # buggy only: the `Class.method`s whose tests may fail, when that is not simply the method the
    # edit is in (state stored by forward that only backward reads). Empty: the edited methods.
    methods: tuple[str, ...] = ()
    # buggy only: False when running it in the test process is not safe (it hangs, exits, or cannot be
    # imported); only the sandboxed grader runs it.
    in_process: bool = True
    # hostile only: tests outside honest_classes that it implements honestly (e.g. storing A and N
    # while returning garbage); the tests the grader's policy then credits (behaviour, nothing left
    # to judge) may pass in their classes too.
    honest_tests: tuple[str, ...] = ()
    # hostile only: sandbox limits to grade it with instead of the suite's (an attack on a budget is
    # tried against a short one), as `Limits` field names and values.
    limits: tuple[tuple[str, float], ...] = ()
    # hostile only: classes whose own code is the reference but which build on a class the entry breaks
    # (an MLP on a hostile Linear, which may fail to import or construct): neither required to pass nor
    # forbidden to.
    uncertain: tuple[str, ...] = ()
    # Its Python files are appended to the reference ones they name, so only the classes it defines
    # again change (always for a correct entry; `append = true` in a hostile entry's entry.toml).
    append: bool = False
    assignment: str = "mytorch"  # whose catalogue it is in

    def files(self) -> set[str]:
        """The files (relative to mytorch/; `beside/...` for files next to it) the entry changes or adds."""
        if self.overlay is None:
            return {edit.file for edit in self.edits}
        return {p.relative_to(self.overlay).as_posix() for p in self.overlay.rglob("*.py")}

    def honest_max(self, tests: Mapping[str, float] | Iterable[Any]) -> float:
        """The points of the tests of ``honest_classes`` (at least ``max_score`` when it is set).

        ``tests``: a mapping test name -> max points, or an iterable of objects with
        ``name`` and ``max_score`` attributes (e.g. the grader's TestResults), or of
        ``(name, max_score)`` pairs. A test's class is the part of its name before the
        first ".", e.g. "Linear.forward: output Z" -> "Linear".

        For a hostile entry this is the most it may honestly score; for a buggy
        entry, the least it should score (its unblamed classes are correct).
        """
        if isinstance(tests, Mapping):
            pairs = list(tests.items())
        else:
            pairs = []
            for t in tests:
                if hasattr(t, "name") and hasattr(t, "max_score"):
                    pairs.append((t.name, t.max_score))
                else:
                    name, points = t
                    pairs.append((name, points))
        honest = float(sum(points for name, points in pairs if class_of_test(name) in self.honest_classes))
        return honest if self.max_score is None else max(honest, self.max_score)


def class_of_test(test_name: str) -> str:
    """"Linear.forward: output Z" -> "Linear"."""
    return test_name.split(":", 1)[0].split(".", 1)[0].strip()


def _classes(value: Any, where: str, classes: tuple[str, ...] = CLASSES) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogueError(f"{where}: expected a list of class names, got {value!r}")
    unknown = [v for v in value if v not in classes]
    if unknown:
        raise CatalogueError(f"{where}: unknown classes {unknown}; known: {classes}")
    if len(set(value)) != len(value):
        raise CatalogueError(f"{where}: duplicate class names in {value!r}")
    return tuple(c for c in classes if c in value)


def _description(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        raise CatalogueError(f"{where}: description must be one non-empty line")
    return value.strip()


def _load_mutants(at: Where = MYTORCH) -> list[Entry]:
    path = at.folder / "mutants.toml"
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    CLASSES, CLASS_FILES = at.classes, at.class_files  # noqa: N806 - (this assignment's)
    entries = []
    for i, m in enumerate(data.get("mutant", [])):
        where = f"mutants.toml mutant #{i + 1} ({m.get('name', '?')})"
        allowed = {"name", "description", "blame", "file", "find", "replace", "edits", "methods", "in_process"}
        extra = set(m) - allowed
        if extra:
            raise CatalogueError(f"{where}: unknown keys {sorted(extra)}")
        raw_edits = list(m.get("edits", []))
        if "find" in m or "file" in m or "replace" in m:
            raw_edits.insert(0, {k: m.get(k) for k in ("file", "find", "replace")})
        if not raw_edits:
            raise CatalogueError(f"{where}: no edits")
        edits = []
        for e in raw_edits:
            if set(e) != {"file", "find", "replace"} or not all(isinstance(e[k], str) for k in e):
                raise CatalogueError(f"{where}: an edit needs string keys file, find, replace; got {e!r}")
            if not e["find"]:
                raise CatalogueError(f"{where}: empty find")
            edits.append(Edit(e["file"], e["find"], e["replace"]))
        blame = _classes(m.get("blame"), where, CLASSES)
        module_wide = len(blame) > 1 and {CLASS_FILES[c] for c in blame} == {CLASS_FILES[blame[0]]} and set(blame) == {
            c for c in CLASSES if CLASS_FILES[c] == CLASS_FILES[blame[0]]}
        if len(blame) != 1 and not module_wide:
            raise CatalogueError(f"{where}: a buggy entry blames exactly one class (or every class of one file, for a "
                                 f"mistake that stops the file from importing), got {blame!r}")
        entries.append(
            Entry(
                name=str(m["name"]),
                kind="buggy",
                description=_description(m.get("description"), where),
                blame=blame,
                max_score=None,
                honest_classes=tuple(c for c in CLASSES if c not in blame),
                edits=tuple(edits),
                methods=tuple(str(x) for x in m.get("methods", ())),
                in_process=bool(m.get("in_process", True)),
                assignment=at.assignment,
            )
        )
    return entries


def _load_dirs(kind: str, at: Where = MYTORCH) -> list[Entry]:
    base = at.folder / kind
    CLASSES, CLASS_FILES, CLASS_NEEDS = at.classes, at.class_files, at.class_needs  # noqa: N806 - (this assignment's)
    entries = []
    if not base.is_dir():
        return entries
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        where = f"{kind}/{folder.name}/entry.toml"
        meta_path = folder / "entry.toml"
        if not meta_path.is_file():
            raise CatalogueError(f"{where}: missing")
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        extra = set(meta) - {"description", "blame", "honest_classes", "max_score", "honest_tests", "limits", "append"}
        if extra:
            raise CatalogueError(f"{where}: unknown keys {sorted(extra)}")
        blame = _classes(meta.get("blame"), where, CLASSES)
        if kind == "correct":
            if blame or meta.get("max_score") is not None:
                raise CatalogueError(f"{where}: a correct entry has no blame and no max_score")
            honest, uncertain = CLASSES, ()
            max_score = None
        else:
            if "honest_classes" not in meta:
                raise CatalogueError(f"{where}: a hostile entry states honest_classes (may be [])")
            declared = _classes(meta["honest_classes"], where, CLASSES)
            if set(blame) & set(declared):
                raise CatalogueError(f"{where}: a class cannot be both in blame and honest_classes")
            # Classes in files the overlay leaves alone (appended to: that it does not define again) are the
            # reference: honest, whether listed or not (adding a class does not mean editing every entry).
            touched = {p.relative_to(folder).as_posix() for p in folder.rglob("*.py")}
            if meta.get("append", False):
                redefined = {node.name for p in folder.rglob("*.py")
                             for node in ast.parse(p.read_text(encoding="utf-8")).body if isinstance(node, ast.ClassDef)}
                honest = [c for c in CLASSES if c in declared or (c not in blame and c not in redefined)]
            else:
                honest = [c for c in CLASSES if c in declared or (c not in blame and CLASS_FILES[c] not in touched)]
            kept = tuple(c for c in honest if set(CLASS_NEEDS.get(c, ())) <= set(honest))
            uncertain = tuple(c for c in honest if c not in kept)  # honest code on a hostile class it builds on
            honest, blame = kept, tuple(c for c in CLASSES if c not in kept)
            if "max_score" in meta:
                max_score = float(meta["max_score"])
            else:
                max_score = 0.0 if not honest else None
        if not any(p.is_file() and p.name != "entry.toml" for p in folder.rglob("*")):
            raise CatalogueError(f"{kind}/{folder.name}: no files to overlay")
        entries.append(
            Entry(
                name=folder.name,
                kind=kind,
                description=_description(meta.get("description"), where),
                blame=blame,
                max_score=max_score,
                honest_classes=honest,
                overlay=folder,
                honest_tests=tuple(str(t) for t in meta.get("honest_tests", ())),
                uncertain=uncertain,
                limits=tuple((str(k), float(v)) for k, v in meta.get("limits", {}).items()),
                append=kind == "correct" or bool(meta.get("append", False)),
                assignment=at.assignment,
            )
        )
    return entries


def load(assignment: str = "mytorch") -> list[Entry]:
    """Read an assignment's catalogue from disk (validating its format, not applying it)."""
    at = where(assignment)
    entries = _load_mutants(at) + _load_dirs("correct", at) + _load_dirs("hostile", at)
    seen: set[str] = set()
    for e in entries:
        if e.name in seen:
            raise CatalogueError(f"duplicate entry name {e.name!r}")
        seen.add(e.name)
    return entries


ENTRIES: list[Entry] = load()
BY_NAME: dict[str, Entry] = {e.name: e for e in ENTRIES}


_OTHERS: dict[str, list[Entry]] = {}  # another assignment's entries, read on first use


def entries(kind: str | None = None, assignment: str = "mytorch") -> list[Entry]:
    """The entries of one kind (or all) of an assignment's catalogue."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    found = ENTRIES if assignment == "mytorch" else _OTHERS.setdefault(assignment, load(assignment))
    return [e for e in found if kind is None or e.kind == kind]


def _apply_edit(root: Path, edit: Edit, entry: Entry) -> None:
    rel = Path(edit.file)
    at = where(entry.assignment)
    if rel.is_absolute() or ".." in rel.parts:
        raise CatalogueError(f"{entry.name}: edit file {edit.file!r} must be relative to {at.package}/")
    ref_file = at.reference / rel
    target = root / rel
    if not ref_file.is_file():
        raise CatalogueError(f"{entry.name}: reference file {edit.file} does not exist")
    ref_count = ref_file.read_text(encoding="utf-8").count(edit.find)
    if ref_count != 1:
        raise CatalogueError(
            f"{entry.name}: find text occurs {ref_count} times in reference {edit.file} "
            f"(must be exactly once): {edit.find!r}"
        )
    text = target.read_text(encoding="utf-8")
    count = text.count(edit.find)
    if count != 1:
        raise CatalogueError(
            f"{entry.name}: find text occurs {count} times in {edit.file} after the entry's "
            f"earlier edits (must be exactly once): {edit.find!r}"
        )
    target.write_text(text.replace(edit.find, edit.replace), encoding="utf-8")


def materialize(entry: Entry, dest: Path) -> Path:
    """Write the submission ``entry`` as ``dest/mytorch`` (its assignment's package) and return ``dest``.

    Copies the reference ``solutions/mytorch`` (nothing stripped), then applies the
    entry's edits or overlays its files. Raises CatalogueError if an edit's ``find``
    does not occur exactly once, FileExistsError if ``dest/mytorch`` already exists.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    at = where(entry.assignment)
    root = dest / at.package
    if root.exists():
        raise FileExistsError(root)
    shutil.copytree(at.reference, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for edit in entry.edits:
        _apply_edit(root, edit, entry)
    if entry.overlay is not None:
        _overlay(entry, root)
    return dest


def _overlay(entry: Entry, root: Path) -> None:
    """Copy the entry's files over ``root`` (``mytorch/``); its ``beside/`` folder goes next to it.

    A Python file of an appending entry (every correct one; a hostile one with `append = true`) that
    replaces a reference file is appended to the reference one instead: its classes override the
    reference's, and the classes it does not define stay (a style shown on three classes still makes a
    whole submission; an attack on one class needs no copy of the others).
    """
    for path in sorted(p for p in entry.overlay.rglob("*") if p.is_file()):
        rel = path.relative_to(entry.overlay)
        if path.name == "entry.toml" or "__pycache__" in rel.parts or path.suffix == ".pyc":
            continue
        target = root.parent / Path(*rel.parts[1:]) if rel.parts[0] == BESIDE else root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        if entry.append and path.suffix == ".py" and target.is_file() and rel.parts[0] != BESIDE:
            text = (target.read_text(encoding="utf-8").rstrip() + "\n\n\n# ---- the catalogue entry's own code, "
                    "which overrides the definitions above\n" + text)
        target.write_text(text, encoding="utf-8")


__all__ = [
    "BY_NAME",
    "BESIDE",
    "CLASSES",
    "CLASS_FILES",
    "CatalogueError",
    "ENTRIES",
    "Edit",
    "Entry",
    "KINDS",
    "REFERENCE",
    "Where",
    "entries",
    "where",
    "load",
    "materialize",
    "class_of_test",
]


def lost_by(report, test: str) -> tuple[str, dict[str, str]]:
    """What the report's first test not passed whose name starts with `test` said ("" when it passed), and the output
    of every test not passed, by name (the one-slip tests of each assignment read both)."""
    lost = {r.name: r.output for r in report.results if not r.passed}
    return next((output for name, output in lost.items() if name.startswith(test)), ""), lost
