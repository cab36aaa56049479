"""Make any text (student output included) safe to embed in every format.

Student code controls much of a test's `output`: printed lines, exception
messages. `clean` turns it into plain text that cannot break a format:

- every line break Python knows (\\r\\n, \\r, \\v, \\f, \\x1c-\\x1e, \\x85,
  U+2028, U+2029) becomes \\n, so "a line" means the same to every reader;
- other control characters (terminal escapes, NUL, ...) are dropped, and so are the marks that reorder how
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


def clean(text: str) -> str:
    """`text` with line breaks normalised to \\n and unsafe characters removed."""
    text = "\n".join(str(text).splitlines())
    return _SURROGATE.sub("\ufffd", _DROP.sub("", text))


def one_line(text: str) -> str:
    """`clean(text)` on a single line (line breaks become spaces)."""
    return clean(text).replace("\n", " ").strip()


def indent(text: str, prefix: str = "    ") -> str:
    """Every line of `clean(text)` behind `prefix`; blank lines stay blank."""
    return "\n".join(prefix + line if line.strip() else "" for line in clean(text).split("\n"))
