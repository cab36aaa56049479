"""`make accuracy`: grade the whole catalogue and measure the grader's verdicts.

Prints how many mutants lose points (killed), how many are precisely blamed
(every test they fail names the class and method their edit is in; tests that
only wait on a failed prerequisite blame nobody), how many correct submissions
score full marks, and the time taken. `tests/test_accuracy.py` asserts the same.
"""
from __future__ import annotations

import ast
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import runner  # noqa: E402
from autograder.report import Outcome  # noqa: E402
from autograder.sandbox import Limits  # noqa: E402
from tests.catalogue import REFERENCE, Entry, entries, materialize  # noqa: E402

LIMITS = Limits(case_timeout=2.0, submission_timeout=30.0)


def edited_methods(entry: Entry) -> set[str]:
    """`Class.method` of every reference method an edit of `entry` falls in (or what it declares)."""
    if entry.methods:
        return set(entry.methods)
    found = set()
    for edit in entry.edits:
        source = (REFERENCE / edit.file).read_text()
        start = source.index(edit.find)
        line_from, line_to = source.count("\n", 0, start) + 1, source.count("\n", 0, start + len(edit.find)) + 1
        for cls in ast.parse(source).body:
            if isinstance(cls, ast.ClassDef):
                for fn in cls.body:
                    if isinstance(fn, ast.FunctionDef) and fn.lineno <= line_to and fn.end_lineno >= line_from:
                        found.add(f"{cls.name}.{fn.name}")
    return found


def blamed(report) -> set[str]:
    """`Class.method` of every test the submission failed (waiting on a prerequisite is not blame)."""
    return {r.name.split(":", 1)[0] for r in report.results if r.outcome is Outcome.FAILED}


def grade(entry: Entry):
    with tempfile.TemporaryDirectory() as tmp:
        return runner.grade(materialize(entry, Path(tmp)), seed=0, submission=entry.name, limits=LIMITS)


def main() -> int:
    began = time.perf_counter()
    mutants, correct = entries("buggy"), entries("correct")
    mutant_reports = [grade(m) for m in mutants]  # each grade already uses both cores
    correct_reports = [grade(c) for c in correct]
    killed = [m for m, r in zip(mutants, mutant_reports) if r.score < r.max_score]
    precise = [m for m, r in zip(mutants, mutant_reports) if r.score < r.max_score and blamed(r) <= edited_methods(m)]
    full = [c for c, r in zip(correct, correct_reports) if r.score == r.max_score]
    print(f"mutants killed                 {len(killed):3d} / {len(mutants)}")
    print(f"mutants precisely blamed       {len(precise):3d} / {len(mutants)}   (every failed test names the edited method)")
    print(f"correct submissions at 100     {len(full):3d} / {len(correct)}")
    print(f"time                           {time.perf_counter() - began:6.1f} s")
    for m, r in zip(mutants, mutant_reports):
        if m not in precise:
            print(f"  {m.name}: edited {sorted(edited_methods(m))}, failed {sorted(blamed(r))}")
    for c, r in zip(correct, correct_reports):
        if c not in full:
            print(f"  {c.name}: {r.score} / {r.max_score}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
