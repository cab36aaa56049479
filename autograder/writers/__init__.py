"""Report writers: each turns a `Report` into the text of one output format.

A writer is a pure function `render(report) -> str` in a module of its own; it
computes nothing and never fails on what a submission printed. To add a
format, add a module and one line to `WRITERS`; `--format` offers its keys.
"""
from __future__ import annotations

from typing import Callable

from ..report import Report
from . import autolab, gradescope, junit, text

__all__ = ["WRITERS"]

WRITERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "gradescope": gradescope.render,
    "autolab": autolab.render,
    "junit": junit.render,
}
