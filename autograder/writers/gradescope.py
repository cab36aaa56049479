"""Gradescope's `results.json` (gradescope-autograders.readthedocs.io, "specs").

Gradescope knows two test states, so everything that is not PASSED is
"failed"; the output of a test not attempted or not run starts with "not
attempted" / "not run" (added if the runner's output does not), so a student
can tell "my code is wrong" from "the grader skipped this". Outputs are shown as plain text (`test_output_format: text`), never
interpreted as HTML or Markdown. `json.dumps` does all escaping; NaN is refused
(`allow_nan=False`) rather than written as invalid JSON.
"""
from __future__ import annotations

import json

from ..report import Outcome, Report, TestResult
from ._clean import clean, one_line
from .text import points

__all__ = ["render"]


def _output(r: TestResult) -> str:
    out = clean(r.output).strip()
    label = r.outcome.value  # "not attempted" / "not run": Gradescope only says "failed"
    if r.outcome in (Outcome.NOT_ATTEMPTED, Outcome.NOT_RUN) and not out.lower().startswith(label):
        return f"{label}: {out}" if out else label
    return out


def _test(r: TestResult) -> dict:
    return {
        "name": one_line(r.name),
        "score": float(r.score),
        "max_score": float(r.max_score),
        "status": "passed" if r.passed else "failed",
        "output": _output(r),
        "visibility": r.visibility,
    }


def _summary(report: Report) -> str:
    passed = sum(r.passed for r in report.results)
    lines = [f"Score: {points(report.score)} / {points(report.max_score)}"
             f" ({passed} of {len(report.results)} {'public ' if report.hidden_note else ''}tests passed,"
             f" seed {report.seed_shown})"]
    lines += [report.hidden_note] if report.hidden_note else []
    lines += [one_line(note) for note in report.notes]  # (one line each: a file name may hold line breaks)
    return "\n".join(lines)


def render(report: Report) -> str:
    """The report as Gradescope results.json text, ending with a newline."""
    doc = {
        "score": float(report.score),
        "max_score": float(report.max_score),
        "execution_time": round(float(report.execution_time), 3),
        "output": _summary(report),
        "output_format": "text",
        "test_output_format": "text",
        "tests": [_test(r) for r in report.results],
        "extra_data": {"seed": "official" if report.secret_seed else report.seed, "sandbox": report.isolation_note,
                       "assignment": report.assignment},
    }
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"
