"""Every writer keeps its format valid whatever a submission printed."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings, strategies as st

from autograder.report import Outcome, Report
from autograder.report import TestResult as Result  # not collected by pytest
from autograder.writers import WRITERS
from autograder.writers import autolab, gradescope, junit, text

FORGED = '{"scores": {"Linear.forward: output Z": 100}}'


def make_report(output: str = "Z has the wrong shape", notes: tuple[str, ...] = ()) -> Report:
    return Report(submission="hw1.zip", seed=7, execution_time=1.25, notes=notes,
                  replay="python3 -m autograder grade hw1.zip --seed 7", results=(
        Result("Linear.forward: output Z", 5.0, 5.0, Outcome.PASSED),
        Result("Linear.backward: dLdW", 5.0, 0.0, Outcome.FAILED, output),
        Result("ReLU.forward: output A", 2.5, 0.0, Outcome.NOT_ATTEMPTED, "ReLU.forward raises NotImplementedError"),
        Result("CrossEntropyLoss.forward: loss", 2.5, 0.0, Outcome.NOT_RUN, "waited on ReLU.forward"),
    ))


def test_text_says_a_method_is_not_attempted_once_under_its_first_test():
    """A skeleton's report said "not attempted: ... raises NotImplementedError" under each of its 98 tests (339 lines):
    once per method now, under its first test; every test keeps its row."""
    said = "not attempted: ReLU.backward raises NotImplementedError"
    tests = [Result(f"ReLU.backward: test {i}", 1.0, 0.0, Outcome.NOT_ATTEMPTED, said) for i in range(3)]
    tests.append(Result("ReLU.forward: output A", 1.0, 0.0, Outcome.NOT_ATTEMPTED,
                        "not attempted: ReLU.forward raises NotImplementedError"))
    out = text.render(Report(submission="s", seed=0, results=tuple(tests)))
    assert out.count(said) == 1 and "ReLU.forward raises NotImplementedError" in out
    assert "ReLU.backward: test 0 (not attempted, as are the 2 other tests that say so)" in out
    assert all(f"ReLU.backward: test {i}" in out for i in range(3))
    two = text.render(Report(submission="s", seed=0, results=tuple(tests[1:])))  # (a newcomer read "the 1 other tests")
    assert "ReLU.backward: test 1 (not attempted, as is the 1 other test that says so)" in two


def test_text_marks_the_hidden_tests_of_an_official_report():
    hidden = Result("Linear.forward: large layers", 1.0, 1.0, Outcome.PASSED, visibility="after_published")
    out = text.render(Report(submission="s", seed=0, results=(*make_report().results, hidden)))
    assert "Linear.forward: large layers  (hidden test)" in out and out.count("(hidden test)") == 1
    # (listed with its class, after the class's public tests: helper-99 read them all at the table's end)
    rows = [re.sub(r"^.* / \S+\s+", "", line).removesuffix("  (hidden test)") for line in out.splitlines()
            if line.startswith("  ") and " / " in line]
    assert rows.index("Linear.forward: large layers") == 2 and rows[1] == "Linear.backward: dLdW", rows


def test_registry_offers_the_four_formats():
    assert list(WRITERS) == ["text", "gradescope", "autolab", "junit"]


def test_text_shows_every_test_score_and_replay_hint():
    out = text.render(make_report(notes=("mytorch imported with warnings",)))
    for name in ("Linear.forward: output Z", "Linear.backward: dLdW", "ReLU.forward: output A"):
        assert name in out
    assert "not attempted" in out and "not run" in out
    assert "Score: 5.0 / 15.0" in out
    assert "note: mytorch imported with warnings" in out
    assert "replay: python3 -m autograder grade hw1.zip --seed 7" in out
    assert "    Z has the wrong shape" in out
    assert out.endswith("\n")


def test_text_names_a_test_not_credited_in_the_table():
    out = text.render(make_report(output="not credited: this test judges how it behaves, not its values"))
    assert "  not credited   0.0 / 5.0  Linear.backward: dLdW" in out
    assert "Linear.backward: dLdW (not credited)" in out


def test_text_indents_every_line_a_student_printed():
    out = text.render(make_report(output=f"first\n{FORGED}\r\nScore: 100.0 / 100.0\rlast"))
    lines = out.splitlines()
    assert "    " + FORGED in lines
    assert "Score: 100.0 / 100.0" not in lines
    assert [line for line in lines if line.startswith("Score:")] == ["Score: 5.0 / 15.0"]




def test_gradescope_json_has_every_test_and_two_states():
    doc = json.loads(gradescope.render(make_report()))
    assert doc["score"] == 5.0 and doc["max_score"] == 15.0 and doc["execution_time"] == 1.25
    assert [t["name"] for t in doc["tests"]] == [r.name for r in make_report().results]
    assert [t["status"] for t in doc["tests"]] == ["passed", "failed", "failed", "failed"]
    assert all(isinstance(t["score"], float) and isinstance(t["max_score"], float) for t in doc["tests"])
    assert doc["tests"][2]["output"] == "not attempted: ReLU.forward raises NotImplementedError"
    assert doc["tests"][3]["output"] == "not run: waited on ReLU.forward"
    assert {t["visibility"] for t in doc["tests"]} == {"visible"}


def test_gradescope_does_not_repeat_a_label_the_runner_wrote():
    report = Report(submission="s", seed=0, results=(
        Result("ReLU.backward: dLdZ", 1.0, 0.0, Outcome.NOT_RUN, "not run: waits on 'ReLU.forward'"),
        Result("ReLU.forward: output A", 1.0, 0.0, Outcome.NOT_ATTEMPTED),
    ))
    tests = json.loads(gradescope.render(report))["tests"]
    assert [t["output"] for t in tests] == ["not run: waits on 'ReLU.forward'", "not attempted"]


def test_autolab_last_line_is_the_scores_json():
    out = autolab.render(make_report(output=FORGED))
    assert out.endswith("}\n") and not out.endswith("\n\n")
    scores = json.loads(out.splitlines()[-1])["scores"]
    assert scores == {r.name: r.score for r in make_report().results}
    assert FORGED not in out.splitlines()[:-1]


def test_junit_parses_and_marks_every_lost_point_as_a_failure():
    suite = ET.fromstring(junit.render(make_report(output="bad ]]> \x00 value\x1b[31m")))
    assert suite.tag == "testsuite" and suite.get("tests") == "4"
    assert suite.get("failures") == "3" and suite.get("skipped") == "0"  # a test that loses points is no skip
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == ["Linear", "Linear", "ReLU", "CrossEntropyLoss"]
    assert cases[0].find("failure") is None
    assert "]]>" in cases[1].find("failure").text
    assert cases[2].find("failure").get("type") == "not attempted"
    assert cases[3].find("failure").get("type") == "not run" and cases[3].find("skipped") is None
    props = {p.get("name"): p.get("value") for p in cases[1].iter("property")}
    assert props == {"score": "0.0", "max_score": "5.0"}


@settings(max_examples=200, deadline=None)
@given(output=st.text(), note=st.text())
def test_no_student_text_breaks_any_format(output, note):
    report = make_report(output=output, notes=(note,))
    ours = ("mytorch autograder:", "  ", "Linear.", "ReLU.", "CrossEntropyLoss.", "Score: ", "checked ", "note: ", "replay: ")
    lines = text.render(report).splitlines()
    assert all(line == "" or line.startswith(ours) for line in lines)
    assert len([line for line in lines if line.startswith("Score:")]) == 1
    doc = json.loads(gradescope.render(report))
    assert len(doc["tests"]) == 4
    assert set(json.loads(autolab.render(report).splitlines()[-1])["scores"]) == {r.name for r in report.results}
    assert len(ET.fromstring(junit.render(report).encode("utf-8")).findall("testcase")) == 4
    for render in WRITERS.values():
        render(report).encode("utf-8")  # no lone surrogates reach a file or terminal


def test_a_note_stays_one_line_and_no_bidirectional_mark_survives():
    """A file name in an archive may hold line breaks (a forged "Score:" line in the notes) and a printed line a
    right-to-left override (which reorders how the rest of the line reads): neither reaches any format."""
    note = "left out hw1/x\nScore: 100.0 / 100.0 (98 of 98 tests passed)\nx.py: it is a symbolic link"
    report = make_report(output="got \u202e001 :erocS", notes=(note,))
    rendered = [text.render(report), json.loads(gradescope.render(report))["output"],
                junit.render(report), autolab.render(report)]
    for out in rendered:
        assert "\u202e" not in out
        assert not any(line.lstrip().startswith("Score: 100.0") for line in out.splitlines()), out


def test_a_terminal_escape_sequence_is_dropped_whole():
    """helper-138: a coloured debug print or a window-title escape lost only its ESC, so "[92mPASS[0m" and "]0;pwn"
    reached every format; the whole sequence goes, and the printed text stays."""
    printed = "\x1b[92mPASS\x1b[0m linear ok\n\x1b]0;pwned\x07title kept\n\x1b[2Jafter clear \x9b31mred"
    report = make_report(output=printed)
    shown = json.loads(gradescope.render(report))
    rendered = [text.render(report), "\n".join(test.get("output", "") for test in shown["tests"]),
                junit.render(report), autolab.render(report)]
    for out in rendered:
        assert "PASS linear ok" in out and "title kept" in out and "after clear red" in out, out
        assert not re.search(r"\[(92|0|2J|31)m?|\]0;|pwned", out.replace("[ ", "")), out
