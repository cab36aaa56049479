"""report.html as course staff see it: laid out by a real browser (Debian's headless Chromium, driven over the
DevTools protocol on a pipe), not only parsed.

The checks of test_batch_report read the page's markup; these ask the browser what it made of it: that every chart
has a size and every counted bar is drawn, that nothing (a long unbroken failure message, a thousand students)
pushes the page wider than the window, that the page's own policy blocks nothing it needs, and that markup in a
student's name or output stays text.

Chromium is not a dependency of the grader: where it is not installed these tests are skipped with that reason,
except where AUTOGRADER_BROWSER_TESTS=required (`.ci/run` installs it and sets that), where they fail instead."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder.batch_report import render
from test_batch_report import result, row, thousand_rows

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# (the flags keep a headless Chromium off the network this machine has not got, and out of any profile of its own)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]

# What the page's layout is, read in the browser once it has loaded: sizes in CSS pixels.
LAYOUT = r"""JSON.stringify({
  width: innerWidth, scrollWidth: document.documentElement.scrollWidth,
  height: document.documentElement.scrollHeight,
  charts: [...document.querySelectorAll('svg')].map(s => {
    const b = s.getBoundingClientRect();
    return {chart: s.closest('[class]') ? s.closest('[class]').className.baseVal || s.closest('[class]').className : '',
            width: b.width, height: b.height, left: b.left, right: b.right};
  }),
  bars: [...document.querySelectorAll('rect.bar')].map(r => ({count: +r.dataset.count, height: r.getBBox().height})),
  wide: [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > (e.closest('section') || document.body).getBoundingClientRect().right + 0.5)
        .map(e => e.tagName + '.' + (e.className.baseVal === undefined ? e.className : e.className.baseVal)),
  split: [...document.querySelectorAll('table.lost td.name, .cls h3, summary .t')].flatMap(e => {
    // a word of a test's name broken across two lines ("CrossEntropyLoss.bac|kward"): its range has two boxes
    const text = e.firstChild, out = [];
    if (!text || text.nodeType !== Node.TEXT_NODE) return out;
    for (const m of text.data.matchAll(/\S+/g)) {
      const r = document.createRange();
      r.setStart(text, m.index); r.setEnd(text, m.index + m[0].length);
      if (r.getClientRects().length > 1) out.push(m[0]);
    }
    return out;
  }),
  tags: [...new Set([...document.querySelectorAll('*')].map(e => e.tagName.toLowerCase()))],
  text: document.body.innerText,
  ran: typeof window.__ran,
  tables: [...document.querySelectorAll('table')].map(t => {
    const box = t.parentElement.getBoundingClientRect();
    return {rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0, height: box.height,
            scrolls: t.parentElement.scrollHeight > t.parentElement.clientHeight};
  }),
})"""


class Chromium:
    """One headless Chromium, spoken to over --remote-debugging-pipe (JSON messages ended by NUL on its fds 3
    and 4): open a page, wait for its load, evaluate an expression; what the page logged is kept."""

    def __init__(self, width: int = 1280, height: int = 900):
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()

        def fds():  # its fds 3 and 4: copies above both first (either may be 3 or 4), then inheritable ones there
            a, b = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser))
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.profile = tempfile.mkdtemp(prefix="report-browser-")
        self.proc = subprocess.Popen(
            [BROWSER, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            preexec_fn=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4))  # (kept open past preexec_fn: the ones it made)
        os.close(to_browser)
        os.close(from_browser)
        self.buffer, self.last, self.events = b"", 0, []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Log", "Runtime"):
            self.send(f"{domain}.enable", session=self.session)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self.last += 1
        message = {"id": self.last, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self.last)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, wanted) -> dict:
        while True:
            while b"\0" in self.buffer:
                line, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(line)
                if wanted(message):
                    return message
                self.events.append(message)
            chunk = os.read(self._replies, 1 << 16)
            assert chunk, "Chromium ended"
            self.buffer += chunk

    def open(self, path: Path, expression: str):
        """Load the page, then the value of the expression in it."""
        self.send("Page.navigate", session=self.session, url=path.as_uri())
        self.wait(lambda m: m.get("method") == "Page.loadEventFired")
        got = self.send("Runtime.evaluate", session=self.session, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in got, got
        return json.loads(got["result"]["value"])

    def logged(self) -> list[str]:
        """What the page wrote to the console or the browser logged for it (a blocked resource, a script error)."""
        out = []
        for m in self.events:
            if m.get("method") == "Log.entryAdded":
                out.append(f"{m['params']['entry']['level']}: {m['params']['entry']['text']}")
            elif m.get("method") == "Runtime.consoleAPICalled":
                out.append(f"console.{m['params']['type']}")
            elif m.get("method") == "Runtime.exceptionThrown":
                out.append(f"exception: {m['params']['exceptionDetails'].get('text')}")
        return out

    def close(self):
        try:
            self.send("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._commands)
        os.close(self._replies)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def browser():
    """Chromium(width=...) for the test, closed after it."""
    if BROWSER is None:
        if os.environ.get("AUTOGRADER_BROWSER_TESTS") == "required":
            pytest.fail("AUTOGRADER_BROWSER_TESTS=required, but no chromium is installed (apt install chromium)")
        pytest.skip("Debian's chromium is not installed (apt install chromium): the report is not laid out here")
    opened = []

    def start(width: int = 1280) -> Chromium:
        opened.append(Chromium(width))
        return opened[-1]

    yield start
    for one in opened:
        one.close()


def laid_out(browser: Chromium, tmp_path: Path, html: str) -> dict:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    return browser.open(page, LAYOUT)


EVIL_NAME = '<img src=x onerror="window.__ran=1">'
EVIL_OUTPUT = '</details><script>window.__ran=2</script>\nhint: <svg onload="window.__ran=3">'
# text from a student with no place to break a line (a name, a failure message): it must not widen its box
UNBROKEN = "Z_" * 1500
LONG_NAME = "submission_of_" + "a" * 300


def a_class() -> list[dict]:
    tests = ["Linear.forward: output Z", "Linear.backward: dLdW", "ReLU.forward: output A",
             "CrossEntropyLoss.forward: finite for large logits", "BatchNorm1d.backward: large batches and many features"]
    rows = []
    for i in range(30):
        failing = {tests[i % 5]} if i % 3 else set()
        output = UNBROKEN if i == 4 else f"Z: wrong values in {i % 5 + 1} of 9 entries\nhint: divide by N"
        rows.append(row(LONG_NAME if i == 7 else f"student{i:03}", 100.0 - 10 * len(failing),
                        [result(t, t not in failing, output, 10.0) for t in tests], seconds=0.3 + 0.01 * i))
    rows.append(row(EVIL_NAME, 40.0, [result(t, False, EVIL_OUTPUT, 10.0) for t in tests]))
    rows.append(row("broken.zip", None, error="not a zip archive: " + "x" * 2000))
    return rows


@pytest.mark.parametrize("width", [1280, 800])  # a desktop's window, and half of a laptop's screen
def test_the_report_lays_out_in_a_real_browser(browser, tmp_path, width):
    chromium = browser(width)
    got = laid_out(chromium, tmp_path, render(a_class(), title="hw1: " + EVIL_NAME))
    assert chromium.logged() == []  # nothing blocked by the page's policy, no script error, nothing fetched
    # every chart is drawn with a size, inside the window: the two histograms, and a pass-rate chart per class
    assert [c["chart"] for c in got["charts"]] == ["chart scores", "chart times"] + ["chart rates"] * 4
    for chart in got["charts"]:
        assert chart["width"] > 300 and chart["height"] > 25 and 0 <= chart["left"] and chart["right"] <= width, chart
    # a counted bar has a height, an empty bin none
    assert got["bars"] and all((bar["height"] > 0) == (bar["count"] > 0) for bar in got["bars"]), got["bars"]
    # nothing is wider than the window or its box: not a 2,000-character reason in the tables, not a long name
    # or failure message (they wrap)
    assert got["scrollWidth"] <= width and got["wide"] == [], got["wide"][:10]
    # no word of a test's name is broken across lines (helper-119 read "BatchNorm1d.backwa|rd" at 800 px)
    assert got["split"] == [], got["split"]
    # markup from a student stays text: no element it names exists, none of its code ran, and staff read it
    assert not {"img", "script", "iframe"} & set(got["tags"]) and got["ran"] == "undefined"
    assert EVIL_NAME in got["text"] and "32 submissions: 31 graded, 1 not graded" in got["text"]


def test_a_thousand_students_fit_a_page_staff_can_scroll(browser, tmp_path):
    chromium = browser()
    got = laid_out(chromium, tmp_path, render(thousand_rows(), title="a large class"))
    assert chromium.logged() == []
    assert got["scrollWidth"] <= got["width"] and got["wide"] == [], got["wide"][:10]
    # the table of every submission holds 1,000 rows in a box of its own that scrolls, not a page 30,000 px long
    every = max(got["tables"], key=lambda t: t["rows"])
    assert every["rows"] == 1000 and every["scrolls"] and every["height"] < 1200, every
    assert got["height"] < 20_000, got["height"]
    assert sum(bar["count"] for bar in got["bars"][:10]) == 989  # the score histogram: every graded student
