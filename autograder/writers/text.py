"""The readable table a student sees in a terminal.

    mytorch autograder: mytorch (seed 0)

      passed           5.0 / 5.0  Linear.forward: output Z
      failed           0.0 / 5.0  Linear.backward: dLdW
      not attempted    0.0 / 5.0  ReLU.forward: output A
      not credited     0.0 / 1.0  ReLU.backward: does not modify dLdA
      excused          1.0 / 1.0  ReLU.backward: agrees with finite differences of forward

    Linear.backward: dLdW (failed)
        'dLdW' does not have correct shape--got: '(3,)', expected: '(3, 5)'

    Score: 5.0 / 15.0
    replay: make grade

Everything that may come from the submission (test output, notes) is indented,
so no line a student prints can pass for the "Score:" line.
"""
from __future__ import annotations

from ..report import Outcome, Report
from ._clean import indent, one_line

__all__ = ["render", "points"]


def points(x: float) -> str:
    """A score for people: 5.0, 2.5, 0.33 (two decimals at most)."""
    return str(round(float(x), 2))


EXCUSED = "passed: nothing left for this test to judge"  # (verdict._passed: every input was left to other tests)


def status(r) -> str:
    """The word in the table: the outcome, or "not credited" for a test that lost its points only because
    no value of its method or class is right (its output says which test to fix first), or "excused" for one
    that kept its points with nothing left to judge (every input left to a test that failed: charged there)."""
    if r.outcome is Outcome.FAILED and r.output.startswith("not credited"):
        return "not credited"
    if r.outcome is Outcome.PASSED and r.output.startswith(EXCUSED):
        return "excused"
    return r.outcome.value


def render(report: Report) -> str:
    """The whole report as plain text, ending with a newline."""
    submission = one_line(report.submission)
    lines = [f"{report.assignment} autograder: {submission} (seed {report.seed_shown})", ""]
    width = max((len(points(r.max_score)) for r in report.results), default=3)
    # Each class's tests together, its hidden ones (official grading: after every public test in the results) last
    first = {}
    for i, r in enumerate(report.results):
        first.setdefault(r.name.split(".")[0], i)
    shown = sorted(report.results, key=lambda r: first[r.name.split(".")[0]])  # (stable: each class's order kept)
    for r in shown:
        pts = f"{points(r.score):>{width}} / {points(r.max_score):<{width}}"
        hidden = "  (hidden test)" if r.visibility != "visible" else ""  # (official grading only: staff see which)
        lines.append(f"  {status(r):<14} {pts}  {one_line(r.name)}{hidden}")
    if not report.results:
        lines.append("  (no tests)")
    # A method not attempted says so once, under its first test (a skeleton's 98 tests said it 98 times)
    alike = {}
    for r in shown:
        if r.outcome is Outcome.NOT_ATTEMPTED:
            alike.setdefault(r.output, []).append(r)
    for r in shown:
        if r.outcome is Outcome.PASSED and status(r) == "excused":  # (helper-182: "passed" on an input its code
            lines += ["", f"{one_line(r.name)} (excused)", indent(r.output)]  # gets wrong read as judged, and right)
            continue
        if r.outcome is Outcome.PASSED:
            if notes := [line for line in r.output.splitlines() if line.startswith("note: ")]:
                lines += ["", f"{one_line(r.name)} (passed, with a note)", indent("\n".join(notes))]
            continue
        same = alike.get(r.output, [r]) if r.outcome is Outcome.NOT_ATTEMPTED else [r]
        if same[0] is not r:
            continue
        more = ("" if len(same) == 1 else ", as is the 1 other test that says so" if len(same) == 2 else
                f", as are the {len(same) - 1} other tests that say so")
        lines += ["", f"{one_line(r.name)} ({status(r)}{more})"]
        if r.output.strip():
            lines.append(indent(r.output))
    lines += ["", f"Score: {points(report.score)} / {points(report.max_score)}"
              + (" (public tests)" if report.hidden_note else "")]
    lines += [f"note: {report.hidden_note}"] if report.hidden_note else []
    lines.append(f"checked {report.examples} inputs in {report.execution_time:.2f} s; sandbox: {report.isolation_note}")
    lines += ["note: " + one_line(note) for note in report.notes]  # (one line each: a file name may hold line breaks)
    if report.replay:
        lines.append(f"replay: {one_line(report.replay)}")
    return "\n".join(lines) + "\n"
