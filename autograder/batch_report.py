"""The course staff's report of a whole class's grading: one self-contained HTML page.

`render(rows, title=...)` takes one dict per submission (the shape the
`batch` command builds, see `render`) and returns an HTML5 page that needs no
network to view: inline CSS, charts drawn here as inline SVG, no script, no
font, stylesheet or image from elsewhere (a Content-Security-Policy meta tag
forbids them too, should anything slip through).

Every string in a row (names, errors, test names and outputs) may come from a
student, so every one is cleaned (`writers._clean`) and HTML-escaped before it
reaches the page, and long ones are cut to `MAX_TEXT` characters.

Statistics over tests (pass rates, failure messages, hints) and times use the
graded submissions only (score not None): one that could not be graded has
every test failed for one reason that is not about any test (and took no time
to refuse), and is listed with that reason instead. Each failure message and
hint names the submissions that got it (the first `NAMES`), so staff can go
and look. The page says "submission" for what a student handed in, always
("entries" is what a test's own messages say of an array's values).
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from html import escape
from typing import Any, Iterable, Mapping

from .writers._clean import clean

__all__ = ["render", "normalise"]

MAX_TEXT = 300  # characters of any message, hint, name or reason shown
TOP = 5  # failure messages and hints shown per test
NAMES = 6  # submissions named per failure message or hint ("and 12 more" for the rest)
_HINTS_PER_OUTPUT = 20  # hint lines read from one output, at most

_NUMBER = re.compile(r"(?<![\w.])(?:0[xX][0-9a-fA-F]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?!\w)")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # would reorder the text around a name


def normalise(message: str) -> str:
    """`message` with every number (integer, decimal, exponent, hex) replaced by '#'.

    Digits inside identifiers stay ("MLP4", "dLdA0", "float64"), so the same
    mistake on different inputs reads the same:
    "got (1,), expected (1, 1)" -> "got (#,), expected (#, #)".
    """
    return _NUMBER.sub("#", message)


# ---------------------------------------------------------------- small helpers

def _text(value: Any, limit: int = MAX_TEXT) -> str:
    """One line of untrusted text, cleaned and cut to `limit` characters (not yet escaped)."""
    s = str(value) if value is not None else ""
    if len(s) > 4 * limit:
        s = s[: 4 * limit]
    s = _BIDI.sub("", clean(s).replace("\n", " ")).strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "\u2026"


def _e(value: Any, limit: int = MAX_TEXT) -> str:
    return escape(_text(value, limit), quote=True)


def _num(value: Any) -> float | None:
    """A finite float, or None for anything else (None, NaN, text)."""
    if isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _pts(x: float | None) -> str:
    if x is None:
        return "\u2014"
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _pts_unit(x: float | None) -> str:
    return f"{_pts(x)} pt{'' if x == 1 else 's'}"


def _pct(x: float | None) -> str:
    """A percentage to a tenth where it is not whole (98.5, not a rounded 98)."""
    return "\u2014" if x is None else f"{x:.1f}".removesuffix(".0") + "%"


def _secs(s: float | None) -> str:
    if s is None:
        return "\u2014"
    if s < 0.1:
        return f"{s * 1000:.0f} ms"
    if s < 10:
        return f"{s:.2f} s"
    if s < 60:
        return f"{s:.1f} s"
    if s < 3600:
        m, r = divmod(int(round(s)), 60)
        return f"{m} min {r:02d} s"
    h, r = divmod(int(round(s)), 3600)
    return f"{h} h {r // 60:02d} min"


def _nice_step(span: float, parts: int) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts `span` into at most about `parts` parts."""
    if span <= 0:
        return 1.0
    raw = span / parts
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def _split_name(name: str) -> tuple[str, str]:
    """("Linear", "forward: output Z") from "Linear.forward: output Z"; ("Other", name) otherwise."""
    head, sep, _ = name.partition(":")
    if sep and "." in head:
        cls, _, rest = name.partition(".")
        if cls and re.fullmatch(r"[A-Za-z_]\w*", cls):
            return cls, rest
    return "Other", name


# a test's Gradescope visibility when students do not see it as they hand in (the hidden tests are
# "after_published"): the chart says "hidden", its tooltip and the tables say until when
_HIDDEN = {"hidden": "hidden from students", "after_published": "hidden until grades are published",
           "after_due_date": "hidden until the due date"}


def _hidden(st: "_TestStats") -> str:
    """How long students do not see this test ('' for a visible one)."""
    return _HIDDEN.get(st.visibility, "")


def _colour(rate: float) -> str:
    if rate >= 0.9:
        return "#2f855a"
    if rate >= 0.6:
        return "#c77c02"
    return "#c53030"


# ---------------------------------------------------------------- collecting

