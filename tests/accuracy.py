"""`make accuracy`: grade the whole catalogue and measure the grader's verdicts.

For every buggy entry, the methods its mistake is charged to (a test that loses points is charged
to the method it names) must be exactly the methods the mistake is in: the edited methods, or those
the entry declares. Prints:

- mutants killed: entries that lose points at all;
- charged exactly: entries whose charged methods are exactly their own;
- points taken from correct methods: points lost, over all entries, on tests of methods the entry
  did not break (goal 0);
- tests one single-line mistake fails: the median over entries whose change is one line;
- correct submissions at 100, and the time taken.

Every assignment's catalogue, one block each (`--assignment NAME` for one: `make accuracy ASSIGNMENT=nnfs`).

`tests/test_grading.py` asserts the same, entry by entry.
"""
from __future__ import annotations

import ast
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import runner  # noqa: E402
from autograder.sandbox import Limits  # noqa: E402
from autograder import assignments  # noqa: E402
from tests.catalogue import BESIDE, Entry, entries, materialize, where  # noqa: E402

LIMITS = Limits(case_timeout=2.0, submission_timeout=60.0)


def edited_methods(entry: Entry) -> set[str]:
    """`Class.method` of every reference method an edit of `entry` falls in (or what it declares)."""
    if entry.methods:
        return set(entry.methods)
    found = set()
    for edit in entry.edits:
        source = (where(entry.assignment).reference / edit.file).read_text()
        start = source.index(edit.find)
        line_from, line_to = source.count("\n", 0, start) + 1, source.count("\n", 0, start + len(edit.find)) + 1
        for cls in ast.parse(source).body:
            if isinstance(cls, ast.ClassDef):
                for fn in cls.body:
                    if isinstance(fn, ast.FunctionDef) and fn.lineno <= line_to and fn.end_lineno >= line_from:
                        found.add(f"{cls.name}.{fn.name}")
    return found


def graded_classes(entry: Entry) -> tuple[str, ...]:
    """The classes whose verdicts `entry` can change: those whose code it edits (a whole file's for an
    overlay or a module-level edit) and the classes built on them (an MLP imports and constructs its
    Linear and ReLU, though its values never depend on theirs). A class it leaves alone is graded from
    the reference's own bytes (in the worker of its module, with numpy restored before it), so its
    verdicts are the reference's (which scores full): the suite grades only these, `make accuracy`
    grades everything. An entry that cannot run
    in-process (a syntax error, a hang or an exit at import), that touches a package `__init__.py` or a
    helper module, or that attacks, can reach any class: all of them."""
    at = where(entry.assignment)
    CLASS_FILES, CLASS_NEEDS, CLASSES, REFERENCE = at.class_files, at.class_needs, at.classes, at.reference  # noqa: N806
    beside = f"{BESIDE}/models/"
    if entry.kind == "hostile" or not entry.in_process or any(
            f not in CLASS_FILES.values() and not f.startswith(beside) for f in entry.files()):
        return CLASSES
    found = {m.split(".")[0] for m in entry.methods}
    for path in entry.files():
        in_file = {c for c, f in CLASS_FILES.items() if f == path or (path.startswith(beside) and f == "models/mlp.py")}
        if entry.overlay is not None:  # appended to the reference file: the classes it defines again
            tree = ast.parse((entry.overlay / path).read_text())
            found |= {node.name for node in tree.body if isinstance(node, ast.ClassDef)} & in_file
            continue
        source = (REFERENCE / path).read_text()
        classes = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]
        for edit in (e for e in entry.edits if e.file == path):
            start = source.index(edit.find)
            first = source.count("\n", 0, start) + 1
            last = source.count("\n", 0, start + len(edit.find.rstrip())) + 1
            hit = {c.name for c in classes if c.lineno <= last and c.end_lineno >= first}
            found |= hit if hit and all(c.lineno <= first and last <= c.end_lineno for c in classes if c.name in hit) \
                else in_file
    found |= {c for c, needs in CLASS_NEEDS.items() if found & set(needs)}
    return tuple(c for c in CLASSES if c in found)


