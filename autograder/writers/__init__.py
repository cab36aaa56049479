"""Report writers: each turns a `Report` into the text of one output format.

A writer is a pure function `render(report) -> str` in a module of its own; it
computes nothing and never fails on what a submission printed. To add a
format, add a module and one line to `WRITERS`; `--format` offers its keys.
"""
from __future__ import annotations

import importlib
from typing import Callable

from ..report import Report

__all__ = ["WRITERS"]


def _lazy(name: str) -> Callable[[Report], str]:
    """The module's `render`, imported on first use (junit's XML library costs start-up time)."""
    def render(report: Report) -> str:
        return importlib.import_module(f".{name}", __name__).render(report)

    return render


WRITERS: dict[str, Callable[[Report], str]] = {name: _lazy(name) for name in ("text", "gradescope", "autolab", "junit")}