class _Group:
    """One group of failure messages (or hints) that read the same once numbers are '#', and the first
    NAMES submissions that got one."""
    __slots__ = ("count", "example", "varies", "names")

    def __init__(self, example: str):
        self.count = 0
        self.example = example
        self.varies = False
        self.names: list[str] = []


class _TestStats:
    __slots__ = ("name", "max_score", "visibility", "total", "passed", "messages", "hints")

    def __init__(self, name: str):
        self.name = name
        self.max_score: float | None = None
        self.visibility = "visible"
        self.total = 0
        self.passed = 0
        self.messages: dict[str, _Group] = {}
        self.hints: dict[str, _Group] = {}

    @property
    def failed(self) -> int:
        return self.total - self.passed

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def _add(groups: dict[str, _Group], text: str, memo: dict[str, tuple[str, str]] | None = None,
         who: str | None = None) -> None:
    """Count `text` in its group, for submission `who`; `memo` keeps each raw text's cleaned form and key
    (they repeat a lot)."""
    done = memo.get(text) if memo is not None else None
    if done is None:
        clean_text = _text(text, 4 * MAX_TEXT)
        done = (clean_text, _text(normalise(clean_text)))
        if memo is not None and len(memo) < 100_000:
            memo[text] = done
    text, key = done
    g = groups.get(key)
    if g is None:
        g = groups[key] = _Group(text)
    elif not g.varies and g.example != text:
        g.varies = True
    g.count += 1
    if who is not None and len(g.names) < NAMES:
        g.names.append(who)


def _top(groups: dict[str, _Group]) -> list[tuple[str, _Group]]:
    """The most common first; between as common, a mistake before what only says a method was not written or not
    run (a newcomer's class showed a skeleton's "not attempted" as a test's top message, not the real mistake)."""
    return sorted(groups.items(), key=lambda kv: (-kv[1].count, kv[1].example.startswith(_UNWRITTEN)))[:TOP]


_UNWRITTEN = ("not attempted", "not run", "not credited")


class _Row:
    __slots__ = ("index", "name", "score", "max_score", "seconds", "error", "tests")

    def __init__(self, index: int, raw: Mapping[str, Any]):
        self.index = index
        self.name = _text(raw.get("name"), MAX_TEXT) or f"(submission {index + 1})"
        self.score = _num(raw.get("score"))
        self.max_score = _num(raw.get("max_score"))
        self.seconds = _num(raw.get("seconds"))
        err = raw.get("error")
        self.error = _text(err) if err not in (None, "") else None
        tests = raw.get("tests")
        self.tests = tests if isinstance(tests, (list, tuple)) else []

    @property
    def graded(self) -> bool:
        return self.score is not None

    @property
    def fraction(self) -> float | None:
        if self.score is None or not self.max_score or self.max_score <= 0:
            return None
        return self.score / self.max_score


def _hints(output: str) -> list[str]:
    """The text of the lines of `output` that start with 'hint:' (a student's printed lines are indented)."""
    found = []
    i = 0 if output.startswith("hint:") else output.find("\nhint:")
    while i != -1 and len(found) < _HINTS_PER_OUTPUT:
        start = i + 5 if i == 0 and output.startswith("hint:") else i + 6
        end = output.find("\n", start)
        found.append(output[start:end if end != -1 else len(output)][: 4 * MAX_TEXT])
        i = output.find("\nhint:", start) if end != -1 else -1
    return found


def _collect(rows: list[_Row]) -> dict[str, _TestStats]:
    stats: dict[str, _TestStats] = {}
    by_raw: dict[Any, _TestStats] = {}  # a test's name as given -> its stats (the same names in every row)
    memo: dict[str, tuple[str, str]] = {}
    firsts: dict[str, str] = {}  # an output's raw first line -> the first line shown
    for row in rows:
        if not row.graded:
            continue
        for t in row.tests:
            if not isinstance(t, dict) and not isinstance(t, Mapping):
                continue
            raw = t.get("name")
            key = raw if isinstance(raw, str) else None
            st = by_raw.get(key) if key is not None else None
            if st is None:
                name = _text(raw, 4 * MAX_TEXT) or "(unnamed test)"
                st = stats.get(name)
                if st is None:
                    st = stats[name] = _TestStats(name)
                    st.max_score = _num(t.get("max_score"))
                    st.visibility = _text(t.get("visibility"), 40) or "visible"
                if key is not None:
                    by_raw[key] = st
            st.total += 1
            if t.get("status") == "passed":
                st.passed += 1
                continue
            out = t.get("output")
            out = out if isinstance(out, str) else ("" if out is None else str(out))
            nl = out.find("\n", 0, 8 * MAX_TEXT)
            raw_first = out[: nl if nl != -1 else 8 * MAX_TEXT]
            first = firsts.get(raw_first)
            if first is None:  # clean splits at the other line breaks (\r, U+2028, ...) too
                first = clean(raw_first).split("\n", 1)[0].strip() or "(no message)"
                if len(firsts) < 100_000:
                    firsts[raw_first] = first
            _add(st.messages, first, memo, row.name)
            seen = set()
            for h in _hints(out):
                h = h.strip()
                if h and h not in seen:
                    seen.add(h)
                    _add(st.hints, h, memo, row.name)
    return stats


