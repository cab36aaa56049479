"""The class report (`autograder.batch_report.render`): safe, self-contained, and its numbers right."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from autograder.batch_report import MAX_TEXT, normalise, render

VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "line", "path", "circle", "wbr"}
ALLOWED = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "div", "section",
           "span", "b", "i", "small", "code", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
           "details", "summary", "svg", "g", "rect", "line", "text"}


class Page(HTMLParser):
    """Every element (tag, attributes, its text) and a check that tags nest."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {[e['tag'] for e in self.stack]}")

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": [], "parents": [e["tag"] for e in self.stack],
              "classes": [e["attrs"].get("class", "") for e in self.stack]}
        self.elements.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1]["tag"] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1]['tag'] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for el in self.stack:
            el["text"].append(data)

    def find(self, tag: str, cls: str | None = None, inside: str | None = None) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag
                and (cls is None or cls in e["attrs"].get("class", "").split())
                and (inside is None or any(inside in c.split() for c in e["classes"]))]


def text_of(el: dict) -> str:
    return "".join(el["text"])


def parse(html: str) -> Page:
    page = Page(html)
    assert page.errors == []
    return page


def result(name: str, passed: bool, output: str = "", max_score: float = 1.0) -> dict:
    return {"name": name, "score": max_score if passed else 0.0, "max_score": max_score,
            "status": "passed" if passed else "failed", "output": "" if passed else output,
            "visibility": "visible"}


def row(name: str, score: float | None, tests: list[dict] | None = None, error: str | None = None,
        seconds: float = 0.5, max_score: float = 100.0) -> dict:
    return {"name": name, "score": score, "max_score": max_score, "seconds": seconds, "error": error,
            "tests": tests or []}


def test_normalise_replaces_numbers_not_identifiers():
    assert normalise("dLdb: shape mismatch: got (1,), expected (1, 1)") == "dLdb: shape mismatch: got (#,), expected (#, #)"
    assert (normalise("got -0.372892, expected 19.84 (rtol=0.0001, atol=1e-05) at 0x7f3a")
            == "got #, expected # (rtol=#, atol=#) at #")
    assert normalise("MLP4.backward: dLdA0 is float64; Linear(2, 3)") == "MLP4.backward: dLdA0 is float64; Linear(#, #)"


def test_names_and_outputs_only_ever_appear_escaped():
    evil_name = "<script>alert(1)</script>"
    evil_out = "</details><img src=x onerror=alert(1)>\nhint: <b onmouseover=alert(2)>bold</b>"
    evil_test = 'Linear.forward: "><svg onload=alert(3)>'
    rows = [
        row(evil_name, 1.0, [result(evil_test, False, evil_out), result("ReLU.forward: output A", True, max_score=1.0)]),
        row("bob", 2.0, [result(evil_test, True), result("ReLU.forward: output A", True)]),
        row("<iframe src=//x>", None, error="not a zip archive <style>body{display:none}</style>"),
    ]
    html = render(rows, title="<title>x</title>")
    page = parse(html)
    tags = {e["tag"] for e in page.elements}
    assert tags <= ALLOWED, tags - ALLOWED
    assert not re.search(r"<\s*(script|img|iframe|b\s)", html, re.I)
    assert "onerror" not in "".join(str(e["attrs"]) for e in page.elements if e["tag"] != "details"
                                    and e["tag"] != "g")  # names are kept in data-test, escaped
    assert all(not k.startswith("on") for e in page.elements for k in e["attrs"])
    assert len(page.find("style")) == 1  # the page's own, none from an error
    text = "".join(page.text)
    assert evil_name in text and "</details><img src=x onerror=alert(1)>" in text
    assert "<b onmouseover=alert(2)>bold</b>" in text  # the hint, as text
    assert "<iframe src=//x>" in text and "<style>body{display:none}</style>" in text
    # the failing test's <details> still holds both of its lists: nothing closed it early
    details = page.find("details", "test")
    assert len(details) == 1 and details[0]["attrs"]["data-test"] == evil_test
    assert len(page.find("ol", "msgs")) == len(page.find("ol", "hints")) == 1
    assert page.find("title")[0]["text"] == ["<title>x</title>"]


