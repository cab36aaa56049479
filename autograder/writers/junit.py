"""JUnit XML, for CI dashboards (GitLab, Jenkins, GitHub test reporters).

One `<testsuite name="autograder">`; one `<testcase>` per test, its classname
the class the test grades ("Linear" for "Linear.forward: output Z"). Every test that
loses points is a `<failure>` (its message says "not attempted" or "not run"
when that is why): a dashboard must not show lost points as skipped. Points go in `<properties>`: the suite's total, seed and each test's
score. ElementTree escapes markup ("]]>" included); `clean` removes the
characters XML 1.0 cannot hold at all, such as NUL.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..report import Outcome, Report, TestResult
from ._clean import clean, one_line

__all__ = ["render"]

_CLASS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _classname(name: str) -> str:
    match = _CLASS.match(name)
    return match.group(0) if match else "autograder"


def _properties(parent: ET.Element, **values: object) -> None:
    props = ET.SubElement(parent, "properties")
    for key, value in values.items():
        ET.SubElement(props, "property", name=key, value=str(value))


def _testcase(suite: ET.Element, r: TestResult) -> None:
    name = one_line(r.name)
    case = ET.SubElement(suite, "testcase", classname=_classname(name), name=name, time="0")
    _properties(case, score=float(r.score), max_score=float(r.max_score))
    output = clean(r.output).strip()
    if r.outcome is not Outcome.PASSED:
        first = output.split("\n", 1)[0][:200]
        ET.SubElement(case, "failure", type=r.outcome.value, message=first or r.outcome.value).text = output


def render(report: Report) -> str:
    """The report as a JUnit XML document, ending with a newline."""
    results = report.results
    suite = ET.Element("testsuite", {
        "name": "autograder",
        "tests": str(len(results)),
        "failures": str(sum(r.outcome is not Outcome.PASSED for r in results)),
        "errors": "0",
        "skipped": "0",
        "time": str(round(float(report.execution_time), 3)),
    })
    _properties(suite, score=float(report.score), max_score=float(report.max_score),
                seed=report.seed_shown, submission=one_line(report.submission))
    for r in results:
        _testcase(suite, r)
    if report.notes:
        ET.SubElement(suite, "system-out").text = "\n".join(one_line(n) for n in report.notes)
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