# ---------------------------------------------------------------- SVG charts

_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"'


def _histogram_svg(counts: list[int], edges: list[str], x_label: str, y_label: str,
                   css_class: str, colour: str, width: int = 620, height: int = 260,
                   last_label: str | None = None) -> str:
    """A vertical bar chart: one bar per count, `edges` (len(counts) + 1) labelled under the bar boundaries.

    With `last_label`, the last bar is an overflow bin ("more than ..."): it stands apart, labelled
    `last_label` under its middle, and the last edge is not labelled.
    """
    left, right, top, bottom = 52, 14, 22, 50
    pw, ph = width - left - right, height - top - bottom
    n = max(len(counts), 1)
    peak = max(counts) if counts else 0
    step = max(1, int(_nice_step(max(peak, 1), 4)))
    ymax = max(step, math.ceil(max(peak, 1) / step) * step)
    bw = pw / n
    out = [f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="{escape(x_label)} histogram" {_FONT} font-size="12">']
    for v in range(0, ymax + 1, step):
        y = top + ph - ph * v / ymax
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4a5568">{v}</text>')
    for i, c in enumerate(counts):
        h = ph * c / ymax
        x = left + i * bw
        label = f"{edges[i]}\u2013{edges[i + 1]}: {c}"
        if last_label is not None and i == n - 1:
            label = f"{last_label}: {c}"
            x += bw * 0.15
        out.append(f'<rect class="bar" data-bin="{i}" data-count="{c}" x="{x + 1.5:.1f}" y="{top + ph - h:.1f}" '
                   f'width="{max(bw - 3, 1):.1f}" height="{h:.1f}" fill="{colour}" rx="2">'
                   f'<title>{escape(label)}</title></rect>')
        if c:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{top + ph - h - 5:.1f}" text-anchor="middle" '
                       f'fill="#1a202c" font-weight="600">{c}</text>')
    label_every = max(1, math.ceil((n + 1) / 12))
    if last_label is not None:
        out.append(f'<text x="{left + (n - 0.5) * bw + bw * 0.15:.1f}" y="{top + ph + 17}" text-anchor="middle" '
                   f'fill="#4a5568">{escape(last_label)}</text>')
    for i, e in enumerate(edges):
        if (i % label_every and i != n) or (last_label is not None and i == n):
            continue
        x = left + i * bw
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + ph}" y2="{top + ph + 4}" stroke="#718096"/>'
                   f'<text x="{x:.1f}" y="{top + ph + 17}" text-anchor="middle" fill="#4a5568">{escape(e)}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#718096"/>'
               f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#718096"/>'
               f'<text x="{left + pw / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#2d3748">{escape(x_label)}</text>'
               f'<text transform="translate(14 {top + ph / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'fill="#2d3748">{escape(y_label)}</text></svg>')
    return "".join(out)


