"""Make any text (student output included) safe to embed in every format.

Student code controls much of a test's `output`: printed lines, exception
messages. `clean` turns it into plain text that cannot break a format:

- every line break Python knows (\\r\\n, \\r, \\v, \\f, \\x1c-\\x1e, \\x85,
  U+2028, U+2029) becomes \\n, so "a line" means the same to every reader;
- a terminal's escape sequences (colours, cursor moves, window titles) are dropped whole, not just their
  ESC: a student's coloured debug print reads "PASS", not "[92mPASS[0m";
- other control characters (NUL, ...) are dropped, and so are the marks that reorder how
  a line reads (U+202E right-to-left override and the other bidirectional controls);
- lone surrogates become U+FFFD, and U+FFFE/U+FFFF are dropped.

What remains is legal in XML 1.0, encodes as UTF-8 and stores in any database.
`indent` then puts every line behind a prefix, so nothing a student prints can
start at column 0 and pose as a line the grader wrote.
"""
from __future__ import annotations

import re

_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# ECMA-48: a control sequence (ESC [ or CSI, parameters, intermediates, a final byte), an operating system command
# (ESC ] or OSC ... up to BEL or ESC \\, or the line's end), or ESC and one more character
_ESCAPE = re.compile("(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\\]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)?"
                     "|\x1b[ -~]")


def clean(text: str) -> str:
    """`text` with line breaks normalised to \\n and unsafe characters removed."""
    text = "\n".join(_ESCAPE.sub("", str(text)).splitlines())
    return _SURROGATE.sub("\ufffd", _DROP.sub("", text))


def one_line(text: str) -> str:
    """`clean(text)` on a single line (line breaks become spaces)."""
    return clean(text).replace("\n", " ").strip()


def indent(text: str, prefix: str = "    ") -> str:
    """Every line of `clean(text)` behind `prefix`; blank lines stay blank."""
    return "\n".join(prefix + line if line.strip() else "" for line in clean(text).split("\n"))