def test_no_external_resources_and_no_script():
    rows = [row("a", 50.0, [result("Linear.forward: output Z", False, "see https://example.com/x\nhint: http://x")])]
    html = render(rows, title="t")
    page = parse(html)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    for e in page.elements:
        for k, v in e["attrs"].items():
            assert k not in ("src", "href", "xlink:href", "srcset", "action"), e
            if k == "style":
                assert "url(" not in (v or "")
    style = text_of(page.find("style")[0])
    assert "url(" not in style and "@import" not in style and "http" not in style
    # the student's URL is text only
    assert "see https://example.com/x" in "".join(page.text)
    csp = [e for e in page.find("meta") if e["attrs"].get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["attrs"]["content"]


def bar_counts(page: Page, chart: str) -> list[int]:
    return [int(e["attrs"]["data-count"]) for e in page.find("rect", "bar", inside=chart)]


def test_score_histogram_counts_match_the_scores():
    scores = [0, 5, 9.99, 10, 55, 55.5, 99.9, 100, 100, 100]
    rows = [row(f"s{i}", s) for i, s in enumerate(scores)] + [row("x", None, error="not a zip archive")]
    page = parse(render(rows))
    assert bar_counts(page, "scores") == [3, 1, 0, 0, 0, 2, 0, 0, 0, 4]
    heights = [float(e["attrs"]["height"]) for e in page.find("rect", "bar", inside="scores")]
    assert heights[9] > heights[0] > heights[5] > heights[1] > 0 == heights[2]
    # the counts are written above the bars too
    svg_text = [text_of(e) for e in page.find("text", inside="scores")]
    for c in ("3", "1", "2", "4"):
        assert c in svg_text
    cards = {text_of(e["k"]): text_of(e["v"]) for e in cards_of(page)}
    assert cards["Submissions"] == "11" and cards["Graded"] == "10" and cards["Not graded"] == "1"
    assert cards["Mean score"] == "53.5 / 100" and cards["Median score"] == "55.25 / 100"
    assert cards["Full marks"] == "3"


def cards_of(page: Page) -> list[dict]:
    out = []
    for card in page.find("div", "card"):
        i = page.elements.index(card)
        k = next(e for e in page.elements[i:] if "k" in e["attrs"].get("class", "").split())
        v = next(e for e in page.elements[i:] if "v" in e["attrs"].get("class", "").split())
        out.append({"k": k, "v": v})
    return out


def test_pass_rate_per_test_counts_graded_entries_only():
    names = ["Linear.forward: output Z", "Linear.backward: dLdW", "ReLU.forward: output A"]
    passes = [(True, True, False), (True, False, False), (True, True, True), (False, True, False)]
    rows = [row(f"s{i}", 1.0, [result(n, p) for n, p in zip(names, ps)]) for i, ps in enumerate(passes)]
    rows.append(row("broken", None, [result(n, False, "no mytorch/ found") for n in names], error="no mytorch/ found"))
    page = parse(render(rows))
    got = {g["attrs"]["data-test"]: (int(g["attrs"]["data-passed"]), int(g["attrs"]["data-total"]))
           for g in page.find("g", "test-rate")}
    assert got == {names[0]: (3, 4), names[1]: (3, 4), names[2]: (1, 4)}
    # in the tests' order, grouped by class, with the rate written out
    assert list(got) == names
    assert [text_of(h) for h in page.find("h3", inside="cls")][:2] == [
        "Linear · 2 tests · 75% of 2 pts earned on average", "ReLU · 1 test · 25% of 1 pt earned on average"]
    texts = [text_of(t) for t in page.find("text", inside="rates")]
    assert texts.count("75%") == 2 and texts.count("25%") == 1
    # no failure group holds the ungraded entry's message
    assert "no mytorch/ found" not in "".join(text_of(e) for e in page.find("details"))


def test_the_class_grouping_keeps_first_appearance_order():
    names = ["Linear.forward: a", "ReLU.forward: b", "Linear.backward: c", "odd name without class"]
    page = parse(render([row("s", 1.0, [result(n, True) for n in names])]))
    assert [g["attrs"]["data-test"] for g in page.find("g", "test-rate")] == [names[0], names[2], names[1], names[3]]


def failure_groups(page: Page, test_name: str, kind: str, who: bool = False) -> list[tuple]:
    """(count, message) of each group listed for the test; with `who`, (count, message, who got it)."""
    details = [d for d in page.find("details", "test") if d["attrs"]["data-test"] == test_name]
    assert len(details) == 1
    i = page.elements.index(details[0])
    end = next((j for j in range(i + 1, len(page.elements)) if page.elements[j]["tag"] == "details"),
               len(page.elements))
    out = []
    for j, e in enumerate(page.elements[i:end], i):
        if e["tag"] == "li" and kind in e["attrs"].get("class", "").split():
            after = next((w for w in page.elements[j + 1:end] if w["tag"] == "li"
                          or "who" in w["attrs"].get("class", "").split()), None)
            names = text_of(after) if after is not None and after["tag"] != "li" else ""
            shown, body = re.fullmatch(r"(\d+)×(.*)", text_of(e)[:len(text_of(e)) - len(names)], re.S).groups()
            assert shown == e["attrs"]["data-count"]  # the count written is the one counted
            out.append((int(shown), body, names) if who else (int(shown), body))
    return out


def test_failure_messages_group_with_numbers_normalised_and_hints_counted():
    name = "Linear.backward: dLdW"
    outputs = [
        "dLdW: wrong values in 3 of 3 entries; largest error at index (2, 0): got 4.96038, expected 19.8415\n"
        "hint: your dLdW is divided by N; do not divide\ncalls: Linear(1, 3)",
        "dLdW: wrong values in 12 of 12 entries; largest error at index (1, 1): got -0.5, expected 2\n"
        "hint: your dLdW is divided by N; do not divide\nhint: your dLdW is divided by N; do not divide",
        "dLdW: wrong values in 1 of 4 entries; largest error at index (0, 3): got 1e-05, expected 0.25\n"
        "hint: your dLdW is transposed",
        "dLdW: shape mismatch: got (1,), expected (1, 1)\nhint: keep it a column",
        "dLdW: shape mismatch: got (7,), expected (7, 1)",
        "not attempted: Linear.backward raises NotImplementedError",
        "  hint: an indented line a student printed is not a hint",
    ]
    rows = [row(f"s{i}", 0.0, [result(name, False, o)]) for i, o in enumerate(outputs)]
    rows.append(row("ok", 1.0, [result(name, True)]))
    page = parse(render(rows))
    msgs = failure_groups(page, name, "msg")
    assert msgs[0][0] == 3 and msgs[0][1].startswith(
        "dLdW: wrong values in # of # entries; largest error at index (#, #): got #, expected #")
    assert "e.g. dLdW: wrong values in 3 of 3 entries" in msgs[0][1]  # an example, as it was
    assert msgs[1] == (2, "dLdW: shape mismatch: got (#,), expected (#, #)e.g. dLdW: shape mismatch: got (1,), expected (1, 1)")
    rest = sorted(msgs[2:])
    assert rest == [(1, "hint: an indented line a student printed is not a hint"),
                    (1, "not attempted: Linear.backward raises NotImplementedError")]  # the same every time: as is
    hints = failure_groups(page, name, "hint")
    assert hints[0] == (2, "your dLdW is divided by N; do not divide")  # once per entry, not per line
    assert sorted(hints[1:]) == [(1, "keep it a column"), (1, "your dLdW is transposed")]
    details = page.find("details", "test")[0]
    assert details["attrs"]["data-failed"] == "7"
    assert "7 of 8 failed (88%)" in text_of(details)


def test_a_real_mistake_comes_before_an_unwritten_method_as_common():
    """A class of one skeleton and one mistake: the test's top message is the mistake, not "not attempted"."""
    name = "Linear.backward: dLdW"
    rows = [row("bob", 0.0, [result(name, False, "not attempted: Linear.backward raises NotImplementedError")]),
            row("dave", 98.5, [result(name, False, "dLdW: wrong values in 3 of 3 entries; largest error at index "
                                                   "(0, 0): got 1, expected 2\nhint: your dLdW is divided by N")])]
    msgs = failure_groups(parse(render(rows)), name, "msg")
    assert msgs[0][1].startswith("dLdW: wrong values") and msgs[1][1].startswith("not attempted"), msgs


def test_only_the_top_five_messages_and_hints_are_listed():
    name = "Tanh.forward: output A"
    rows = []
    for k in range(8):  # message k (and hint k) given by k + 1 entries
        for j in range(k + 1):
            rows.append(row(f"s{k}-{j}", 0.0, [result(name, False, f"A: mistake number {'abcdefgh'[k]}\nhint: fix {'abcdefgh'[k]}")]))
    page = parse(render(rows))
    msgs = failure_groups(page, name, "msg")
    assert [c for c, _ in msgs] == [8, 7, 6, 5, 4]
    assert [t for _, t in msgs] == [f"A: mistake number {c}" for c in "hgfed"]
    assert [c for c, _ in failure_groups(page, name, "hint")] == [8, 7, 6, 5, 4]
    assert "and 3 other messages" in text_of(page.find("details", "test")[0])


def test_ungraded_entries_are_listed_with_their_reasons():
    rows = [row("alice", 90.0, [result("Linear.forward: output Z", True)]),
            row("bob.rar", None, error="not a zip archive", seconds=0.001),
            row("carol", None, [result("Linear.forward: output Z", False, "x")], error="no mytorch/ found"),
            row("dan", None, error="not a zip archive"),
            row("eve", 10.0, [result("Linear.forward: output Z", False, "y")], error="grading stopped: out of time")]
    page = parse(render(rows))
    table = [[text_of(td) for td in tds] for tds in table_rows(page, "ungraded")]
    assert table == [["2", "bob.rar", "not a zip archive", "1 ms"], ["3", "carol", "no mytorch/ found", "0.50 s"],
                     ["4", "dan", "not a zip archive", "0.50 s"]]
    reasons = [(int(li["attrs"]["data-count"]), text_of(li)) for li in page.find("li", inside="reasons")]
    assert reasons == [(2, "2×not a zip archive"), (1, "1×no mytorch/ found")]
    noted = [[text_of(td) for td in tds] for tds in table_rows(page, "noted")]
    assert noted == [["5", "eve", "grading stopped: out of time", "10"]]
    entries = [[text_of(td) for td in tds] for tds in table_rows(page, "entries")]
    assert [e[1] for e in entries] == ["alice", "bob.rar", "carol", "dan", "eve"]
    assert entries[1][2] == "not graded" and entries[1][5] == "not a zip archive"
    assert entries[0][2] == "90 / 100" and entries[0][3] == "90%" and entries[0][5] == "graded"


def table_rows(page: Page, cls: str) -> list[list[dict]]:
    tables = page.find("table", cls)
    assert len(tables) == 1
    i = page.elements.index(tables[0])
    out: list[list[dict]] = []
    for e in page.elements[i + 1:]:
        if e["tag"] == "table":
            break
        if e["tag"] == "tr" and "tbody" in e["parents"]:
            out.append([])
        elif e["tag"] == "td" and out:
            out[-1].append(e)
    return out


def test_no_rows():
    page = parse(render([], title="nothing"))
    cards = {text_of(e["k"]): text_of(e["v"]) for e in cards_of(page)}
    assert cards["Submissions"] == "0" and cards["Graded"] == "0" and cards["Mean score"] == "—"
    text = "".join(page.text)
    assert "No submissions." in text and "No submission was graded." in text and "Every submission was graded." in text
    assert page.find("rect", "bar") == []


def test_all_ungraded_one_row_empty_tests_and_zero_max_score():
    page = parse(render([row("a", None, error="not a zip archive"), row("b", None, error="no mytorch/ found")]))
    assert bar_counts(page, "scores") == [] and page.find("g", "test-rate") == []
    assert len(table_rows(page, "ungraded")) == 2

    page = parse(render([row("solo", 42.0, [])]))  # graded, but no test list
    assert bar_counts(page, "scores") == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert "No graded submission has test results." in "".join(page.text)

    page = parse(render([row("z", 0.0, [result("Linear.forward: output Z", True, max_score=0.0)], max_score=0.0)]))
    assert bar_counts(page, "scores") == [1]
    assert [(g["attrs"]["data-passed"], g["attrs"]["data-total"]) for g in page.find("g", "test-rate")] == [("1", "1")]

    # rows with odd values do not break the page
    page = parse(render([{"name": None, "score": float("nan"), "max_score": None, "seconds": "slow",
                          "error": None, "tests": None}, {}]))
    assert len(table_rows(page, "entries")) == 2


def test_huge_outputs_are_cut():
    first = "Z: " + "x" * 100_000
    out = first + "\nhint: " + "h" * 10_000 + "\n" + "printed\n" * 100_000
    rows = [row(f"s{i}", 0.0, [result("Linear.forward: output Z", False, out)], error="e" * 5000,
                seconds=0.1) for i in range(20)]
    html = render(rows)
    page = parse(html)
    assert len(html) < 200_000
    groups = failure_groups(page, "Linear.forward: output Z", "msg") + failure_groups(page, "Linear.forward: output Z", "hint")
    assert [c for c, _ in groups] == [20, 20]
    for _, body in groups:
        assert len(body) == MAX_TEXT and body.endswith("…")
    for cells in table_rows(page, "noted"):
        assert len(text_of(cells[2])) == MAX_TEXT


def thousand_rows() -> list[dict]:
    classes = ["Linear", "ReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "MSELoss", "CrossEntropyLoss",
               "BatchNorm1d", "SGD"]
    names = [f"{c}.{m}: check {k}" for c in classes for m in ("forward", "backward") for k in range(5)]
    rows = []
    for i in range(1000):
        tests = []
        for j, n in enumerate(names):
            ok = (i * 7 + j * 13) % 10 < 8
            tests.append(result(n, ok, f"Z: wrong values in {i % 9 + 1} of 9 entries; got {i * 0.37:.3f}\n"
                                     f"hint: hint {j % 3}\ncalls: {n}\nfailing input:\n  Z (3, 4) = [[...]]", 1.0))
        score = sum(t["score"] for t in tests)
        if i % 97 == 0:
            rows.append(row(f"student{i}", None, [], error="not a zip archive", seconds=0.01))
        else:
            rows.append(row(f"student{i}", score, tests, seconds=0.2 + (i % 13) * 0.05, max_score=100.0))
    return rows


def test_a_thousand_rows_render_small_and_complete():
    html = render(thousand_rows())  # (how long it takes is `make bench`'s "report" line, not a timed test)
    assert len(html) < 1_500_000
    page = parse(html)
    assert len(table_rows(page, "entries")) == 1000
    assert len(table_rows(page, "ungraded")) == 11  # i = 0, 97, ..., 970
    assert sum(bar_counts(page, "scores")) == 989
    assert sum(bar_counts(page, "times")) == 989  # the graded ones
    rates = page.find("g", "test-rate")
    assert len(rates) == 100 and all(g["attrs"]["data-total"] == "989" for g in rates)
    # every failure of a test reads the same once numbers are '#': one message group per test
    for d in page.find("details", "test")[:3]:
        msgs = failure_groups(page, d["attrs"]["data-test"], "msg")
        assert len(msgs) == 1 and msgs[0][0] == int(d["attrs"]["data-failed"])


def test_time_histogram_puts_a_far_outlier_in_its_own_bar():
    rows = [row(f"s{i}", 50.0, seconds=0.3 + 0.01 * i) for i in range(30)] + [row("slow", 10.0, error="grading stopped: 60 s", seconds=61.0)]
    page = parse(render(rows))
    counts = bar_counts(page, "times")
    assert sum(counts) == 31 and counts[-1] == 1 and len(counts) <= 13
    assert "slower than" in "".join(page.text)
    assert text_of(page.find("ol", "slowest")[0]).startswith("slow")


@pytest.mark.parametrize("bad", ["\x00\x1b[31m", "\ud800", "\u202eevil"])
def test_control_characters_and_lone_surrogates_do_not_reach_the_page(bad):
    html = render([row(f"n{bad}x", 1.0, [result("Linear.forward: output Z", False, f"msg{bad}\nhint: h{bad}")])])
    html.encode("utf-8")  # would raise on a lone surrogate
    assert "\x00" not in html and "\x1b" not in html and "\u202e" not in html


def test_the_first_line_ends_at_any_line_break():
    name = "Linear.forward: output Z"
    outputs = ["Z: wrong\rhint: not a line of its own", "Z: wrong\u2028more", "Z: wrong\nhint: fix it", "\n\nhint: x"]
    page = parse(render([row(f"s{i}", 0.0, [result(name, False, o)]) for i, o in enumerate(outputs)]))
    assert sorted(failure_groups(page, name, "msg")) == [(1, "(no message)"), (3, "Z: wrong")]
    assert sorted(failure_groups(page, name, "hint")) == [(1, "fix it"), (1, "x")]


def test_each_failure_message_and_hint_names_the_submissions_that_got_it():
    """Staff go and look at who made a mistake: each group names them (the first few, then how many more)."""
    name = "Linear.forward: output Z"
    rows = [row(f"student{i}", 0.0, [result(name, False, f"Z: wrong values in {i} of 9 entries\nhint: add the bias")])
            for i in range(9)]
    rows += [row("<b>mallory</b>", 0.0, [result(name, False, "Z: shape mismatch\nhint: add the bias")]),
             row("ok", 1.0, [result(name, True)])]
    page = parse(render(rows))
    msgs = failure_groups(page, name, "msg", who=True)
    assert [(count, who) for count, _, who in msgs] == [
        (9, "student0, student1, student2, student3, student4, student5 and 3 more"), (1, "<b>mallory</b>")]
    hints = failure_groups(page, name, "hint", who=True)
    assert hints == [(10, "add the bias", "student0, student1, student2, student3, student4, student5 and 4 more")]
    assert "<b>mallory</b>" not in render(rows)  # a name is text, escaped like any other


def test_two_hand_ins_under_one_name_are_told_apart_by_their_files():
    """helper-149: bob/ and bob.zip, one student's two hand-ins, both read "bob" in every list of the report (the
    gradebook told them apart by their entry and file alone): a name two rows share is shown with its file."""
    name = "Linear.forward: output Z"
    rows = [{**row("bob", 0.0, [result(name, False, "Z: shape mismatch")]), "file": "bob"},
            {**row("bob", 0.0, [result(name, False, "Z: shape mismatch")]), "file": "bob.zip"},
            {**row("alice", 0.0, [result(name, False, "Z: shape mismatch")]), "file": "alice.zip"}]
    page = parse(render(rows))
    (count, _, who), = failure_groups(page, name, "msg", who=True)
    assert count == 3 and who == "bob, bob (bob.zip), alice", who  # (the folder's name is the name itself)


def test_the_report_calls_a_students_hand_in_a_submission_throughout():
    """One word for what a student handed in ("entries" is also what a test's messages call array values)."""
    name = "Linear.forward: output Z"
    pages = [
        render([row("ann", 50.0, [result(name, False, "Z: wrong values in 3 of 4 entries\nhint: add the bias")]),
                row("ben", 100.0, [result(name, True)]), row("cy", None, error="not a zip archive", seconds=0.01),
                row("dee", 20.0, [result(name, False, "Z: wrong")], error="grading stopped: out of time"),
                {"name": None, "score": 1.0}]),
        render([row("cy", None, error="not a zip archive"), row("eve", None, error="no mytorch/ found")]),
        render([]),
    ]
    for html in pages:
        page = parse(html)
        text = "".join(page.text)
        for e in page.find("style") + page.find("span", "msg") + page.find("span", "top"):
            text = text.replace(text_of(e), " ")  # (the page's CSS; the tests' own messages)
        assert not re.search(r"entr(y|ies)", text, re.I), re.findall(r".{0,40}entr.{0,40}", text, re.I)
        assert "submission" in text


def test_when_no_submission_could_be_graded_a_sentence_replaces_the_charts():
    """Empty axes (a score chart of nothing, a time chart of refusals) say nothing: a sentence does."""
    rows = [row("ann.zip", None, error="not a zip archive", seconds=0.01),
            row("ben.zip", None, error="not a zip archive", seconds=0.02),
            row("cy", None, error="no mytorch/ found", seconds=0.01)]
    page = parse(render(rows))
    assert page.find("svg") == []
    assert [e["attrs"].get("id") for e in page.find("section")] == ["none-graded", "ungraded", "entries"]
    said = text_of(page.find("section")[0])
    assert "None of the 3 submissions could be graded" in said and "(2 of them): not a zip archive" in said
    assert "failed any test" not in "".join(page.text)  # (no test was run: none was failed)
    assert len(table_rows(page, "ungraded")) == 3


def test_the_time_chart_holds_the_graded_submissions_only():
    """A refused submission takes milliseconds: charted, those would fill the first bar and the minimum."""
    rows = [row(f"s{i}", 50.0, seconds=1.0 + 0.1 * i) for i in range(6)]
    rows += [row(f"bad{i}", None, error="not a zip archive", seconds=0.002) for i in range(4)]
    page = parse(render(rows))
    assert sum(bar_counts(page, "times")) == 6
    section = text_of(next(e for e in page.find("section") if e["attrs"].get("id") == "time"))
    assert "6 graded submissions: min 1.00 s" in section and "the 4 submissions that could not be graded" in section
    assert "bad" not in text_of(page.find("ol", "slowest")[0])
    # the card's total is every submission's; where that differs from the chart's, it says the graded ones' too
    # (helper-119 read "25.4 s" on the card and "in all 25.3 s" under the chart as one of them wrong)
    card = next(text_of(c) for c in page.find("div", "card") if text_of(c).startswith("Time in all"))
    assert "summed over every submission, 7.50 s over the graded ones" in card, card
    assert "in all 7.50 s" in section


def test_hidden_tests_are_marked_in_the_pass_rates_and_failures():
    """The grader's hidden tests are "after_published" in the results (Gradescope's "hidden" too): staff
    reading the pass rates must tell them from the tests students see."""
    tests = [("Linear.forward: output Z", "visible"), ("Linear.backward: large layers", "after_published"),
             ("ReLU.forward: secret", "hidden"), ("ReLU.backward: dLdZ", "after_due_date")]
    rows = [row(f"s{i}", 1.0, [{**result(n, i == 0, "wrong"), "visibility": v} for n, v in tests]) for i in range(3)]
    page = parse(render(rows))
    labels = [text_of(t) for t in page.find("text", inside="rates")]
    assert labels.count("1 pt \u00b7 hidden") == 3 and labels.count("1 pt") == 1
    marked = {g["attrs"]["data-test"]: g["attrs"].get("data-hidden") for g in page.find("g", "test-rate")}
    assert marked == {tests[0][0]: "no", tests[1][0]: "yes", tests[2][0]: "yes", tests[3][0]: "yes"}
    tags = {d["attrs"]["data-test"]: text_of(d) for d in page.find("details", "test")}
    assert "hidden until grades are published" in tags[tests[1][0]] and "hidden" not in tags[tests[0][0]]
    lost = {text_of(cells[0]) for cells in table_rows(page, "lost")}
    assert tests[1][0] + "hidden until grades are published" in lost and tests[0][0] in lost


def test_the_tests_most_submissions_failed_come_first():
    """A blank skeleton fails every test once: the mistake three students made must not sit among those."""
    names = ["Linear.forward: a", "Linear.backward: b", "ReLU.forward: c"]
    blank = row("blank", 0.0, [result(n, False, "not attempted") for n in names])
    common = [row(f"s{i}", 2.0, [result(names[0], True), result(names[1], True), result(names[2], False, "wrong")])
              for i in range(3)]
    page = parse(render([blank, *common]))
    order = [d["attrs"]["data-test"] for d in page.find("details", "test")]
    assert order == [names[2]], order
    # the tests the blank skeleton alone failed are one line each, at the end (helper-119: 90 cards for one skeleton)
    listed = [(li["attrs"]["data-test"], li["attrs"]["data-failed"]) for li in page.find("li", inside="unwritten")
              if "data-test" in li["attrs"]]
    assert listed == [(names[0], "1"), (names[1], "1")], listed
    assert "2 more tests failed only where a method was not attempted" in text_of(page.find("details", "unwritten")[0])
    assert "blank" in text_of(page.find("ul", "unwritten")[0])