def _rates_svg(tests: list[_TestStats], width: int = 680) -> str:
    """One class's tests as horizontal pass-rate bars, in their order; a hidden test's points say so."""
    label_w, bar_w, row_h, top = 300, 175, 22, 4
    height = top + row_h * len(tests) + 4
    x0 = label_w
    out = [f'<svg class="chart rates" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="pass rate per test" {_FONT} font-size="12">']
    for i, st in enumerate(tests):
        y = top + i * row_h
        _, label = _split_name(st.name)
        short = label if len(label) <= 42 else label[:41].rstrip() + "\u2026"
        hidden = " \u00b7 hidden" if _hidden(st) else ""
        paint = 'fill="#6b46c1" font-weight="600"' if hidden else 'fill="#4a5568"'
        w = bar_w * st.rate
        out.append(f'<g class="test-rate" data-test="{escape(st.name)}" data-passed="{st.passed}" '
                   f'data-total="{st.total}" data-hidden="{"yes" if hidden else "no"}"><title>{escape(st.name)}: '
                   f'{st.passed} of {st.total} passed ({st.rate * 100:.1f}%), {_pts_unit(st.max_score)}'
                   f'{f", {_hidden(st)}" if hidden else ""}</title>'
                   f'<text x="{x0 - 8}" y="{y + 15}" text-anchor="end" fill="#1a202c">{escape(short)}</text>'
                   f'<rect x="{x0}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="#edf2f7" rx="2"/>'
                   f'<rect x="{x0}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{_colour(st.rate)}" rx="2"/>'
                   f'<text x="{x0 + bar_w + 8}" y="{y + 15}" fill="#1a202c" font-weight="600">'
                   f'{st.rate * 100:.0f}%</text>'
                   f'<text x="{width - 4}" y="{y + 15}" text-anchor="end" {paint}>'
                   f'{_pts_unit(st.max_score)}{hidden}</text></g>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- page sections

_CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f5f7fa;color:#1a202c;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1360px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:0 0 12px}
h3{font-size:15px;margin:0 0 6px}
.sub{color:#4a5568;margin:0 0 20px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:18px 20px;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:0 0 18px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 14px}
.card .k{color:#4a5568;font-size:13px}
.card .v{font-size:24px;font-weight:650;line-height:1.2;margin-top:2px}
.card .d{color:#4a5568;font-size:12.5px}
.card.bad .v{color:#c53030}
.card .v small{font-size:15px;font-weight:500;color:#4a5568}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(620px,1fr));gap:18px}
.two>section{margin:0}
.classes{display:grid;grid-template-columns:repeat(auto-fit,minmax(600px,1fr));gap:8px 28px}
.cls{padding:6px 0 2px;border-top:1px solid #edf2f7}
.cls h3 span{color:#4a5568;font-weight:400}
.muted{color:#4a5568}
.small{font-size:13px}
svg.chart{display:block;max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 10px;border-bottom:1px solid #edf2f7;vertical-align:top}
th{background:#f7fafc;color:#2d3748;font-weight:600;position:sticky;top:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fbfcfd}
.name{word-break:break-word}
table.lost td.name{word-break:normal}
table.lost th.n{white-space:normal}
.err{color:#9b2c2c;overflow-wrap:anywhere}
.ok{color:#276749}
code,.msg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px;word-break:break-word}
.meter{display:inline-block;width:80px;height:8px;background:#edf2f7;border-radius:4px;vertical-align:middle;margin-left:8px;overflow:hidden}
.meter i{display:block;height:100%}
details{border:1px solid #e2e8f0;border-radius:6px;margin:0 0 8px;background:#fff}
details[open]{background:#fcfdfe}
summary{cursor:pointer;padding:8px 12px;list-style-position:outside;margin-left:14px}
summary .t{font-weight:600}
summary .c{color:#9b2c2c;font-weight:600;margin-left:6px}
summary .top{display:block;color:#4a5568;font-size:12.5px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;word-break:break-word}
.fail{padding:4px 14px 12px 26px;display:grid;grid-template-columns:1fr 1fr;gap:6px 24px}
.fail ol,ol.reasons{margin:4px 0 0;padding-left:0;list-style:none}
.fail li,.reasons li{display:flex;gap:10px;padding:4px 0;border-bottom:1px dashed #edf2f7}
.fail li b,.reasons li b{min-width:42px;text-align:right;font:600 13px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-variant-numeric:tabular-nums;color:#9b2c2c}
.fail li.hint b{color:#2b6cb0}
ol.reasons{margin:0 0 12px}
.eg{display:block;color:#4a5568;font-size:12px}
.who{display:block;color:#2d3748;font:12px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.who::before{content:"who: ";color:#718096}
.tag.hidden{background:#e9d8fd;color:#44337a}
.note{background:#fffbea;border:1px solid #f6e05e;border-radius:6px;padding:8px 12px;margin:0 0 14px;font-size:14px}
.tag{display:inline-block;background:#edf2f7;color:#2d3748;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px}
.legend{font-size:13px;color:#4a5568;margin:0 0 8px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 12px;vertical-align:0}
.scroll{max-height:720px;overflow:auto;border:1px solid #edf2f7;border-radius:6px}
.empty{color:#4a5568;font-style:italic}
ul.unwritten{margin:0;padding:4px 14px 10px 40px;font-size:14px}
ul.unwritten li{margin:3px 0;overflow-wrap:anywhere}
@media print{.scroll{max-height:none;overflow:visible}body{background:#fff}}
"""


def _card(key: str, value: str, detail: str = "", bad: bool = False) -> str:
    cls = "card bad" if bad else "card"
    d = f'<div class="d">{detail}</div>' if detail else ""
    return f'<div class="{cls}"><div class="k">{key}</div><div class="v">{value}</div>{d}</div>'


def _plural(n: int, word: str = "submission") -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(rows: list[_Row], graded: list[_Row], full: float | None) -> str:
    ungraded = len(rows) - len(graded)
    scores = [r.score for r in graded]
    fr = [f for f in (r.fraction for r in graded) if f is not None]
    secs = [r.seconds for r in rows if r.seconds is not None]
    graded_secs = [r.seconds for r in graded if r.seconds is not None]
    total = sum(secs)
    of = f'<small> / {_pts(full)}</small>' if full is not None else ""
    if scores:
        mean, med = statistics.fmean(scores), statistics.median(scores)
        mean_d = f"{_pct(100 * statistics.fmean(fr))} of the points" if fr else ""
        med_d = f"{_pct(100 * statistics.median(fr))} of the points" if fr else ""
        full_n = sum(1 for r in graded if r.max_score and r.score >= r.max_score - 1e-9)
        range_d = f"lowest {_pts(min(scores))}, highest {_pts(max(scores))}"
    else:
        mean = med = None
        mean_d = med_d = range_d = "no submission was graded"
        full_n = 0
    with_problems = sum(1 for r in graded if r.error)
    graded_d = f"{with_problems} with a problem noted" if with_problems else (
        f"{len(graded) / len(rows) * 100:.0f}% of the submissions" if rows else "")
    # (the time chart's "in all" is the graded ones': said here too where they differ, helper-119 read two totals)
    time_d = "summed over every submission" + (
        f", {_secs(sum(graded_secs))} over the graded ones" if ungraded and graded_secs and _secs(total) != _secs(sum(graded_secs))
        else "") + (f"; median {_secs(statistics.median(graded_secs))} per graded one" if graded_secs else "")
    cards = [
        _card("Submissions", str(len(rows))),
        _card("Graded", str(len(graded)), graded_d),
        _card("Not graded", str(ungraded), "listed below with reasons" if ungraded else "", bad=ungraded > 0),
        _card("Mean score", f"{_pts(None if mean is None else round(mean, 1))}{of if mean is not None else ''}", mean_d),
        _card("Median score", f"{_pts(med)}{of if med is not None else ''}", med_d),
        _card("Full marks", str(full_n), range_d),
        _card("Time in all", _secs(total) if secs else "\u2014", time_d if secs else ""),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _score_section(graded: list[_Row], full: float | None) -> str:
    head = '<section id="scores"><h2>Score distribution</h2>'
    if not graded:
        return head + '<p class="empty">No submission was graded.</p></section>'
    bins = 10
    counts = [0] * bins
    if full is not None and full > 0:
        for r in graded:
            f = min(max(r.score / full, 0.0), 1.0)
            counts[min(int(f * bins + 1e-9), bins - 1)] += 1
        edges = [_pts(full * i / bins) for i in range(bins + 1)]
        q = (statistics.quantiles([r.score for r in graded], n=4, method="inclusive") if len(graded) > 1
             else [graded[0].score] * 3)  # (inclusive: between the lowest score and the highest, never past them)
        note = (f'<p class="muted small">{_plural(len(graded), "graded submission")} in {bins} '
                f'bins of {_pts(full / bins)} points; the last bin includes full marks. Quartiles: '
                f'{_pts(q[0])} \u00b7 {_pts(q[1])} \u00b7 {_pts(q[2])}.</p>')
    else:  # no points to be had: every score is in one bin
        counts = [len(graded)]
        edges = ["0", "0"]
        note = '<p class="muted small">The maximum score is 0: every graded submission is in one bin.</p>'
    of = f"score (out of {_pts(full)})" if full is not None else "score"
    return head + _histogram_svg(counts, edges, of, "submissions", "scores", "#3b6fb6") + note + "</section>"


def _time_section(rows: list[_Row]) -> str:
    """The graded submissions' grading times: one that could not be graded was refused before any test
    ran (a few milliseconds), and would only pile up in the first bar."""
    head = '<section id="time"><h2>Time per submission</h2>'
    timed = [r for r in rows if r.graded and r.seconds is not None]
    left_out = sum(1 for r in rows if not r.graded)
    if not timed:
        return head + '<p class="empty">No graded submission has a time recorded.</p></section>'
    secs = sorted(max(r.seconds, 0.0) for r in timed)
    hi = secs[-1]
    # a few very slow submissions (a time limit hit) would squash every other bar into the first bin:
    # past three times the 90th percentile, they go to one last bin of their own
    p90 = secs[int(0.9 * (len(secs) - 1))]
    cap = hi if hi <= 3 * p90 or p90 <= 0 else 2 * p90
    width = _nice_step(cap or 1, 10)
    bins = max(1, math.ceil(cap / width - 1e-9)) if cap > 0 else 1
    over = sum(1 for s in secs if s > bins * width + 1e-12)
    counts = [0] * bins
    for s in secs:
        if s <= bins * width + 1e-12:
            counts[min(int(s / width), bins - 1)] += 1
    edges = [_pts(width * i) for i in range(bins + 1)]
    if over:
        counts.append(over)
        edges.append(_pts(hi))
        last = f"> {_pts(bins * width)}"
    else:
        last = None
    stats = (f'<p class="small">{_plural(len(secs), "graded submission")}: min <b>{_secs(secs[0])}</b> \u00b7 '
             f'median <b>{_secs(statistics.median(secs))}</b> \u00b7 mean <b>{_secs(statistics.fmean(secs))}</b>'
             f' \u00b7 max <b>{_secs(hi)}</b> \u00b7 in all <b>{_secs(sum(secs))}</b></p>')
    note = (f'<p class="muted small">The last bar holds the {_plural(over)} slower than '
            f'{_pts(bins * width)} s.</p>') if over else ""
    if left_out:
        note += (f'<p class="muted small">Not charted: the {_plural(left_out)} that could not be graded '
                 '(refused before any test ran; their times are in the tables below).</p>')
    slow = sorted(timed, key=lambda r: -r.seconds)[:5]
    slow_html = "".join(f'<li><span class="name">{escape(r.name)}</span> <span class="muted">'
                        f'{_secs(r.seconds)}</span></li>' for r in slow)
    return (head + stats + _histogram_svg(counts, edges, "seconds", "submissions", "times", "#6b46c1", height=220,
                                          last_label=last)
            + note + f'<h3>Slowest</h3><ol class="small slowest">{slow_html}</ol></section>')


def _rates_section(stats: dict[str, _TestStats], n_graded: int) -> str:
    head = '<section id="rates"><h2>Pass rate per test</h2>'
    if not stats:
        return head + '<p class="empty">No graded submission has test results.</p></section>'
    groups: dict[str, list[_TestStats]] = {}
    for st in stats.values():
        groups.setdefault(_split_name(st.name)[0], []).append(st)
    any_hidden = any(_hidden(st) for st in stats.values())
    legend = ('<p class="legend">Share of the graded submissions that passed each test, grouped by class, in the '
              'tests\u2019 order; points at the right' +
              (', <b style="color:#6b46c1">hidden</b> for a test students do not see as they hand in (Gradescope '
               'shows it once grades are published)' if any_hidden else '') +
              '.<i style="background:#2f855a"></i>90% or more'
              '<i style="background:#c77c02"></i>60\u201390%<i style="background:#c53030"></i>under 60%</p>')
    parts = [head, legend, '<div class="classes">']
    for cls, tests in groups.items():
        pts = sum(t.max_score or 0 for t in tests)
        earned = sum((t.max_score or 0) * t.rate for t in tests)
        share = f"{earned / pts * 100:.0f}% of {_pts_unit(pts)} earned on average" if pts else "no points"
        parts.append(f'<div class="cls"><h3>{escape(cls)} <span>\u00b7 {len(tests)} test'
                     f'{"" if len(tests) == 1 else "s"} \u00b7 {share}</span></h3>{_rates_svg(tests)}</div>')
    parts.append("</div>")
    # where the points went: the tests that cost the class most
    lost = sorted((st for st in stats.values() if st.failed), key=lambda st: -(st.max_score or 0) * (1 - st.rate))
    if lost:
        rows = "".join(
            f'<tr><td class="name">{escape(st.name)}{_hidden_tag(st)}</td><td class="n">{st.failed} of {st.total}</td>'
            f'<td class="n">{_pct(100 * (1 - st.rate))}</td><td class="n">{_pts(st.max_score)}</td>'
            f'<td class="n">{(st.max_score or 0) * (1 - st.rate):.2f}</td></tr>' for st in lost[:10])
        parts.append('<h3 style="margin-top:16px">Where the points were lost</h3><table class="lost"><thead><tr>'
                     '<th>test</th><th class="n">failed</th><th class="n">fail rate</th><th class="n">points</th>'
                     '<th class="n">points lost per graded submission</th></tr></thead><tbody>' + rows +
                     "</tbody></table>")
    parts.append("</section>")
    return "".join(parts)


def _hidden_tag(st: _TestStats) -> str:
    return f'<span class="tag hidden">{_hidden(st)}</span>' if _hidden(st) else ""


def _who(g: _Group) -> str:
    """The submissions that got this message or hint: the first NAMES, and how many more."""
    more = g.count - len(g.names)
    names = ", ".join(escape(name) for name in g.names)
    return (f'<span class="who">{names}{f" and {more} more" if more > 0 else ""}</span>' if names else "")


def _group_li(key: str, g: _Group, cls: str) -> str:
    if g.varies:
        body = f'{escape(key)}<span class="eg">e.g. {_e(g.example)}</span>'
    else:
        body = _e(g.example)
    return (f'<li class="{cls}" data-count="{g.count}"><b>{g.count}\u00d7</b><span class="msg">{body}'
            f'{_who(g)}</span></li>')


def _failures_section(stats: dict[str, _TestStats]) -> str:
    head = ('<section id="failures"><h2>Failures by test</h2><p class="legend" style="margin-left:0">'
            f'For each test that any graded submission failed, the tests most submissions failed first: the {TOP} most '
            f'common failure messages (their first '
            f'line; those that differ only in their numbers count as one, shown as the first seen, so the same mistake '
            f'on different inputs counts once) and the {TOP} most '
            f'common hints, with how many submissions got each and which (the first {NAMES}). A test failed only where '
            f'a method was not attempted, not run or not credited is one line of the list at the end.</p>')
    failing = sorted((st for st in stats.values() if st.failed), key=lambda st: -st.failed)  # (the most common
    # first: a blank skeleton in the class fails every test once, and must not bury the mistakes many made)
    if not failing:
        return head + '<p class="empty">No graded submission failed any test.</p></section>'
    # A test failed only as not attempted, not run or not credited (a blank skeleton's every test: helper-119's class
    # of 14 had 90 cards for one) is one line of a list at the end: what it says is the method's, not the test's.
    unwritten = [st for st in failing if all(g.example.startswith(_UNWRITTEN) for g in st.messages.values())]
    parts = [head]
    for st in (st for st in failing if st not in unwritten):
        msgs = _top(st.messages)
        hints = _top(st.hints)
        top_key, top_g = msgs[0]
        top = escape(top_key) if top_g.varies else _e(top_g.example)
        more_m = len(st.messages) - len(msgs)
        more_h = len(st.hints) - len(hints)
        m_html = "".join(_group_li(k, g, "msg") for k, g in msgs)
        if more_m > 0:
            m_html += f'<li class="more muted small">and {more_m} other message{"" if more_m == 1 else "s"}</li>'
        if hints:
            h_html = "".join(_group_li(k, g, "hint") for k, g in hints)
            if more_h > 0:
                h_html += f'<li class="more muted small">and {more_h} other hint{"" if more_h == 1 else "s"}</li>'
        else:
            h_html = '<li class="muted small">no hints given</li>'
        parts.append(
            f'<details class="test" data-test="{escape(st.name)}" data-failed="{st.failed}">'
            f'<summary><span class="t">{escape(st.name)}</span><span class="c">{st.failed} of {st.total} failed '
            f'({(1 - st.rate) * 100:.0f}%)</span><span class="tag">{_pts_unit(st.max_score)}</span>{_hidden_tag(st)}'
            f'<span class="top">{top}</span></summary>'
            f'<div class="fail"><div><h3>Failure messages</h3><ol class="msgs">{m_html}</ol></div>'
            f'<div><h3>Hints</h3><ol class="hints">{h_html}</ol></div></div></details>')
    if unwritten:
        items = "".join(
            f'<li data-test="{escape(st.name)}" data-failed="{st.failed}"><span class="t">{escape(st.name)}</span> '
            f'<span class="muted small">{st.failed} of {st.total}: {_e(top.example)}{_who(top)}</span></li>'
            for st in unwritten for _, top in _top(st.messages)[:1])
        parts.append(f'<details class="unwritten"><summary>{_plural(len(unwritten), "more test")} failed only where a '
                     f'method was not attempted, not run or not credited (what the other tests of that method '
                     f'report)</summary><ul class="unwritten">{items}</ul></details>')
    parts.append("</section>")
    return "".join(parts)


def _none_graded_section(rows: list[_Row]) -> str:
    """In place of the charts when no submission could be graded: they would have nothing to show."""
    groups: dict[str, _Group] = {}
    for r in rows:
        _add(groups, r.error or "no reason given")
    key, top = max(groups.items(), key=lambda kv: kv[1].count)
    why = f'<span class="err">{escape(key) if top.varies else _e(top.example)}</span>'
    none = f"None of the {_plural(len(rows))} could be graded"
    if len(rows) == 1:
        said = f"The one submission could not be graded: {why}."
    elif top.count == len(rows):
        said = f"{none}, all for one reason: {why}."
    elif top.count > 1:
        said = f"{none}; the most common reason ({top.count} of them): {why}."
    else:
        said = f"{none}, each for a reason of its own."
    return (f'<section id="none-graded"><h2>No submission could be graded</h2><p>{said} There are no scores, '
            'times or test results to chart; each submission\u2019s reason is listed below.</p></section>')


def _ungraded_section(rows: list[_Row]) -> str:
    bad = [r for r in rows if not r.graded]
    noted = [r for r in rows if r.graded and r.error]
    head = f'<section id="ungraded"><h2>Submissions that could not be graded ({len(bad)})</h2>'
    if not bad:
        parts = [head, '<p class="empty">Every submission was graded.</p>']
    else:
        reasons: dict[str, _Group] = {}
        for r in bad:
            _add(reasons, r.error or "no reason given")
        summary = "".join(_group_li(k, g, "reason") for k, g in sorted(reasons.items(), key=lambda kv: -kv[1].count)[:8])
        body = "".join(f'<tr><td class="n">{r.index + 1}</td><td class="name">{escape(r.name)}</td>'
                       f'<td class="err">{escape(r.error or "no reason given")}</td>'
                       f'<td class="n">{_secs(r.seconds)}</td></tr>' for r in bad)
        parts = [head, f'<ol class="reasons">{summary}</ol>',
                 '<div class="scroll"><table class="ungraded"><thead><tr><th class="n">#</th><th>submission</th>'
                 f'<th>reason</th><th class="n">time</th></tr></thead><tbody>{body}</tbody></table></div>']
    if noted:
        body = "".join(f'<tr><td class="n">{r.index + 1}</td><td class="name">{escape(r.name)}</td>'
                       f'<td class="err">{escape(r.error)}</td><td class="n">{_pts(r.score)}</td></tr>' for r in noted)
        parts.append(f'<h3 style="margin-top:14px">Graded, with a problem noted ({len(noted)})</h3>'
                     '<div class="scroll"><table class="noted"><thead><tr><th class="n">#</th><th>submission</th>'
                     f'<th>problem</th><th class="n">score</th></tr></thead><tbody>{body}</tbody></table></div>')
    parts.append("</section>")
    return "".join(parts)


def _entries_section(rows: list[_Row]) -> str:
    head = f'<section id="entries"><h2>Every submission ({len(rows)})</h2>'
    if not rows:
        return head + '<p class="empty">No submissions.</p></section>'
    body = []
    for r in rows:
        f = r.fraction
        if r.graded:
            meter = (f'<span class="meter"><i style="width:{max(0.0, min(f, 1.0)) * 100:.0f}%;'
                     f'background:{_colour(f)}"></i></span>') if f is not None else ""
            score = f'{_pts(r.score)} / {_pts(r.max_score)}{meter}'
            status = f'<span class="err">{escape(r.error)}</span>' if r.error else '<span class="ok">graded</span>'
        else:
            score = '<span class="muted">not graded</span>'
            status = f'<span class="err">{escape(r.error or "could not be graded")}</span>'
        body.append(f'<tr><td class="n">{r.index + 1}</td><td class="name">{escape(r.name)}</td>'
                    f'<td class="n">{score}</td><td class="n">{_pct(None if f is None else 100 * f)}</td>'
                    f'<td class="n">{_secs(r.seconds)}</td><td>{status}</td></tr>')
    return (head + '<div class="scroll"><table class="entries"><thead><tr><th class="n">#</th><th>submission</th>'
            '<th class="n">score</th><th class="n">%</th><th class="n">time</th><th>status</th></tr></thead><tbody>'
            + "".join(body) + "</tbody></table></div></section>")


def _full_score(graded: list[_Row]) -> float | None:
    """The most common max_score of the graded submissions (they are all the same in a normal run)."""
    c = Counter(r.max_score for r in graded if r.max_score is not None)
    return c.most_common(1)[0][0] if c else None


def render(rows: Iterable[Mapping[str, Any]], title: str = "Grading report", notes: Iterable[str] = ()) -> str:
    """The whole class's grading as one self-contained HTML5 page.

    Each row is one submission::

        {"name": str, "file": str (optional: shown beside a name two rows share), "score": float | None,
         "max_score": float, "seconds": float,
         "error": str | None, "tests": [Gradescope test dicts: name, score, max_score,
                                         status "passed"/"failed", output, visibility]}

    score None means the submission could not be graded (error says why). Missing
    keys and non-finite numbers are read as absent. `notes`: what staff should know
    about the whole batch (a metadata file that could not be read), under the title.
    """
    raws = [r if isinstance(r, Mapping) else {} for r in rows]
    entries = [_Row(i, r) for i, r in enumerate(raws)]
    named = Counter(r.name for r in entries)
    for row, raw in zip(entries, raws):  # (helper-149: bob/ and bob.zip, one student's two hand-ins, read "bob" twice)
        shown = _text(raw.get("file") or raw.get("entry"), MAX_TEXT)
        if named[row.name] > 1 and shown and shown != row.name:
            row.name = f"{row.name} ({shown})"
    graded = [r for r in entries if r.graded]
    full = _full_score(graded)
    stats = _collect(entries)
    t = _e(title, 200) or "Grading report"
    n_ungraded = len(entries) - len(graded)
    sub = (f'{_plural(len(entries))}: {len(graded)} graded, {n_ungraded} not graded; {len(stats)} tests. '
           'Test statistics and times use the graded submissions only.') if graded else \
        f'{_plural(len(entries))}: none could be graded.' if entries else "No submissions."
    warnings = "".join(f'<p class="note">{_e(note)}</p>' for note in notes)
    if entries and not graded:  # nothing to chart: one sentence, not empty axes
        charts = [_none_graded_section(entries)]
    else:
        charts = ['<div class="two">', _score_section(graded, full), _time_section(entries), "</div>",
                  '<div style="height:18px"></div>', _rates_section(stats, len(graded)), _failures_section(stats)]
    page = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{t}</title><style>{_CSS}</style></head><body><main>",
        f'<h1>{t}</h1><p class="sub">{sub}</p>{warnings}',
        _summary(entries, graded, full),
        *charts,
        _ungraded_section(entries),
        _entries_section(entries),
        "</main></body></html>\n",
    ]
    return "".join(page)