def method_of(test_name: str) -> str:
    return test_name.split(":", 1)[0]


def charged(report) -> set[str]:
    """`Class.method` of every test that lost points."""
    return {method_of(r.name) for r in report.results if r.score < r.max_score}


def taken_from_correct(entry: Entry, report) -> float:
    """Points lost on tests of methods the entry did not break."""
    own = edited_methods(entry)
    return sum(r.max_score - r.score for r in report.results if method_of(r.name) not in own)


def tests_failed(report) -> int:
    return sum(r.score < r.max_score for r in report.results)


def single_line(entry: Entry) -> bool:
    return len(entry.edits) == 1 and "\n" not in entry.edits[0].find.strip("\n")


def grade(entry: Entry, seed: int = 0):
    with tempfile.TemporaryDirectory() as tmp:
        return runner.grade(materialize(entry, Path(tmp)), seed=seed, submission=entry.name, limits=LIMITS,
                            assignment=assignments.get(entry.assignment))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = [argv[argv.index("--assignment") + 1]] if "--assignment" in argv[:-1] else list(assignments.ASSIGNMENTS)
    unknown = [name for name in chosen if name not in assignments.ASSIGNMENTS]
    if unknown:
        print(f"error: no assignment named {unknown[0]!r}; there are: {', '.join(assignments.ASSIGNMENTS)}",
              file=sys.stderr)
        return 2
    for name in chosen:
        if len(chosen) > 1:
            print(f"== {name}")
        measure(name)
    return 0


def measure(assignment: str) -> None:
    began = time.perf_counter()
    mutants, correct = entries("buggy", assignment), entries("correct", assignment)
    if not mutants or not correct:
        print(f"no catalogue for {assignment} yet")
        return
    mutant_reports = [grade(m) for m in mutants]  # each grade already uses both cores
    correct_reports = [grade(c) for c in correct]
    killed = [m for m, r in zip(mutants, mutant_reports) if r.score < r.max_score]
    exact = [m for m, r in zip(mutants, mutant_reports) if charged(r) == edited_methods(m)]
    taken = sum(taken_from_correct(m, r) for m, r in zip(mutants, mutant_reports))
    singles = [tests_failed(r) for m, r in zip(mutants, mutant_reports) if single_line(m)]
    full = [c for c, r in zip(correct, correct_reports) if r.score == r.max_score]
    print(f"mutants killed                      {len(killed):3d} / {len(mutants)}")
    print(f"mutants charged exactly             {len(exact):3d} / {len(mutants)}   (to the methods the mistake is in, "
          "and no other)")
    print(f"points taken from correct methods   {taken:5.1f}   (over all mutants; goal 0)")
    if singles:
        print(f"tests one single-line mistake fails {statistics.median(singles):5.1f}   (median over {len(singles)} "
              f"single-line mutants; most {max(singles)})")
    print(f"correct submissions at 100          {len(full):3d} / {len(correct)}")
    print(f"time                                {time.perf_counter() - began:6.1f} s")
    costly = sorted(((tests_failed(r), m.name, r) for m, r in zip(mutants, mutant_reports) if single_line(m)),
                    key=lambda t: -t[0])[:3]
    print("single-line mistakes failing the most tests:")
    for count, name, r in costly:
        print(f"  {name}: {count}: " + "; ".join(t.name for t in r.results if t.score < t.max_score))
    for m, r in zip(mutants, mutant_reports):
        if m not in exact:
            print(f"  {m.name}: in {sorted(edited_methods(m))}, charged to {sorted(charged(r))}")
    for c, r in zip(correct, correct_reports):
        if c not in full:
            print(f"  {c.name}: {r.score} / {r.max_score}")


if __name__ == "__main__":
    sys.exit(main())
